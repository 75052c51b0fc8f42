/* The orphan rules.  Ownership is never liveness (systemd's RemoveIPC=
   lesson): only recorded pids, their start times and attach counts count. */
#include "reaper.h"

#include <errno.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include "procfs.h"
#include "util.h"

static int64_t
max64 (int64_t a, int64_t b)
{
  return a > b ? a : b;
}

/* True, with the reason written, when PID (recorded as ROLE at SINCE) is a
   live process that was already running then. */
static bool
live_pid (const struct nsipc_liveness *live, pid_t pid, int64_t since, const char *role, struct nsipc_verdict *v)
{
  if (pid <= 0 || !live->alive (live->ctx, pid, since))
    return false;
  snprintf (v->reason, sizeof v->reason, "%s pid %d is alive", role, (int)pid);
  return true;
}

static void
judge_shm (const struct nsipc_ipc_object *o, const struct nsipc_liveness *live, struct nsipc_verdict *v)
{
  if (o->nattch > 0)
    snprintf (v->reason, sizeof v->reason, "attached %lu time%s", (unsigned long)o->nattch, o->nattch == 1 ? "" : "s");
  else if (o->cpid == 0)
    snprintf (v->reason, sizeof v->reason, "creator in a pid namespace we cannot see");
  else if (live_pid (live, o->cpid, o->ctime, "creator", v)
           || live_pid (live, o->lpid, max64 (o->atime, o->dtime), "last attach/detach", v))
    ;
  else
    {
      snprintf (v->reason, sizeof v->reason, "not attached, creator pid %d gone", (int)o->cpid);
      v->in_use = false;
      return;
    }
  v->in_use = true;
}

static void
judge_msg (const struct nsipc_ipc_object *o, const struct nsipc_liveness *live, struct nsipc_verdict *v)
{
  v->in_use = live_pid (live, o->lspid, o->atime, "last sender", v)
              || live_pid (live, o->lrpid, o->dtime, "last receiver", v);
  if (!v->in_use)
    snprintf (v->reason, sizeof v->reason, "no live sender or receiver");
}

static void
judge_sem (const struct nsipc_ipc_object *o, const pid_t *pids, size_t n, const struct nsipc_liveness *live,
           struct nsipc_verdict *v)
{
  for (size_t i = 0; i < n; i++)
    if (live_pid (live, pids[i], max64 (o->atime, o->ctime), "last semop", v))
      {
        v->in_use = true;
        return;
      }
  v->in_use = false;
  snprintf (v->reason, sizeof v->reason, "no live process operated on it");
}

void
reaper_judge (const struct nsipc_ipc_object *o, const pid_t *sem_pids, size_t n_sem_pids, bool mq_open,
              const struct nsipc_liveness *live, struct nsipc_verdict *v)
{
  v->reason[0] = '\0';
  switch (o->type)
    {
    case OBJECT_SHM:
      judge_shm (o, live, v);
      break;
    case OBJECT_MSG:
      judge_msg (o, live, v);
      break;
    case OBJECT_SEM:
      judge_sem (o, sem_pids, n_sem_pids, live, v);
      break;
    default:
      v->in_use = mq_open;
      snprintf (v->reason, sizeof v->reason, mq_open ? "open by a process" : "not open by any process");
      break;
    }
}

static bool
alive_now (void *ctx, pid_t pid, int64_t since)
{
  (void)ctx;
  return procfs_alive_since (pid, since);
}

/* Removes O by id.  Ids carry a sequence number, so the id judged a moment
   ago cannot name a newer object; a segment is checked once more for an
   attach made meanwhile. */
static int
remove_object (const struct nsipc_ipc_object *o)
{
  struct shmid_ds shm;
  switch (o->type)
    {
    case OBJECT_SHM:
      if (shmctl (o->id, IPC_STAT, &shm) < 0)
        return -1;
      if (shm.shm_nattch > 0)
        return errno = EBUSY, -1;
      return shmctl (o->id, IPC_RMID, NULL);
    case OBJECT_MSG:
      return msgctl (o->id, IPC_RMID, NULL);
    case OBJECT_SEM:
      return semctl (o->id, 0, IPC_RMID);
    default:
      return mq_unlink (o->name);
    }
}

void
reaper_judge_live (const struct nsipc_ipc_object *o, const struct nsipc_open_files *open, struct nsipc_verdict *v)
{
  static const struct nsipc_liveness live = { alive_now, NULL };
  pid_t pids[o->type == OBJECT_SEM && o->nsems ? o->nsems : 1];
  nsipc_error ignored;
  size_t n = o->type == OBJECT_SEM && inventory_sem_pids (o->id, o->nsems, pids, &ignored) == 0 ? o->nsems : 0;
  reaper_judge (o, pids, n, o->type == OBJECT_MQUEUE && inventory_is_open (open, o), &live, v);
}

static void
record (struct nsipc_reap *out, struct nsipc_ipc_object *o, const char *reason)
{
  size_t n = out->n_removed;
  if ((n & (n - 1)) == 0) /* at powers of two: amortised growth */
    {
      struct nsipc_removal *bigger = realloc (out->removed, (n ? 2 * n : 16) * sizeof *bigger);
      if (bigger == NULL)
        abort ();
      out->removed = bigger;
    }
  struct nsipc_removal *r = &out->removed[out->n_removed++];
  r->object = *o;
  o->name = NULL; /* moved */
  snprintf (r->reason, sizeof r->reason, "%s", reason);
}

int
reaper_reap (const struct nsipc_ledger_object *keep, size_t n_keep, bool dry_run, struct nsipc_reap *out,
             nsipc_error *err)
{
  memset (out, 0, sizeof *out);
  struct nsipc_inventory inv;
  struct nsipc_open_files open = { 0 };
  if (inventory_read (&inv, true, err) < 0)
    return -1;
  /* Scanning every process's fds is only needed to judge POSIX queues. */
  if (inventory_count (&inv, OBJECT_MQUEUE) > 0 && inventory_open_files (&open, err) < 0)
    {
      inventory_free (&inv);
      return -1;
    }
  for (size_t i = 0; i < inv.n; i++)
    {
      struct nsipc_ipc_object *o = &inv.objects[i];
      if (ledger_object_listed (keep, n_keep, o->type, o->id, o->key, o->name))
        continue;
      struct nsipc_verdict v;
      reaper_judge_live (o, &open, &v);
      if (v.in_use)
        {
          out->kept_in_use++;
          continue;
        }
      if (!dry_run && remove_object (o) < 0)
        {
          if (errno == EIDRM || errno == EINVAL || errno == ENOENT)
            continue; /* someone removed it first */
          char what[64];
          snprintf (what, sizeof what, "%s id %d", policy_type_name (o->type), o->id);
          problems_add (&out->errors, what, "%s", errno == EBUSY ? "changed while we looked; kept" : strerror (errno));
          continue;
        }
      record (out, o, v.reason);
    }
  inventory_free (&inv);
  inventory_open_files_free (&open);
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
