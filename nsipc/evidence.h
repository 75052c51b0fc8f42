/* What the processes of one IPC namespace show about its objects beyond the
   pids the kernel records (DESIGN.md §6): which uids they run with (the
   creator-uid rule) and which object each task is blocked on right now
   (msgsnd/msgrcv/semop record nothing until they return). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "policy.h"

struct nsipc_uid_count
{
  uid_t uid;
  size_t processes;
};

struct nsipc_blocked
{
  enum nsipc_object_type type;
  int id;
  pid_t pid;
  const char *call; /* "msgrcv", "msgsnd", "semop", "semtimedop" */
};

struct nsipc_evidence
{
  struct nsipc_uid_count *uids; /* sorted by uid */
  size_t n_uids;
  struct nsipc_blocked *blocked; /* sorted by type, id */
  size_t n_blocked;
  size_t unreadable; /* processes whose uids or tasks could not be read */
  /* Set by evidence_defer: read on first need (evidence_load), by then
     PIDS, N_PIDS; FAILED when /proc could not be opened. */
  const pid_t *pids;
  size_t n_pids;
  bool pending, failed;
};

/* Reads the uids (real, effective, saved, filesystem, each thread's: a
   thread may change its own) and every task's current syscall of the N
   processes PIDS; the caller itself is left out
   (it visits namespaces, it does not use them).  A process that is gone
   meanwhile is skipped. */
int evidence_read (const pid_t *pids, size_t n, struct nsipc_evidence *ev, nsipc_error *err);

/* EV as evidence_read would fill it, read when evidence_load is first
   called: a namespace that holds no queue or set needs none (audit visits
   the host's, with every process on it).  PIDS must outlive EV. */
void evidence_defer (const pid_t *pids, size_t n, struct nsipc_evidence *ev);

/* Reads deferred evidence if it is not yet read; false when it could not
   be. */
bool evidence_load (struct nsipc_evidence *ev);

/* Puts EV in the order the look-ups below need: uids sorted, one entry
   each with their process counts summed; blocked tasks by type and id. */
void evidence_sort (struct nsipc_evidence *ev);

/* How many of the processes run with UID (any of their four ids). */
size_t evidence_uid_processes (const struct nsipc_evidence *ev, uid_t uid);

/* A task blocked in an IPC call on object ID of TYPE, or NULL. */
const struct nsipc_blocked *evidence_blocked_on (const struct nsipc_evidence *ev, enum nsipc_object_type type, int id);

void evidence_free (struct nsipc_evidence *ev);

/* Pure parsers, for unit tests. */

/* /proc/PID/status: the four ids of its "Uid:" line. */
bool evidence_parse_uids (const char *status, uid_t uids[4]);

/* /proc/PID/status: its number of threads, 0 when it does not say. */
unsigned long evidence_parse_threads (const char *status);

/* /proc/PID/task/TID/syscall ("NR ARG1 ARG2 …", "running" or "-1 …"): the
   IPC object the task is blocked on, when the call is one that takes an
   id first (msgsnd, msgrcv, semop, semtimedop). */
bool evidence_parse_syscall (const char *text, enum nsipc_object_type *type, int *id, const char **call);
