/* Object lookup and creation.  Creation is exclusive (IPC_EXCL / O_EXCL) so
   an object someone made meanwhile is never silently taken over. */
#include "objects.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <mqueue.h>
#include <stdio.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/fsuid.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "format.h"
#include "limits.h"
#include "units.h"
#include "privileges.h"
#include "util.h"

union semun
{
  int val;
  struct semid_ds *buf;
  unsigned short *array;
};

/* What an existing object is, whatever its type. */
struct existing
{
  uid_t uid;
  gid_t gid;
  unsigned mode;
  uint64_t size;        /* shm bytes, sem nsems, msg qbytes */
  long maxmsg, msgsize; /* mqueue */
};

static int
sysv_get (const struct nsipc_object *obj, int flags)
{
  switch (obj->type)
    {
    case OBJECT_MSG:
      return msgget (obj->key, flags | obj->mode);
    case OBJECT_SEM:
      return semget (obj->key, flags ? (int)obj->nsems : 0, flags | obj->mode);
    default:
      return shmget (obj->key, flags ? obj->size : 0, flags | obj->mode);
    }
}

static int
sysv_remove (const struct nsipc_object *obj, int id)
{
  switch (obj->type)
    {
    case OBJECT_MSG:
      return msgctl (id, IPC_RMID, NULL);
    case OBJECT_SEM:
      return semctl (id, 0, IPC_RMID);
    default:
      return shmctl (id, IPC_RMID, NULL);
    }
}

/* IPC_STAT, then SET when EDIT is given: one place knows the three
 *_ds structures. */
static int
sysv_stat_set (const struct nsipc_object *obj, int id, struct existing *e, bool set)
{
  struct msqid_ds m;
  struct semid_ds s;
  struct shmid_ds h;
  struct ipc_perm *perm;
  int r;
  switch (obj->type)
    {
    case OBJECT_MSG:
      r = msgctl (id, IPC_STAT, &m);
      perm = &m.msg_perm;
      e->size = m.msg_qbytes;
      break;
    case OBJECT_SEM:
      r = semctl (id, 0, IPC_STAT, (union semun){ .buf = &s });
      perm = &s.sem_perm;
      e->size = s.sem_nsems;
      break;
    default:
      r = shmctl (id, IPC_STAT, &h);
      perm = &h.shm_perm;
      e->size = h.shm_segsz;
      break;
    }
  if (r < 0)
    return -1;
  e->uid = perm->uid;
  e->gid = perm->gid;
  e->mode = perm->mode & 0777;
  if (!set)
    return 0;

  perm->mode = obj->mode;
  if (obj->uid != OWNER_UNSET)
    perm->uid = obj->uid;
  if (obj->gid != OWNER_UNSET)
    perm->gid = obj->gid;
  if (obj->type == OBJECT_MSG && obj->max_bytes)
    m.msg_qbytes = obj->max_bytes;
  switch (obj->type)
    {
    case OBJECT_MSG:
      return msgctl (id, IPC_SET, &m);
    case OBJECT_SEM:
      return semctl (id, 0, IPC_SET, (union semun){ .buf = &s });
    default:
      return shmctl (id, IPC_SET, &h);
    }
}

static const char *const set_names[] = { "msgctl IPC_SET", "semctl IPC_SET", "shmctl IPC_SET" };
static const char *const get_names[] = { "msgget", "semget", "shmget" };

static int
create_sysv (const struct nsipc_object *obj, nsipc_error *err)
{
  int id = sysv_get (obj, IPC_CREAT | IPC_EXCL);
  if (id < 0)
    return nsipc_error_set (err, errno, "%s", get_names[obj->type]);
  if (obj->type == OBJECT_SEM && obj->values && semctl (id, 0, SETALL, (union semun){ .array = obj->values }) < 0)
    nsipc_error_set (err, errno, "semctl SETALL");
  else if (obj->uid == OWNER_UNSET && obj->gid == OWNER_UNSET && obj->max_bytes == 0)
    return id;
  else
    {
      struct existing e;
      if (sysv_stat_set (obj, id, &e, true) == 0)
        return id;
      if (errno == EINVAL && privileges_rootless ())
        nsipc_error_set (err, 0, "%s: its owner is not mapped in this user namespace (rootless, only yours is)",
                         set_names[obj->type]);
      else
        nsipc_error_set (err, errno, "%s", set_names[obj->type]);
    }
  sysv_remove (obj, id);
  return -1;
}

