/* The error every library function fills instead of printing: the errno it
   failed with (0 for a logic error) and one line saying what was being done. */
#pragma once

#include <stdarg.h>

#define NSIPC_ERROR_MAX 1024

typedef struct nsipc_error
{
  int status;
  char msg[NSIPC_ERROR_MAX];
} nsipc_error;

/* Fills ERR with the formatted text, then ": strerror(status)" when status
   is not 0.  Always returns -1 so call sites can `return nsipc_error_set ()`. */
int nsipc_error_set (nsipc_error *err, int status, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

/* Puts "PREFIX: " in front of the message already in ERR; returns -1. */
int nsipc_error_prefix (nsipc_error *err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
