/* The orphan rules.  Ownership is never liveness (systemd's RemoveIPC=
   lesson), and the kernel keeps no creator pid for queues and sets and
   records a blocked caller only once its call returns: when the evidence
   is silent, the object is kept. */
#include "reaper.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <time.h>

#include "format.h"
#include "privileges.h"
#include "procfs.h"
#include "util.h"

static const char *const rule_names[RULE_COUNT] = {
  [RULE_ORPHAN] = "orphan",
  [RULE_POLICY] = "policy",
  [RULE_ATTACHED] = "attached",
  [RULE_LIVE_PID] = "live-pid",
  [RULE_BLOCKED] = "blocked",
  [RULE_WAITERS] = "waiters",
  [RULE_OPEN] = "open",
  [RULE_CREATOR_UID] = "creator-uid",
  [RULE_RECENT] = "recent",
  [RULE_UNKNOWN] = "unknown",
  [RULE_PID_NAMESPACE] = "pid-namespace",
  [RULE_CLEANUP_NONE] = "cleanup-none",
  [RULE_PREEXISTING] = "preexisting",
};

const char *
reaper_rule_name (enum nsipc_rule rule)
{
  return rule_names[rule];
}

static void
set_reason (char *reason, size_t size, const char *text)
{
  if (memccpy (reason, text, '\0', size) == NULL)
    reason[size - 1] = '\0';
}

static bool
say (struct nsipc_verdict *v, enum nsipc_rule rule, const char *fmt, ...)
{
  v->rule = rule;
  /* Most reasons are fixed text: gc judges thousands of objects a run. */
  if (strchr (fmt, '%') == NULL)
    {
      set_reason (v->reason, sizeof v->reason, fmt);
      return true;
    }
  va_list ap;
  va_start (ap, fmt);
  format_v (v->reason, sizeof v->reason, fmt, ap);
  va_end (ap);
  return true;
}

/* V's reason made of PIECES (to a NULL), by hand: the reasons with a
   number that a whole namespace's objects give (fresh ones, segments whose
   creator is gone) took say's format a tenth of audit's and gc's
   instructions. */
static bool
say_pieces (struct nsipc_verdict *v, enum nsipc_rule rule, const char *const pieces[])
{
  char *at = v->reason, *end = v->reason + sizeof v->reason - 1;
  for (size_t i = 0; pieces[i]; i++)
    at = mempcpy (at, pieces[i], strnlen (pieces[i], (size_t)(end - at)));
  *at = '\0';
  v->rule = rule;
  return true;
}

static int64_t
max64 (int64_t a, int64_t b)
{
  return a > b ? a : b;
}

/* The latest time anyone did anything to O that the kernel stamps. */
static int64_t
last_activity (const struct nsipc_ipc_object *o)
{
  return max64 (o->ctime, max64 (o->atime, o->dtime));
}

static const char *
plural (uint64_t n)
{
  return n == 1 ? "" : "s";
}

/* True, with the verdict written, when PID (recorded as ROLE) is a live
   process that was already running at O's last activity: a pid reused
   since started later. */
static bool
live_pid (const struct nsipc_scene *s, const struct nsipc_ipc_object *o, pid_t pid, const char *role,
          struct nsipc_verdict *v)
{
  if (pid <= 0 || !s->live.alive (s->live.ctx, pid, last_activity (o)))
    return false;
  return say (v, RULE_LIVE_PID, "%s pid %d is alive", role, (int)pid);
}

static bool
kept_shm (const struct nsipc_ipc_object *o, const struct nsipc_scene *s, struct nsipc_verdict *v)
{
  if (o->nattch > 0)
    return say (v, RULE_ATTACHED, "attached %lu time%s", (unsigned long)o->nattch, plural (o->nattch));
  if (o->cpid == 0)
    return say (v, RULE_UNKNOWN, "creator in a pid namespace nsipc cannot see");
  if (o->lpid == 0 && (o->atime || o->dtime))
    return say (v, RULE_UNKNOWN, "last user in a pid namespace nsipc cannot see");
  return live_pid (s, o, o->cpid, "creator", v) || live_pid (s, o, o->lpid, "last attach/detach", v);
}

