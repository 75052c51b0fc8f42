/* Every IPC namespace on the host: found through processes' /proc/PID/ns/ipc
   (deduplicated by inode), nsfs bind mounts (nsipc's pins and others'), and
   ledger records; each with its processes, owners (DESIGN.md §7) and the
   objects policies provisioned there, which are never orphans. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "ledger.h"
#include "reaper.h"

struct nsipc_owner
{
  char *container;     /* NULL: processes of no known container */
  const char *runtime; /* nsipc runc crun docker podman containerd crio unknown */
  pid_t *pids;
  size_t n_pids;
};

struct nsipc_census_ns
{
  uint64_t inode;
  enum nsipc_ns_kind kind; /* host, private, shared or pinned */
  char *name;              /* nsipc's named namespace */
  bool incomplete;         /* a create or apply here has not finished: its named record's, or a container's
                              createRuntime (its ledger); or the record's list is unreadable */
  bool discardable;        /* named: its create, or its delete, did not finish: what is left may go */
  int policy_changed;      /* named: its policy file changed since applied (1) or not (0); -1: no file */
  char *path;              /* how to open it: a pin, or /proc/PID/ns/ipc */
  pid_t *pids;             /* processes inside, ascending */
  bool *guests;            /* per pid: only a thread of it is inside (setns), not its own */
  size_t n_pids;
  struct nsipc_owner *owners;
  size_t n_owners;
  struct nsipc_ledger_object *keep; /* provisioned by policies */
  size_t n_keep;
  enum nsipc_cleanup cleanup; /* the most careful of its policies', else safe */
  bool cleanup_set;
};

struct nsipc_census
{
  struct nsipc_census_ns *ns;
  size_t n;
  size_t skipped; /* processes whose namespace could not be read */
  uint64_t host;  /* our own namespace's inode */
  int home;       /* and an fd of it, to come back to from each visit */
  struct nsipc_ledger *ledgers;
  size_t n_ledgers;
};

/* How much census_take learns of who owns each namespace and what kind it
   is, from every process's cgroup and the runtimes' state. */
enum census_owners
{
  CENSUS_OWNERS_NONE,  /* a container's poststop, which knows its own namespace */
  CENSUS_OWNERS_FIRST, /* for a namespace that has no name, the processes up to
                          the first a container owns: census_container, all gc
                          needs without --container; the kind is not told */
  CENSUS_OWNERS_ALL,   /* audit, gc --container */
};

/* Takes the census; the runtimes' state is under RUNTIME_ROOT (NULL:
   /run/runc and /run/crun). */
int census_take (const char *state_dir, const char *runtime_root, enum census_owners owners, struct nsipc_census *c,
                 nsipc_error *err);

/* The census entry of the namespace INODE, or NULL. */
const struct nsipc_census_ns *census_find (const struct nsipc_census *c, uint64_t inode);

/* Whether the census knows the named namespace NAME and the container ID
   (a runtime's, or one with a ledger); NULL asks nothing. */
bool census_knows (const struct nsipc_census *c, const char *name, const char *id);

/* The scene NS is judged in: BASE (the clock, liveness, --min-idle, the
   open files, let go of to be read again for NS) with NS's policy
   objects, cleanup mode and the evidence of its processes, read into EV
   when first needed (the caller frees it). */
void census_scene (const struct nsipc_census_ns *ns, const struct nsipc_scene *base, struct nsipc_evidence *ev,
                   struct nsipc_scene *s);

/* Calls FN (CTX, ERR) inside NS (through its path, checked against its
   inode) and comes back. */
int census_visit (const struct nsipc_census *c, const struct nsipc_census_ns *ns,
                  int (*fn) (void *ctx, nsipc_error *err), void *ctx, nsipc_error *err);

/* An fd of NS, through its path, checked against its inode; -1 when it is
   no longer there.  While it is open, NS cannot die, so its inode number
   names no other namespace: a namespace deleted and made again under the
   same name may get the number back once the first is gone. */
int census_hold (const struct nsipc_census_ns *ns, nsipc_error *err);

/* Judges NS's objects and removes its orphans (DRY_RUN: lists them) from
   inside it, in BASE with NS's own evidence; PRE (poststop's snapshot of
   what existed before the container) is outside the scope. */
int census_reap (const struct nsipc_census *c, const struct nsipc_census_ns *ns, const struct nsipc_scene *base,
                 const struct nsipc_ledger_object *pre, size_t n_pre, bool dry_run, struct nsipc_reap *out,
                 nsipc_error *err);

/* The container owning NS first (or NULL). */
const char *census_container (const struct nsipc_census_ns *ns);

/* Whether a ledger of container ID (any, with ID NULL) names NS: a
   stopped container's ledger outlives it in a namespace that does. */
bool census_ledger_names (const struct nsipc_census *c, const struct nsipc_census_ns *ns, const char *id);

/* Whether gc reaches NS unasked: a named namespace, or a container's (by
   its processes, or a ledger); never the host's, nor one that is nobody's
   it knows. */
bool census_reachable (const struct nsipc_census *c, const struct nsipc_census_ns *ns);

void census_free (struct nsipc_census *c);
