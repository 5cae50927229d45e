#ifndef HEALTHGATE_CSQLITE_SHIM_H
#define HEALTHGATE_CSQLITE_SHIM_H
#include <sqlite3.h>
#include <stdint.h>
#include <unistd.h>

/* SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import: typed helpers instead. */

/// Binds UTF-8 text that SQLite copies before returning (SQLITE_TRANSIENT).
static inline int healthgate_sqlite3_bind_text_transient(sqlite3_stmt *statement, int index, const char *text, int length) {
    return sqlite3_bind_text(statement, index, text, length, SQLITE_TRANSIENT);
}

/// Binds a blob that SQLite copies before returning (SQLITE_TRANSIENT).
static inline int healthgate_sqlite3_bind_blob_transient(sqlite3_stmt *statement, int index, const void *bytes, int length) {
    return sqlite3_bind_blob(statement, index, bytes, length, SQLITE_TRANSIENT);
}

/// Binds UTF-8 text that SQLite reads in place (SQLITE_STATIC): the bytes must outlive the next step and reset.
static inline int healthgate_sqlite3_bind_text_static(sqlite3_stmt *statement, int index, const char *text, int length) {
    return sqlite3_bind_text(statement, index, text, length, SQLITE_STATIC);
}

/// Binds a blob that SQLite reads in place (SQLITE_STATIC): the bytes must outlive the next step and reset.
static inline int healthgate_sqlite3_bind_blob_static(sqlite3_stmt *statement, int index, const void *bytes, int length) {
    return sqlite3_bind_blob(statement, index, bytes, length, SQLITE_STATIC);
}

/* A busy handler with fine-grained back-off: SQLite's own busy_timeout sleeps in steps of 1 to 100 ms, which is long
   next to a group commit's fsync. This one sleeps 50 us, 100 us, ... up to 1 ms per retry, and gives up when the
   summed sleeps pass the deadline (microseconds, passed as the context pointer). */
static int healthgate_sqlite3_busy_handler(void *context, int count) {
    long long deadline = (long long)(intptr_t)context;
    long long step = 50LL * (count < 20 ? count + 1 : 20);
    long long slept = count < 20 ? 50LL * count * (count + 1) / 2 : 50LL * 210 + (long long)(count - 20) * 1000;
    if (slept >= deadline) return 0;
    usleep((useconds_t)step);
    return 1;
}

/// Installs the fine-grained busy handler with a deadline in microseconds.
static inline int healthgate_sqlite3_set_busy_deadline(sqlite3 *db, long long microseconds) {
    return sqlite3_busy_handler(db, healthgate_sqlite3_busy_handler, (void *)(intptr_t)microseconds);
}
#endif