/* The namespace's default for a queue attribute, as mq_open (..., NULL)
   chooses it: the default sysctl, but never more than the maximum one
   (ipc/mqueue.c), or a policy that lowers only msg_max could not make a
   queue that policy check accepted. */
static int
mqueue_default (enum nsipc_limit_id dflt_id, enum nsipc_limit_id max_id, long *value, nsipc_error *err)
{
  uint64_t dflt, max;
  if (limits_read (dflt_id, &dflt, err) < 0 || limits_read (max_id, &max, err) < 0)
    return -1;
  *value = (long)(dflt < max ? dflt : max);
  return 0;
}

/* mq_open takes both attributes or neither: a missing one is the
   namespace's default. */
static int
mqueue_attr (const struct nsipc_object *obj, struct mq_attr *attr, nsipc_error *err)
{
  *attr = (struct mq_attr){ .mq_maxmsg = obj->max_messages, .mq_msgsize = obj->message_size };
  if (attr->mq_maxmsg == 0 && mqueue_default (LIMIT_MQ_MSG_DEFAULT, LIMIT_MQ_MSG_MAX, &attr->mq_maxmsg, err) < 0)
    return -1;
  if (attr->mq_msgsize == 0
      && mqueue_default (LIMIT_MQ_MSGSIZE_DEFAULT, LIMIT_MQ_MSGSIZE_MAX, &attr->mq_msgsize, err) < 0)
    return -1;
  return 0;
}

/* Whose files new POSIX queues are; NULL: ours. */
struct creator
{
  uid_t uid;
  gid_t gid;
};

static int
create_mqueue (const struct nsipc_object *obj, const struct creator *as, nsipc_error *err)
{
  struct mq_attr attr;
  if (mqueue_attr (obj, &attr, err) < 0)
    return -1;
  /* The mode must be exact, so the umask may not take bits away.  The
     filesystem ids change only around the create: they take CAP_CHOWN
     away, which the fchown below needs back. */
  mode_t old = umask (0);
  uid_t old_fsuid = as ? setfsuid (as->uid) : 0;
  gid_t old_fsgid = as ? setfsgid (as->gid) : 0;
  /* Every queue is charged to its creator's uid, across all namespaces,
     against RLIMIT_MSGQUEUE (800 KiB by default): root's namespaces would
     share that.  The policy bounds each queue; the limit is ours again
     right after, so a command nsipc becomes does not inherit it raised. */
  struct rlimit limit, unlimited = { RLIM_INFINITY, RLIM_INFINITY };
  bool got = getrlimit (RLIMIT_MSGQUEUE, &limit) == 0;
  bool raised = got && setrlimit (RLIMIT_MSGQUEUE, &unlimited) == 0;
  /* Without CAP_SYS_RESOURCE: as far as the hard limit goes. */
  bool to_hard = got && !raised && setrlimit (RLIMIT_MSGQUEUE, &(struct rlimit){ limit.rlim_max, limit.rlim_max }) == 0;
  mqd_t mq = mq_open (obj->name, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, obj->mode, &attr);
  int saved = errno;
  if (raised || to_hard)
    setrlimit (RLIMIT_MSGQUEUE, &limit);
  if (as)
    {
      setfsuid (old_fsuid);
      setfsgid (old_fsgid);
    }
  umask (old);
  errno = saved;
  if (mq == (mqd_t)-1 && errno == EMFILE && !raised)
    return nsipc_error_set (err, 0,
                            "mq_open: the queues of uid %d, in all namespaces, would need more than RLIMIT_MSGQUEUE "
                            "(%llu bytes), which nsipc cannot raise without CAP_SYS_RESOURCE: raise its hard limit "
                            "(systemd LimitMSGQUEUE=, ulimit -Hq) or run nsipc with that capability",
                            (int)getuid (), (unsigned long long)limit.rlim_max);
  if (mq == (mqd_t)-1 && errno == EMFILE)
    return nsipc_error_set (err, 0, "mq_open: the queues of uid %d would need more than RLIMIT_MSGQUEUE allows",
                            (int)getuid ());
  if (mq == (mqd_t)-1)
    return nsipc_error_set (err, errno, "mq_open");
  if ((obj->uid != OWNER_UNSET || obj->gid != OWNER_UNSET) && fchown (mq, obj->uid, obj->gid) < 0)
    {
      nsipc_error_set (err, errno, "chown");
      mq_close (mq);
      mq_unlink (obj->name);
      return -1;
    }
  mq_close (mq);
  return 0;
}

