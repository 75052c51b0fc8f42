/* Evidence from /proc about who may still use an object.  Every file is
   read once per namespace, never once per object. */
#include "evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "format.h"
#include "util.h"

/* The IPC calls that block and take the object's id as first argument.
   On architectures with the old ipc(2) multiplexer only, none is listed. */
static const struct
{
  long nr;
  enum nsipc_object_type type;
  const char *call;
} ipc_calls[] = {
#ifdef SYS_msgsnd
  { SYS_msgsnd, OBJECT_MSG, "msgsnd" },
#endif
#ifdef SYS_msgrcv
  { SYS_msgrcv, OBJECT_MSG, "msgrcv" },
#endif
#ifdef SYS_semop
  { SYS_semop, OBJECT_SEM, "semop" },
#endif
#ifdef SYS_semtimedop
  { SYS_semtimedop, OBJECT_SEM, "semtimedop" },
#endif
#ifdef __x86_64__
  /* 32-bit programs' calls, by i386's numbers: /proc/PID/syscall does not
     say which table a call came through, but x86_64 has no call from 335
     to 423. */
  { 400, OBJECT_MSG, "msgsnd" },
  { 401, OBJECT_MSG, "msgrcv" },
  { 420, OBJECT_SEM, "semtimedop" },
#endif
  { -1, OBJECT_MSG, NULL },
};

#ifdef __x86_64__
/* i386's ipc(2), which older 32-bit programs call for all of System V IPC:
   the call in its first argument's low half, the id in its second.  As
   x86_64's number, 117 is setresuid, which never blocks. */
#define I386_IPC 117
#define X32_BIT 0x40000000L /* x32 calls: x86_64's numbers with this bit */
static const struct
{
  unsigned long call;
  enum nsipc_object_type type;
  const char *name;
} i386_ipc_calls[] = { { 1, OBJECT_SEM, "semop" },
                       { 4, OBJECT_SEM, "semtimedop" },
                       { 11, OBJECT_MSG, "msgsnd" },
                       { 12, OBJECT_MSG, "msgrcv" } };

static bool
parse_i386_ipc (unsigned long long call, const char *rest, enum nsipc_object_type *type, int *id, const char **name)
{
  char *end;
  unsigned long long arg = strtoull (rest, &end, 16);
  if (errno || end == rest)
    return false;
  for (size_t i = 0; i < sizeof i386_ipc_calls / sizeof *i386_ipc_calls; i++)
    if (i386_ipc_calls[i].call == (call & 0xffff))
      {
        *type = i386_ipc_calls[i].type;
        *id = (int)arg;
        *name = i386_ipc_calls[i].name;
        return true;
      }
  return false;
}
#endif

bool
evidence_parse_syscall (const char *text, enum nsipc_object_type *type, int *id, const char **call)
{
  char *end;
  errno = 0;
  long nr = strtol (text, &end, 10);
  if (end == text || *end != ' ' || errno)
    return false; /* "running", or not a number */
  unsigned long long arg = strtoull (end + 1, &end, 16);
  if (errno || (*end != ' ' && *end != '\n' && *end != '\0'))
    return false;
#ifdef __x86_64__
  if (nr == I386_IPC)
    return parse_i386_ipc (arg, end, type, id, call);
  nr &= ~X32_BIT;
#endif
  for (size_t i = 0; ipc_calls[i].call; i++)
    if (ipc_calls[i].nr == nr)
      {
        *type = ipc_calls[i].type;
        *id = (int)arg; /* an int in the call: the upper bits are noise */
        *call = ipc_calls[i].call;
        return true;
      }
  return false;
}

bool
evidence_parse_uids (const char *status, uid_t uids[4])
{
  const char *line = strstr (status, "\nUid:");
  if (line == NULL)
    return false;
  uint64_t v[4];
  if (parse_u64s (line + 5, v, 4, NULL) != 4)
    return false;
  for (int i = 0; i < 4; i++)
    uids[i] = v[i];
  return true;
}

unsigned long
evidence_parse_threads (const char *status)
{
  const char *line = strstr (status, "\nThreads:");
  return line ? strtoul (line + 9, NULL, 10) : 0;
}

/* UIDS, each counted once for the process whose entries begin at FIRST,
   however many of its ids or threads have it. */
static void
add_uids (struct nsipc_evidence *ev, size_t first, const uid_t uids[4])
{
  for (int k = 0; k < 4; k++)
    {
      bool seen = false;
      for (size_t j = first; j < ev->n_uids && !seen; j++)
        seen = ev->uids[j].uid == uids[k];
      if (seen)
        continue;
      ev->uids = xgrow (ev->uids, ev->n_uids, sizeof *ev->uids);
      ev->uids[ev->n_uids++] = (struct nsipc_uid_count){ uids[k], 1 };
    }
}

/* The task whose syscall file is PATH (in DIRFD), if it is blocked in an
   IPC call; false when the file could not be read (not when the task
   ended meanwhile). */
static bool
read_syscall (int dirfd, const char *path, pid_t pid, struct nsipc_evidence *ev)
{
  char text[256];
  struct nsipc_blocked b = { .pid = pid };
  if (read_small_file (dirfd, path, text, sizeof text) < 0)
    return errno == ENOENT;
  if (evidence_parse_syscall (text, &b.type, &b.id, &b.call))
    {
      ev->blocked = xgrow (ev->blocked, ev->n_blocked, sizeof *ev->blocked);
      ev->blocked[ev->n_blocked++] = b;
    }
  return true;
}