static bool
kept_blocked (const struct nsipc_ipc_object *o, const struct nsipc_scene *s, struct nsipc_verdict *v)
{
  const struct nsipc_blocked *b = evidence_blocked_on (s->evidence, o->type, o->id);
  return b && say (v, RULE_BLOCKED, "blocked %s by pid %d", b->call, (int)b->pid);
}

static bool
kept_msg (const struct nsipc_ipc_object *o, const struct nsipc_scene *s, struct nsipc_verdict *v)
{
  if (kept_blocked (o, s, v))
    return true;
  if ((o->lspid == 0 && o->atime) || (o->lrpid == 0 && o->dtime))
    return say (v, RULE_UNKNOWN, "last sender or receiver in a pid namespace nsipc cannot see");
  return live_pid (s, o, o->lspid, "last sender", v) || live_pid (s, o, o->lrpid, "last receiver", v);
}

/* A set this big has its members read on the heap, and reading them (three
   semctl calls each) takes long enough to read it again before removing. */
#define SEM_MEMBERS_SLOW 64

/* A set's members not read yet: reap_one reads them, and judges again,
   only when nothing else keeps the set. */
static const struct nsipc_sem_detail members_deferred;

static bool
kept_sem (const struct nsipc_ipc_object *o, const struct nsipc_sem_detail *sem, const struct nsipc_scene *s,
          struct nsipc_verdict *v)
{
  if (sem == &members_deferred)
    return kept_blocked (o, s, v);
  if (sem == NULL)
    return say (v, RULE_UNKNOWN, "its semaphores could not be read");
  if (sem->waiters > 0)
    return say (v, RULE_WAITERS, "%lu process%s waiting on it", (unsigned long)sem->waiters,
                sem->waiters == 1 ? "" : "es");
  if (kept_blocked (o, s, v))
    return true;
  bool any_pid = false;
  for (size_t i = 0; i < sem->n; i++)
    {
      any_pid |= sem->pids[i] != 0;
      if (live_pid (s, o, sem->pids[i], "last semop", v))
        return true;
    }
  if (o->atime && !any_pid)
    return say (v, RULE_UNKNOWN, "last semop by a pid namespace nsipc cannot see");
  return false;
}

static bool
kept_mqueue (const struct nsipc_ipc_object *o, const struct nsipc_scene *s, struct nsipc_verdict *v)
{
  if (s->open == NULL || !s->open->loaded)
    return say (v, RULE_UNKNOWN, "who holds it open could not be read");
  return inventory_is_open (s->open, o) && say (v, RULE_OPEN, "open by a process");
}

/* The kinds with no creator pid: the creator may still hold the key. */
static bool
kept_creator (const struct nsipc_ipc_object *o, const struct nsipc_scene *s, struct nsipc_verdict *v)
{
  if (o->type == OBJECT_SHM)
    return false;
  size_t n = s->cleanup == CLEANUP_BY_PID ? 0 : evidence_uid_processes (s->evidence, o->cuid);
  if (n > 0)
    return say (v, RULE_CREATOR_UID, "creator uid %u has %zu process%s here", (unsigned)o->cuid, n, n == 1 ? "" : "es");
  /* A process we could not read may be the creator, or the one blocked
     on a queue or set: rule 3 holds under "by-pid" too, while a POSIX
     queue's holders are read elsewhere (rule 5). */
  if (s->evidence->unreadable > 0 && (s->cleanup != CLEANUP_BY_PID || o->type != OBJECT_MQUEUE))
    return say (v, RULE_UNKNOWN, "%zu process%s here could not be read", s->evidence->unreadable,
                s->evidence->unreadable == 1 ? "" : "es");
  return false;
}

static bool
kept_recent (const struct nsipc_ipc_object *o, const struct nsipc_scene *s, struct nsipc_verdict *v)
{
  int64_t idle = s->now - last_activity (o);
  char ago[24], min[24];
  return idle < s->min_idle
         && say_pieces (v, RULE_RECENT,
                        (const char *const[]){ "active ", digits (ago, (uint64_t)(idle < 0 ? 0 : idle), 10, 1),
                                               " s ago (min idle ", digits (min, (uint64_t)s->min_idle, 10, 1), " s)",
                                               NULL });
}

