/* nsipc audit as a library: the census judged, as JSON. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"

struct output_audit_json;

struct audit_options
{
  bool orphans;             /* only orphans, and namespaces that have some */
  const char *container;    /* only that container's namespace */
  const char *runtime_root; /* runc/crun state; NULL: /run/runc, /run/crun */
  int64_t min_idle;
  struct output_audit_json *json; /* --json: each namespace written into it, none given to the caller */
};

/* Each namespace's JSON, given to its caller as soon as it is judged. */
typedef void (*audit_namespace_fn) (json_t *ns, void *ctx);

/* Every selected namespace's JSON to ON_NAMESPACE (which owns it), in the
   census's order, or with O->json written there (ON_NAMESPACE unused);
   *SKIPPED counts those that could not be read.  An error (an unknown
   container, no census) comes before any namespace. */
int audit_run (const char *state_dir, const struct audit_options *o, audit_namespace_fn on_namespace, void *ctx,
               size_t *skipped, nsipc_error *err);
