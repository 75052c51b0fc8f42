/* What nsipc gc does (DESIGN.md §6 scope), as a library: removes the
   orphans of every container and named namespace it can reach (the host's
   only when asked), drops ledger records that protect nothing any more and,
   with PINS, pins nobody uses; tells the caller each thing it does, as it
   does it, to print and log. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "inventory.h"
#include "policy.h"
#include "reaper.h"

struct gc_options
{
  bool dry_run, host, pins;
  const char *container, *ns; /* scope: one container's, one named namespace */
  const char *runtime_root;
  int64_t min_idle;
};

enum gc_event_kind
{
  GC_REMOVED,  /* an orphan (or, dry, one that would be) */
  GC_UNPINNED, /* a named namespace */
  GC_DROPPED,  /* a stale ledger record */
};

struct gc_event
{
  enum gc_event_kind kind;
  uint64_t ns;
  const char *name;                    /* named namespace, or NULL */
  const char *container;               /* GC_REMOVED: the namespace's container; GC_DROPPED: the record's */
  bool interrupted;                    /* GC_UNPINNED: a half-made namespace */
  const struct nsipc_removal *removal; /* GC_REMOVED: the object and why */
};

struct gc_report
{
  size_t removed, kept;
  struct nsipc_problems errors; /* what failed, one line each; the rest went on */
};

/* Told each event, in order, as it happens (10 000 removals are common:
   none is kept for the end); E lives only during the call. */
typedef void (*gc_event_fn) (const struct gc_event *e, void *ctx);

/* -1 (nothing done) when nsipc cannot see every process, or the scope
   names a namespace or container that does not exist. */
int gc_run (const char *state_dir, const struct gc_options *o, gc_event_fn on_event, void *ctx, struct gc_report *r,
            nsipc_error *err);
void gc_report_free (struct gc_report *r);