static void
say_orphan (const struct nsipc_ipc_object *o, const struct nsipc_scene *s, struct nsipc_verdict *v)
{
  bool by_pid = s->cleanup == CLEANUP_BY_PID;
  switch (o->type)
    {
    case OBJECT_SHM:
      {
        char pid[24];
        say_pieces (v, RULE_ORPHAN,
                    (const char *const[]){ "not attached, creator pid ", digits (pid, (uint32_t)o->cpid, 10, 1),
                                           " gone", NULL });
      }
      break;
    case OBJECT_MSG:
      say (v, RULE_ORPHAN,
           by_pid ? "no live sender, receiver or waiter"
                  : "no live sender, receiver or waiter, creator uid has no process here");
      break;
    case OBJECT_SEM:
      say (v, RULE_ORPHAN,
           by_pid ? "no live operator or waiter" : "no live operator or waiter, creator uid has no process here");
      break;
    default:
      say (v, RULE_ORPHAN, by_pid ? "not open" : "not open, creator uid has no process here");
      break;
    }
}

static bool
listed (const struct nsipc_ledger_object *list, size_t n, const struct nsipc_ipc_object *o)
{
  return ledger_object_listed (list, n, o->type, o->id, o->key, o->name);
}

void
reaper_judge (const struct nsipc_ipc_object *o, const struct nsipc_sem_detail *sem, const struct nsipc_scene *s,
              struct nsipc_verdict *v)
{
  if (listed (s->keep, s->n_keep, o))
    say (v, RULE_POLICY, "provisioned by a policy");
  else if (s->unrecorded)
    say (v, RULE_POLICY, "a policy's create or apply here has not finished: what it made is not all listed");
  else if (listed (s->preexisting, s->n_preexisting, o))
    say (v, RULE_PREEXISTING, "existed before the container started");
  else if (s->cleanup == CLEANUP_NONE)
    say (v, RULE_CLEANUP_NONE, "the namespace's policy says cleanup: none");
  else if (s->blind)
    say (v, RULE_PID_NAMESPACE, "%s", s->blind);
  else if (o->type != OBJECT_SHM && !evidence_load (s->evidence)) /* a segment's rules need none */
    say (v, RULE_UNKNOWN, "the namespace's processes could not be read");
  else if ((o->type == OBJECT_SHM && kept_shm (o, s, v)) || (o->type == OBJECT_MSG && kept_msg (o, s, v))
           || (o->type == OBJECT_SEM && kept_sem (o, sem, s, v)) || (o->type == OBJECT_MQUEUE && kept_mqueue (o, s, v))
           || kept_creator (o, s, v) || kept_recent (o, s, v))
    ;
  else
    say_orphan (o, s, v);
}

/* Reads the members of set O into SEM, its pids into SMALL or, for a big
   set, into *BIG on the heap (a set may have millions of members; not
   xcalloc: if that much memory is not there, the set is kept, not nsipc
   aborted).  SEM, or NULL when they could not be read. */
static const struct nsipc_sem_detail *
read_members (const struct nsipc_ipc_object *o, pid_t small[SEM_MEMBERS_SLOW], pid_t **big,
              struct nsipc_sem_detail *sem)
{
  nsipc_error ignored;
  *big = o->nsems < SEM_MEMBERS_SLOW ? NULL : calloc (o->nsems + 1, sizeof **big);
  pid_t *pids = o->nsems < SEM_MEMBERS_SLOW ? small : *big;
  *sem = (struct nsipc_sem_detail){ pids, o->nsems, 0 };
  return pids && inventory_sem_members (o->id, o->nsems, pids, &sem->waiters, &ignored) == 0 ? sem : NULL;
}

void
reaper_judge_live (const struct nsipc_ipc_object *o, const struct nsipc_scene *s, struct nsipc_verdict *v)
{
  nsipc_error ignored;
  if (o->type == OBJECT_MQUEUE && s->open && !s->open->loaded)
    inventory_open_files (s->open, &ignored);
  if (o->type != OBJECT_SEM)
    {
      reaper_judge (o, NULL, s, v);
      return;
    }
  pid_t small[SEM_MEMBERS_SLOW];
  _cleanup_free_ pid_t *big = NULL;
  struct nsipc_sem_detail sem;
  reaper_judge (o, read_members (o, small, &big, &sem), s, v);
}

