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

static bool
say (struct nsipc_verdict *v, enum nsipc_rule rule, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (v->reason, sizeof v->reason, fmt, ap);
  va_end (ap);
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

/* For gc's first pass: a set's members are not read yet.  Only the
   removal reads them, once, and judges again (recheck_and_remove); a set
   the first pass keeps for another reason is kept either way. */
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
  if (o->type == OBJECT_SHM || s->cleanup == CLEANUP_BY_PID)
    return false;
  size_t n = evidence_uid_processes (s->evidence, o->cuid);
  if (n > 0)
    return say (v, RULE_CREATOR_UID, "creator uid %u has %zu process%s here", (unsigned)o->cuid, n, n == 1 ? "" : "es");
  /* A process we could not read may be the one blocked, or the creator. */
  if (s->evidence->unreadable > 0)
    return say (v, RULE_UNKNOWN, "%zu process%s here could not be read", s->evidence->unreadable,
                s->evidence->unreadable == 1 ? "" : "es");
  return false;
}

static bool
kept_recent (const struct nsipc_ipc_object *o, const struct nsipc_scene *s, struct nsipc_verdict *v)
{
  int64_t idle = s->now - last_activity (o);
  return idle < s->min_idle
         && say (v, RULE_RECENT, "active %lld s ago (min idle %lld s)", (long long)(idle < 0 ? 0 : idle),
                 (long long)s->min_idle);
}

