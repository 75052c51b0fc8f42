/* nsipc audit as a library: the census judged, as JSON. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct audit_options
{
  bool orphans;             /* only orphans, and namespaces that have some */
  const char *container;    /* only that container's namespace */
  const char *runtime_root; /* runc/crun state; NULL: /run/runc, /run/crun */
  int64_t min_idle;
  bool json; /* for --json only: the objects written as text (output_objects), no tree */
};

/* {"namespaces": [...], "skipped": N}, or NULL with ERR (an unknown
   container is an error). */
json_t *audit_run (const char *state_dir, const struct audit_options *o, nsipc_error *err);
