/* Error objects: formatting and adding context as an error travels up. */
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "format.h"

/* strerror's text (nsipc never sets a locale: it is the C one's), but
   ENOENT's without it: the hooks meet ENOENT on their usual path (no
   named namespace yet, no earlier ledger of the id), and strerror's
   gettext lookup maps three 64 KiB blocks of libc's read-only data into
   each hook, 130 KiB of its peak RSS (tests/bench/README.md). */
static const char *
describe (int status)
{
  return status == ENOENT ? "No such file or directory" : strerror (status);
}

int
nsipc_error_set (nsipc_error *err, int status, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int n = format_v (err->msg, sizeof err->msg, fmt, ap);
  va_end (ap);
  if (status != 0 && n >= 0 && (size_t)n < sizeof err->msg)
    format (err->msg + n, sizeof err->msg - n, ": %s", describe (status));
  err->status = status;
  return -1;
}

int
nsipc_error_prefix (nsipc_error *err, const char *fmt, ...)
{
  char prefix[NSIPC_ERROR_MAX];
  va_list ap;
  va_start (ap, fmt);
  format_v (prefix, sizeof prefix, fmt, ap);
  va_end (ap);

  /* Whatever does not fit is cut from the end: the context comes first. */
  char joined[NSIPC_ERROR_MAX];
  format (joined, sizeof joined, "%s: %s", prefix, err->msg);
  memcpy (err->msg, joined, sizeof err->msg);
  return -1;
}