static void
say_orphan (const struct nsipc_ipc_object *o, const struct nsipc_scene *s, struct nsipc_verdict *v)
{
  const char *uid_rule = s->cleanup == CLEANUP_BY_PID ? "" : ", creator uid has no process here";
  switch (o->type)
    {
    case OBJECT_SHM:
      say (v, RULE_ORPHAN, "not attached, creator pid %d gone", (int)o->cpid);
      break;
    case OBJECT_MSG:
      say (v, RULE_ORPHAN, "no live sender, receiver or waiter%s", uid_rule);
      break;
    case OBJECT_SEM:
      say (v, RULE_ORPHAN, "no live operator or waiter%s", uid_rule);
      break;
    default:
      say (v, RULE_ORPHAN, "not open%s", uid_rule);
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
  else if (listed (s->preexisting, s->n_preexisting, o))
    say (v, RULE_PREEXISTING, "existed before the container started");
  else if (s->cleanup == CLEANUP_NONE)
    say (v, RULE_CLEANUP_NONE, "the namespace's policy says cleanup: none");
  else if (s->blind)
    say (v, RULE_PID_NAMESPACE, "%s", s->blind);
  else if ((o->type == OBJECT_SHM && kept_shm (o, s, v)) || (o->type == OBJECT_MSG && kept_msg (o, s, v))
           || (o->type == OBJECT_SEM && kept_sem (o, sem, s, v)) || (o->type == OBJECT_MQUEUE && kept_mqueue (o, s, v))
           || kept_creator (o, s, v) || kept_recent (o, s, v))
    ;
  else
    say_orphan (o, s, v);
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
  /* On the heap: a set may have millions of members.  Not xcalloc: if
     that much memory is not there, the set is kept, not nsipc aborted. */
  _cleanup_free_ pid_t *pids = calloc (o->nsems + 1, sizeof *pids);
  struct nsipc_sem_detail sem = { pids, o->nsems, 0 };
  bool read = pids && inventory_sem_members (o->id, o->nsems, pids, &sem.waiters, &ignored) == 0;
  reaper_judge (o, read ? &sem : NULL, s, v);
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
  s->blind = procfs_sees_every_process (why, len) ? NULL : why;
}

/* O as the kernel has it now, read by id (a POSIX queue by name). */
static int
restat (const struct nsipc_ipc_object *o, struct nsipc_ipc_object *now)
{
  *now = *o;
  struct shmid_ds shm;
  struct msqid_ds msg;
  struct semid_ds sem;
  struct stat st;
  switch (o->type)
    {
    case OBJECT_SHM:
      if (shmctl (o->id, IPC_STAT, &shm) < 0)
        return -1;
      now->key = shm.shm_perm.__key, now->cpid = shm.shm_cpid, now->lpid = shm.shm_lpid;
      now->nattch = shm.shm_nattch;
      now->atime = shm.shm_atime, now->dtime = shm.shm_dtime, now->ctime = shm.shm_ctime;
      return 0;
    case OBJECT_MSG:
      if (msgctl (o->id, IPC_STAT, &msg) < 0)
        return -1;
      now->key = msg.msg_perm.__key, now->lspid = msg.msg_lspid, now->lrpid = msg.msg_lrpid;
      now->messages = msg.msg_qnum;
      now->atime = msg.msg_stime, now->dtime = msg.msg_rtime, now->ctime = msg.msg_ctime;
      return 0;
    case OBJECT_SEM:
      if (semctl (o->id, 0, IPC_STAT, &sem) < 0)
        return -1;
      now->key = sem.sem_perm.__key, now->nsems = sem.sem_nsems;
      now->atime = sem.sem_otime, now->ctime = sem.sem_ctime;
      return 0;
    default:
      {
        /* Opening a queue stamps nothing; its fd is an inode to stat. */
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
    }
}

/* 0: removed; 1: changed since it was judged, kept; -1: failed (errno). */
static int
recheck_and_remove (const struct nsipc_ipc_object *o, const struct nsipc_scene *s)
{
  struct nsipc_ipc_object now;
  struct nsipc_verdict v;
  if (restat (o, &now) < 0)
    return -1;
  if (!reaper_unchanged (o, &now))
    return 1;
  reaper_judge_live (&now, s, &v); /* members and waiters read afresh */
  if (v.rule != RULE_ORPHAN)
    return 1;
  switch (o->type)
    {
    case OBJECT_SHM:
      return shmctl (o->id, IPC_RMID, NULL);
    case OBJECT_MSG:
      return msgctl (o->id, IPC_RMID, NULL);
    case OBJECT_SEM:
      return semctl (o->id, 0, IPC_RMID);
    default:
      return mq_unlink (o->name);
    }
}

static void
record (struct nsipc_reap *out, struct nsipc_ipc_object *o, const char *reason)
{
  size_t n = out->n_removed;
  if ((n & (n - 1)) == 0) /* at powers of two: amortised growth */
    {
      out->removed = xrealloc (out->removed, (n ? 2 * n : 16) * sizeof *out->removed);
    }
  struct nsipc_removal *r = &out->removed[out->n_removed++];
  r->object = *o;
  o->name = NULL; /* moved */
  snprintf (r->reason, sizeof r->reason, "%s", reason);
}

int
reaper_reap (const struct nsipc_scene *s, bool dry_run, struct nsipc_reap *out, nsipc_error *err)
{
  memset (out, 0, sizeof *out);
  struct nsipc_inventory inv;
  if (inventory_read (&inv, true, err) < 0)
    return -1;
  for (size_t i = 0; i < inv.n; i++)
    {
      struct nsipc_ipc_object *o = &inv.objects[i];
      struct nsipc_verdict v;
      /* A dry run says what a real one removes: every set's members read
         now.  A real one reads them once, for the sets that may go. */
      if (dry_run || o->type != OBJECT_SEM)
        reaper_judge_live (o, s, &v);
      else
        reaper_judge (o, &members_deferred, s, &v);
      int r = v.rule != RULE_ORPHAN ? 1 : dry_run ? 0 : recheck_and_remove (o, s);
      if (r < 0 && (errno == EIDRM || errno == EINVAL || errno == ENOENT))
        continue; /* someone removed it first */
      if (r < 0)
        {
          char what[64];
          snprintf (what, sizeof what, "%s id %d", policy_type_name (o->type), o->id);
          problems_add (&out->errors, what, "%s", strerror (errno));
          continue;
        }
      if (r == 0)
        record (out, o, v.reason);
      else
        {
          out->kept++;
          out->changed += v.rule == RULE_ORPHAN;
        }
    }
  inventory_free (&inv);
  return 0;
}

void
reaper_free (struct nsipc_reap *r)
{
  for (size_t i = 0; i < r->n_removed; i++)
    free (r->removed[i].object.name);
  free (r->removed);
  problems_free (&r->errors);
  memset (r, 0, sizeof *r);
}