/* Finds OBJ; 0 with *FOUND false when it does not exist. */
static int
lookup (const struct nsipc_object *obj, struct nsipc_object_state *st, struct existing *e, nsipc_error *err)
{
  if (obj->type != OBJECT_MQUEUE)
    {
      st->id = sysv_get (obj, 0);
      if (st->id < 0 && errno == ENOENT)
        return 0;
      if (st->id < 0 || sysv_stat_set (obj, st->id, e, false) < 0)
        return nsipc_error_set (err, errno, "look up %s key 0x%08" PRIx32, policy_type_name (obj->type), obj->key);
      st->exists = true;
      return 0;
    }
  mqd_t mq = mq_open (obj->name, O_RDONLY | O_CLOEXEC);
  if (mq == (mqd_t)-1 && errno == ENOENT)
    return 0;
  struct mq_attr attr;
  struct stat sb;
  if (mq == (mqd_t)-1 || mq_getattr (mq, &attr) < 0 || fstat (mq, &sb) < 0)
    {
      nsipc_error_set (err, errno, "look up mqueue %s", obj->name);
      if (mq != (mqd_t)-1)
        mq_close (mq);
      return -1;
    }
  mq_close (mq);
  *e = (struct existing){
    .uid = sb.st_uid, .gid = sb.st_gid, .mode = sb.st_mode & 0777, .maxmsg = attr.mq_maxmsg, .msgsize = attr.mq_msgsize
  };
  st->exists = true;
  return 0;
}

/* What makes an existing object a different one than the policy's. */
static void
conflict (const struct nsipc_object *obj, const struct existing *e, char *buf, size_t len)
{
  char have[32], want[32];
  buf[0] = '\0';
  if ((obj->uid != OWNER_UNSET && obj->uid != e->uid) || (obj->gid != OWNER_UNSET && obj->gid != e->gid))
    format (buf, len, "exists owned by %u:%u, the policy says %" PRId64 ":%" PRId64, (unsigned)e->uid, (unsigned)e->gid,
            obj->uid != OWNER_UNSET ? obj->uid : (int64_t)e->uid, obj->gid != OWNER_UNSET ? obj->gid : (int64_t)e->gid);
  else if (obj->type == OBJECT_SHM && e->size != obj->size)
    {
      units_format_size (e->size, have, sizeof have);
      units_format_size (obj->size, want, sizeof want);
      format (buf, len, "exists with size %s, the policy says %s", have, want);
    }
  else if (obj->type == OBJECT_SEM && e->size != obj->nsems)
    format (buf, len, "exists with %" PRIu64 " semaphores, the policy says %u", e->size, obj->nsems);
  else if (obj->type == OBJECT_MQUEUE
           && ((obj->max_messages && obj->max_messages != e->maxmsg)
               || (obj->message_size && obj->message_size != e->msgsize)))
    format (buf, len, "exists with %ld messages of %ld bytes, the policy says %ld of %ld", e->maxmsg, e->msgsize,
            obj->max_messages ? obj->max_messages : e->maxmsg, obj->message_size ? obj->message_size : e->msgsize);
}

/* What RESHAPE would change in an existing object, for a caller that may
   not: its mode, or a queue's msg_qbytes. */
