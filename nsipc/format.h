/* snprintf for the formats nsipc writes most: %s, %c, %d, %u, %x, %X, %o
   with -, 0, a width, a string precision and the size modifiers.  Anything
   else (%f, %g, %p, %m, the other flags) goes to libc's vsnprintf, so the
   result is always what snprintf would give.

   Why: every container start runs the hook, and the hook builds its paths
   and messages this way.  glibc's printf code and tables sit in parts of
   libc that nothing else the hook runs touches, and libc is mapped 64 KiB
   at a time: by a trace of the pages the hook touched, they were up to
   200 KiB of its 2.1 MiB peak RSS (tests/bench/README.md).  For these
   formats this is no slower than snprintf. */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <time.h>

int format (char *buf, size_t size, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));
int format_v (char *buf, size_t size, const char *fmt, va_list ap) __attribute__ ((format (printf, 3, 0)));

/* TS as RFC 3339 UTC with milliseconds, "2026-11-27T22:05:17.068Z" (TS on
   or after 1970).  Not gmtime_r and strftime: on first use gmtime reads the
   time zone file, and strftime is locale code, which the hook would load
   to log one line. */
#define FORMAT_UTC_LEN 32
void format_utc (char buf[FORMAT_UTC_LEN], const struct timespec *ts);
