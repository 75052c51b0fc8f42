/* The event log (--log FILE, env NSIPC_LOG): what the hook and gc did, one
   JSON object per line, for hosts without syslog and for `nsipc log`.  A
   line is appended with one write(2), so concurrent hooks never mix their
   lines; past EVENTLOG_MAX bytes the file becomes FILE.1 (the previous
   FILE.1 goes) and a new one starts. */
#pragma once

#include <jansson.h>
#include <stddef.h>

#include "error.h"

#define EVENTLOG_MAX (1 << 20)

/* Appends EVENT to PATH, with "time" (UTC, RFC 3339) and "verb" added;
   the directory is made (0700) when missing.  EVENT is not stolen. */
int eventlog_append (const char *path, const char *verb, json_t *event, nsipc_error *err);

/* The last LAST events of PATH.1 and PATH, oldest first; only those of
   container CONTAINER when it is not NULL.  Lines that are not JSON
   objects are skipped.  A missing file is no event. */
json_t *eventlog_read (const char *path, const char *container, size_t last, nsipc_error *err);