static void
reshape_conflict (const struct nsipc_object *obj, const struct existing *e, char *buf, size_t len)
{
  if (e->mode != obj->mode)
    format (buf, len, "exists with mode %04o, the policy says %04o", e->mode, obj->mode);
  else if (obj->type == OBJECT_MSG && obj->max_bytes && obj->max_bytes != e->size)
    format (buf, len, "exists with max_bytes %" PRIu64 ", the policy says %" PRIu64, e->size, obj->max_bytes);
}

int
objects_plan (const struct nsipc_policy *policy, bool reshape, struct nsipc_object_state *states,
              struct nsipc_problems *conflicts, nsipc_error *err)
{
  for (size_t i = 0; i < policy->n_objects; i++)
    {
      const struct nsipc_object *obj = &policy->objects[i];
      struct existing e = { 0 };
      states[i] = (struct nsipc_object_state){ .id = -1 };
      if (lookup (obj, &states[i], &e, err) < 0)
        return -1;
      if (!states[i].exists)
        continue;
      char why[160], what[128], path[32];
      conflict (obj, &e, why, sizeof why);
      if (why[0] == '\0' && !reshape)
        reshape_conflict (obj, &e, why, sizeof why);
      if (why[0])
        {
          policy_object_describe (obj, what, sizeof what);
          format (path, sizeof path, "objects[%zu]", i);
          problems_add (conflicts, path, "(%s) %s", what, why);
        }
      states[i].update = e.mode != obj->mode || (obj->type == OBJECT_MSG && obj->max_bytes && obj->max_bytes != e.size);
    }
  return 0;
}

static int
update_one (const struct nsipc_object *obj, int id, nsipc_error *err)
{
  struct existing e;
  if (obj->type != OBJECT_MQUEUE)
    return sysv_stat_set (obj, id, &e, true) < 0 ? nsipc_error_set (err, errno, "%s", set_names[obj->type]) : 0;
  mqd_t mq = mq_open (obj->name, O_RDONLY | O_CLOEXEC);
  if (mq == (mqd_t)-1)
    return nsipc_error_set (err, errno, "mq_open");
  int r = fchmod (mq, obj->mode);
  int e_ = errno;
  mq_close (mq);
  return r < 0 ? nsipc_error_set (err, e_, "chmod") : 0;
}

static void
undo (const struct nsipc_policy *policy, const struct nsipc_object_state *states, const int *created, size_t upto)
{
  for (size_t i = 0; i < upto; i++)
    {
      if (states[i].exists)
        continue;
      if (policy->objects[i].type == OBJECT_MQUEUE)
        mq_unlink (policy->objects[i].name);
      else
        sysv_remove (&policy->objects[i], created[i]);
    }
}

static int
apply (const struct nsipc_policy *policy, const struct nsipc_object_state *states, const struct creator *as,
       nsipc_error *err)
{
  _cleanup_free_ int *created = xcalloc (policy->n_objects + 1, sizeof *created);
  for (size_t i = 0; i < policy->n_objects; i++)
    {
      const struct nsipc_object *obj = &policy->objects[i];
      int r = 0;
      if (states[i].update)
        r = update_one (obj, states[i].id, err);
      else if (!states[i].exists)
        r = created[i] = obj->type == OBJECT_MQUEUE ? create_mqueue (obj, as, err) : create_sysv (obj, err);
      if (r >= 0)
        continue;
      char what[128];
      policy_object_describe (obj, what, sizeof what);
      nsipc_error_prefix (err, "objects[%zu] (%s)", i, what);
      undo (policy, states, created, i);
      return -1;
    }
  return 0;
}

int
objects_apply (const struct nsipc_policy *policy, const struct nsipc_object_state *states, nsipc_error *err)
{
  return apply (policy, states, NULL, err);
}

static int
provision (const struct nsipc_policy *policy, const struct creator *as, nsipc_error *err)
{
  _cleanup_free_ struct nsipc_object_state *states = xcalloc (policy->n_objects + 1, sizeof *states);
  return apply (policy, states, as, err);
}

int
objects_provision (const struct nsipc_policy *policy, nsipc_error *err)
{
  return provision (policy, NULL, err);
}

int
objects_provision_as (const struct nsipc_policy *policy, uid_t uid, gid_t gid, nsipc_error *err)
{
  return provision (policy, &(struct creator){ uid, gid }, err);
}