bool
reaper_unchanged (const struct nsipc_ipc_object *a, const struct nsipc_ipc_object *b)
{
  return a->type == b->type && a->key == b->key && a->ctime == b->ctime && a->atime == b->atime && a->dtime == b->dtime
         && a->nattch == 0 && b->nattch == 0 && a->cpid == b->cpid && a->lpid == b->lpid && a->lspid == b->lspid
         && a->lrpid == b->lrpid && a->messages == b->messages && a->nsems == b->nsems && a->dev == b->dev
         && a->ino == b->ino;
}

static bool
alive_now (void *ctx, pid_t pid, int64_t since)
{
  (void)ctx;
  return procfs_alive_since (pid, since);
}

void
reaper_scene_live (struct nsipc_scene *s, char *why, size_t len)
{
  s->now = time (NULL);
  s->live = (struct nsipc_liveness){ alive_now, NULL };
  /* A process nsipc cannot read passes for no user of anything: its
     blocked call, open queue and uid unseen, its pid for a dead one. */
  s->blind = procfs_sees_every_process (why, len) && privileges_read_processes (why, len) ? NULL : why;
}

/* A POSIX queue as the kernel has it now, read by name: opening a queue
   stamps nothing, and its fd is an inode to stat. */
static int
restat_queue (const struct nsipc_ipc_object *o, struct nsipc_ipc_object *now)
{
  *now = *o;
  struct stat st;
  mqd_t q = mq_open (o->name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (q == (mqd_t)-1)
    return -1;
  int r = fstat (q, &st);
  mq_close (q);
  if (r < 0)
    return -1;
  now->dev = st.st_dev, now->ino = st.st_ino;
  now->atime = st.st_atime, now->dtime = st.st_mtime, now->ctime = st.st_ctime;
  return 0;
}

/* O, judged an orphan, removed if it is still as it was judged (DESIGN.md
   §6).  When judging took a while (SLOW: the namespace's evidence was read
   for it, or a big set's members), it is read again by its id, untouched
   since, and a set must have no process waiting on it now: one that began
   to wait meanwhile keeps it.  Otherwise it was read microseconds ago, the
   window that remains between any re-read and IPC_RMID anyway; reading
   each of 10 000 orphans again cost gc a third more.  1: kept, changed
   while we looked. */
static int
remove_sysv (const struct nsipc_ipc_object *o, bool slow)
{
  if (slow)
    {
      struct nsipc_ipc_object now;
      uint64_t waiters = 0;
      nsipc_error ignored;
      if (inventory_stat_id (o->type, o->id, &now) < 0)
        return -1;
      if (!reaper_unchanged (o, &now)
          || (o->type == OBJECT_SEM
              && (inventory_sem_members (o->id, o->nsems, NULL, &waiters, &ignored) < 0 || waiters)))
        return 1;
    }
  switch (o->type)
    {
    case OBJECT_SHM:
      return shmctl (o->id, IPC_RMID, NULL);
    case OBJECT_MSG:
      return msgctl (o->id, IPC_RMID, NULL);
    default:
      return semctl (o->id, 0, IPC_RMID);
    }
}

/* Set O, judged an orphan with its members not read (V), judged on them:
   rule 4 keeps it or V stands.  Judging it whole again gives the same, as
   no rule after rule 4 kept it, and cost gc a tenth of its time. */
static void
judge_members (const struct nsipc_ipc_object *o, const struct nsipc_scene *s, struct nsipc_verdict *v)
{
  pid_t small[SEM_MEMBERS_SLOW];
  _cleanup_free_ pid_t *big = NULL;
  struct nsipc_sem_detail sem;
  struct nsipc_verdict kept;
  if (kept_sem (o, read_members (o, small, &big, &sem), s, &kept))
    *v = kept;
}

/* Judges O and, unless DRY_RUN, removes it if it is an orphan: 0 removed
   (or would be), 1 kept, -1 failed (errno).  Each is read again before it
   goes: a System V object by its id, which names this object only, never
   one made later at the same index; a queue by its name, and judged again.
   A set's members (three semctl calls per semaphore) are read only when
   nothing else keeps it. */
static int
reap_one (const struct nsipc_ipc_object *o, const struct nsipc_scene *s, bool dry_run, struct nsipc_verdict *v)
{
  bool evidence_pending = s->evidence && s->evidence->pending;
  if (o->type != OBJECT_SEM)
    reaper_judge_live (o, s, v);
  else
    {
      reaper_judge (o, &members_deferred, s, v);
      if (v->rule == RULE_ORPHAN)
        judge_members (o, s, v);
    }
  if (v->rule != RULE_ORPHAN)
    return 1;
  if (dry_run)
    return 0;
  if (o->type != OBJECT_MQUEUE)
    return remove_sysv (o, (evidence_pending && !s->evidence->pending) || o->nsems >= SEM_MEMBERS_SLOW);
  struct nsipc_ipc_object now;
  if (restat_queue (o, &now) < 0)
    return -1;
  if (!reaper_unchanged (o, &now))
    return 1;
  reaper_judge_live (&now, s, v);
  return v->rule != RULE_ORPHAN ? 1 : mq_unlink (o->name);
}

static void
record (const struct nsipc_scene *s, struct nsipc_reap *out, struct nsipc_ipc_object *o, const char *reason)
{
  struct nsipc_removal r = { .type = o->type, .key = o->key, .id = o->id, .name = steal_pointer (&o->name) };
  set_reason (r.reason, sizeof r.reason, reason);
  size_t n = out->n_removed++;
  if (s->removed)
    {
      s->removed (&r, s->removed_ctx);
      free (r.name);
      return;
    }
  out->removed = xgrow (out->removed, n, sizeof *out->removed);
  out->removed[n] = r;
}

/* R from reap_one for O, added to OUT. */
static void
tally (const struct nsipc_scene *s, struct nsipc_reap *out, struct nsipc_ipc_object *o, int r,
       const struct nsipc_verdict *v)
{
  if (r < 0 && (errno == EIDRM || errno == EINVAL || errno == ENOENT))
    return; /* someone removed it first */
  if (r < 0)
    {
      char what[64];
      format (what, sizeof what, "%s id %d", policy_type_name (o->type), o->id);
      problems_add (&out->errors, what, "%s", strerror (errno));
    }
  else if (r == 0)
    record (s, out, o, v->reason);
  else
    out->kept++;
}

/* The System V objects of TYPE, each read, judged and removed in turn. */
static int
reap_sysv (enum nsipc_object_type type, const struct nsipc_scene *s, bool dry_run, struct nsipc_reap *out,
           nsipc_error *err)
{
  int last = inventory_last_index (type);
  if (last < 0)
    return nsipc_error_set (err, errno, "list %s objects", policy_type_name (type));
  for (int i = 0; i <= last; i++)
    {
      struct nsipc_ipc_object o;
      struct nsipc_verdict v;
      if (inventory_stat (type, i, &o) < 0)
        {
          if (!inventory_gap ())
            problems_add (&out->errors, policy_type_name (type), "index %d: %s", i, strerror (errno));
          continue;
        }
      tally (s, out, &o, reap_one (&o, s, dry_run, &v), &v);
    }
  return 0;
}

int
reaper_reap (const struct nsipc_scene *s, bool dry_run, struct nsipc_reap *out, nsipc_error *err)
{
  memset (out, 0, sizeof *out);
  static const enum nsipc_object_type sysv[] = { OBJECT_MSG, OBJECT_SEM, OBJECT_SHM };
  for (size_t t = 0; t < 3; t++)
    if (reap_sysv (sysv[t], s, dry_run, out, err) < 0)
      return -1;
  struct nsipc_inventory queues;
  if (inventory_read_queues (&queues, err) < 0)
    return -1;
  for (size_t i = 0; i < queues.n; i++)
    {
      struct nsipc_verdict v;
      tally (s, out, &queues.objects[i], reap_one (&queues.objects[i], s, dry_run, &v), &v);
    }
  inventory_free (&queues);
  return 0;
}

void
reaper_free (struct nsipc_reap *r)
{
  for (size_t i = 0; r->removed && i < r->n_removed; i++)
    free (r->removed[i].name);
  free (r->removed);
  problems_free (&r->errors);
  memset (r, 0, sizeof *r);
}
