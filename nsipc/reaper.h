/* Orphans (DESIGN.md §6): an object is in use when a pid the kernel records
   for it belongs to a live process that was already running at that time
   stamp, or when a segment is attached; else it is an orphan.  The rules
   are pure (liveness comes from the caller, so they are unit-tested);
   reaping applies them to a namespace and removes what they condemn. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "inventory.h"
#include "ledger.h"

/* alive (CTX, PID, SINCE): a process PID exists and had started by SINCE. */
struct nsipc_liveness
{
  bool (*alive) (void *ctx, pid_t pid, int64_t since);
  void *ctx;
};

struct nsipc_verdict
{
  bool in_use;
  char reason[128];
};

/* Judges O.  SEM_PIDS are a semaphore set's per-semaphore last-op pids
   (GETPID), MQ_OPEN whether any process holds a POSIX queue open. */
void reaper_judge (const struct nsipc_ipc_object *o, const pid_t *sem_pids, size_t n_sem_pids, bool mq_open,
                   const struct nsipc_liveness *live, struct nsipc_verdict *v);

/* reaper_judge with the live system: /proc for pids, GETPID for each
   semaphore (the caller is in O's namespace), OPEN for POSIX queues. */
void reaper_judge_live (const struct nsipc_ipc_object *o, const struct nsipc_open_files *open, struct nsipc_verdict *v);

struct nsipc_removal
{
  struct nsipc_ipc_object object; /* name owned here */
  char reason[128];
};

struct nsipc_reap
{
  struct nsipc_removal *removed; /* or, with dry_run, what would be */
  size_t n_removed;
  size_t kept_in_use;
  struct nsipc_problems errors; /* removals that failed, one line each */
};

/* In the caller's IPC namespace (and a private mount namespace, for the
   POSIX queues): judges every object not in KEEP and removes the orphans,
   or with DRY_RUN only lists them.  An object someone else removed first is
   not an error. */
int reaper_reap (const struct nsipc_ledger_object *keep, size_t n_keep, bool dry_run, struct nsipc_reap *out,
                 nsipc_error *err);

void reaper_free (struct nsipc_reap *r);
