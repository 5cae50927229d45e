#ifndef HEALTHGATE_CCURL_SHIM_H
#define HEALTHGATE_CCURL_SHIM_H
#include <curl/curl.h>
#endif
