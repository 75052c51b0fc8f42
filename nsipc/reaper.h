/* Orphans (DESIGN.md §6): an object is kept when any rule says someone may
   still use it; only the rest are orphans.  The judgement is pure (the
   evidence comes in a scene, so it is unit-tested) and is the one audit,
   gc --dry-run, gc and poststop all use; reaping applies it to the caller's
   namespace and removes what it condemns, re-checking each object first. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "evidence.h"
#include "inventory.h"
#include "ledger.h"

/* Why an object is kept, or RULE_ORPHAN.  Numbers are DESIGN.md §6's. */
enum nsipc_rule
{
  RULE_ORPHAN,
  RULE_POLICY,        /* 1: a policy provisioned it */
  RULE_ATTACHED,      /* 2: shm nattch > 0 */
  RULE_LIVE_PID,      /* 2-4: a recorded pid is a live process */
  RULE_BLOCKED,       /* 3: a task is blocked on it */
  RULE_WAITERS,       /* 4: semncnt/semzcnt */
  RULE_OPEN,          /* 5: a POSIX queue held open */
  RULE_CREATOR_UID,   /* 6: its creator's uid runs here */
  RULE_RECENT,        /* 7: active within --min-idle */
  RULE_UNKNOWN,       /* 8: a user nsipc cannot see */
  RULE_PID_NAMESPACE, /* 8: nsipc cannot see every process */
  RULE_CLEANUP_NONE,  /* the policy says cleanup: none */
  RULE_PREEXISTING,   /* poststop: it was there before the container */
  RULE_COUNT
};

/* "orphan", "policy", "attached", … as audit's JSON shows them. */
const char *reaper_rule_name (enum nsipc_rule rule);

/* alive (CTX, PID, SINCE): a process PID exists and had started by SINCE. */
struct nsipc_liveness
{
  bool (*alive) (void *ctx, pid_t pid, int64_t since);
  void *ctx;
};

/* Everything one namespace's objects are judged against, gathered once. */
/* What was removed: what its line and log say, no more. */
struct nsipc_removal
{
  enum nsipc_object_type type;
  uint32_t key;
  int id;
  char *name;      /* a POSIX queue's, owned here */
  char reason[96]; /* an orphan's: the longest is 67 bytes */
};

struct nsipc_scene
{
  const struct nsipc_ledger_object *keep; /* provisioned by policies */
  size_t n_keep;
  bool unrecorded; /* a policy's objects here are not all listed yet: every object is kept */
  const struct nsipc_ledger_object *preexisting; /* poststop: outside its scope */
  size_t n_preexisting;
  enum nsipc_cleanup cleanup;
  const char *blind; /* non-NULL: why nsipc cannot see every process */
  int64_t now, min_idle;
  struct nsipc_evidence *evidence; /* of the namespace's processes, read on first need */
  struct nsipc_open_files *open;   /* loaded on first need */
  struct nsipc_liveness live;
  /* Where removals go as they happen (gc prints them so, not 10 000 kept
     for the end); NULL: into the reap's list. */
  void (*removed) (const struct nsipc_removal *r, void *ctx);
  void *removed_ctx;
};

/* A semaphore set's members: last-op pids and the sum of their waiters. */
struct nsipc_sem_detail
{
  const pid_t *pids;
  size_t n;
  uint64_t waiters;
};

struct nsipc_verdict
{
  enum nsipc_rule rule; /* RULE_ORPHAN: it goes */
  char reason[160];     /* one line a person reads */
};

#define REAPER_MIN_IDLE_DEFAULT 30

/* Judges O in scene S.  SEM is O's members when O is a set (NULL: unknown,
   which keeps it); a POSIX queue's openness is looked up in S->open. */
void reaper_judge (const struct nsipc_ipc_object *o, const struct nsipc_sem_detail *sem, const struct nsipc_scene *s,
                   struct nsipc_verdict *v);

/* reaper_judge with O's members read from the kernel (the caller is in O's
   namespace) and the open files loaded when O is a POSIX queue. */
void reaper_judge_live (const struct nsipc_ipc_object *o, const struct nsipc_scene *s, struct nsipc_verdict *v);

/* Whether NOW (read again by id) is still the object JUDGED was: same key,
   change and activity times, and for a segment still unattached. */
bool reaper_unchanged (const struct nsipc_ipc_object *judged, const struct nsipc_ipc_object *now);

/* The scene's live parts: the clock, liveness from /proc, and whether
   nsipc sees every process. */
void reaper_scene_live (struct nsipc_scene *s, char *why, size_t len);

struct nsipc_reap
{
  struct nsipc_removal *removed; /* or, with dry_run, what would be; none with a sink */
  size_t n_removed;
  size_t kept;                  /* judged in use, or changed while we looked */
  struct nsipc_problems errors; /* removals that failed, one line each */
};

/* In the caller's IPC namespace (and a private mount namespace, for the
   POSIX queues): judges every object and removes the orphans, or with
   DRY_RUN only lists them.  An object someone else removed first is not an
   error; one that changed since it was judged is kept. */
int reaper_reap (const struct nsipc_scene *s, bool dry_run, struct nsipc_reap *out, nsipc_error *err);

void reaper_free (struct nsipc_reap *r);