/* The uids of task NAME (in the task directory DIRFD), added to the
   process's from FIRST: each thread has its own credentials, and one that
   changed them alone (the raw setresuid call, as a server that drops
   privileges per thread makes) may be the creator rule 6 looks for.
   False when its status could not be read (not when it ended meanwhile). */
static bool
read_task_uids (int dirfd, const char *name, size_t first, struct nsipc_evidence *ev)
{
  char path[300], status[4096];
  uid_t uids[4];
  format (path, sizeof path, "%s/status", name);
  if (read_small_file (dirfd, path, status, sizeof status) < 0)
    return errno == ENOENT;
  if (!evidence_parse_uids (status, uids))
    return false;
  add_uids (ev, first, uids);
  return true;
}

/* Each task of PROCDIR: a thread may be the one blocked, or run with
   another uid than the process's main thread. */
static bool
read_tasks (int procdir, pid_t pid, size_t first, struct nsipc_evidence *ev)
{
  _cleanup_close_ int fd = openat (procdir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return false;
  struct dir_entries tasks;
  const char *tid;
  bool all = true;
  dir_entries_start (&tasks, fd);
  while ((tid = dir_entries_next (&tasks)) != NULL)
    {
      char path[300];
      format (path, sizeof path, "%s/syscall", tid);
      if (tid[0] != '.')
        all &= read_syscall (fd, path, pid, ev) & read_task_uids (fd, tid, first, ev);
    }
  return all && errno == 0;
}

static int
compare_uids (const void *a, const void *b)
{
  const struct nsipc_uid_count *x = a, *y = b;
  return (x->uid > y->uid) - (x->uid < y->uid);
}

static int
compare_blocked (const void *a, const void *b)
{
  const struct nsipc_blocked *x = a, *y = b;
  if (x->type != y->type)
    return x->type < y->type ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

/* Sorted, one entry per uid, counting processes. */
static void
merge_uids (struct nsipc_evidence *ev)
{
  if (ev->n_uids == 0)
    return;
  qsort (ev->uids, ev->n_uids, sizeof *ev->uids, compare_uids);
  size_t w = 0;
  for (size_t r = 1; r < ev->n_uids; r++)
    if (ev->uids[r].uid == ev->uids[w].uid)
      ev->uids[w].processes += ev->uids[r].processes;
    else
      ev->uids[++w] = ev->uids[r];
  ev->n_uids = w + 1;
}

int
evidence_read (const pid_t *pids, size_t n, struct nsipc_evidence *ev, nsipc_error *err)
{
  memset (ev, 0, sizeof *ev);
  if (n == 0) /* a pinned namespace nobody is in: most of those audit sees */
    return 0;
  _cleanup_close_ int proc = open ("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (proc < 0)
    return nsipc_error_set (err, errno, "open /proc");
  pid_t self = getpid ();
  for (size_t i = 0; i < n; i++)
    {
      if (pids[i] == self)
        continue;
      char name[24], status[4096];
      format (name, sizeof name, "%d", (int)pids[i]);
      _cleanup_close_ int dir = openat (proc, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      uid_t uids[4];
      if (dir < 0 || read_small_file (dir, "status", status, sizeof status) < 0 || !evidence_parse_uids (status, uids))
        {
          ev->unreadable += dir >= 0 || errno != ENOENT;
          continue;
        }
      /* One count per process, however many of its ids are equal. */
      size_t first = ev->n_uids;
      add_uids (ev, first, uids);
      /* A process of one thread: /proc/PID/syscall is that thread's, no
         need to list its tasks (gc reads 1000 processes a run). */
      if (!(evidence_parse_threads (status) == 1 ? read_syscall (dir, "syscall", pids[i], ev)
                                                 : read_tasks (dir, pids[i], first, ev)))
        ev->unreadable++;
    }
  evidence_sort (ev);
  return 0;
}

void
evidence_defer (const pid_t *pids, size_t n, struct nsipc_evidence *ev)
{
  *ev = (struct nsipc_evidence){ .pids = pids, .n_pids = n, .pending = true };
}

bool
evidence_load (struct nsipc_evidence *ev)
{
  nsipc_error ignored;
  if (ev->pending) /* evidence_read starts afresh: pending no more */
    ev->failed = evidence_read (ev->pids, ev->n_pids, ev, &ignored) < 0;
  return !ev->failed;
}

void
evidence_sort (struct nsipc_evidence *ev)
{
  merge_uids (ev);
  if (ev->n_blocked)
    qsort (ev->blocked, ev->n_blocked, sizeof *ev->blocked, compare_blocked);
}

size_t
evidence_uid_processes (const struct nsipc_evidence *ev, uid_t uid)
{
  struct nsipc_uid_count key = { uid, 0 };
  const struct nsipc_uid_count *hit
      = ev->n_uids ? bsearch (&key, ev->uids, ev->n_uids, sizeof key, compare_uids) : NULL;
  return hit ? hit->processes : 0;
}

const struct nsipc_blocked *
evidence_blocked_on (const struct nsipc_evidence *ev, enum nsipc_object_type type, int id)
{
  struct nsipc_blocked key = { .type = type, .id = id };
  return ev->n_blocked ? bsearch (&key, ev->blocked, ev->n_blocked, sizeof key, compare_blocked) : NULL;
}

void
evidence_free (struct nsipc_evidence *ev)
{
  free (ev->uids);
  free (ev->blocked);
  memset (ev, 0, sizeof *ev);
}
