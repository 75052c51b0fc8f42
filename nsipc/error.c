/* Error objects: formatting and adding context as an error travels up. */
#include "error.h"

#include <stdio.h>
#include <string.h>

#include "format.h"

int
nsipc_error_set (nsipc_error *err, int status, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int n = format_v (err->msg, sizeof err->msg, fmt, ap);
  va_end (ap);
  if (status != 0 && n >= 0 && (size_t)n < sizeof err->msg)
    format (err->msg + n, sizeof err->msg - n, ": %s", strerror (status));
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
