#ifndef HEALTHGATE_CSQLITE_SHIM_H
#define HEALTHGATE_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
