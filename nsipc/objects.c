/* Object creation: one function per type, each exclusive (IPC_EXCL /
   O_EXCL) so an existing object is never silently reused. */
#include "objects.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>

#include "limits.h"
#include "util.h"

union semun
{
  int val;
  struct semid_ds *buf;
  unsigned short *array;
};

static void
set_owner (struct ipc_perm *perm, const struct nsipc_object *obj)
{
  if (obj->uid != OWNER_UNSET)
    perm->uid = obj->uid;
  if (obj->gid != OWNER_UNSET)
    perm->gid = obj->gid;
}

static bool
has_owner (const struct nsipc_object *obj)
{
  return obj->uid != OWNER_UNSET || obj->gid != OWNER_UNSET;
}

static int
create_msg (const struct nsipc_object *obj, nsipc_error *err)
{
  int id = msgget (obj->key, IPC_CREAT | IPC_EXCL | obj->mode);
  if (id < 0)
    return nsipc_error_set (err, errno, "msgget");
  if (!has_owner (obj) && obj->max_bytes == 0)
    return id;
  struct msqid_ds ds;
  if (msgctl (id, IPC_STAT, &ds) < 0)
    return nsipc_error_set (err, errno, "msgctl IPC_STAT");
  set_owner (&ds.msg_perm, obj);
  if (obj->max_bytes)
    ds.msg_qbytes = obj->max_bytes;
  if (msgctl (id, IPC_SET, &ds) < 0)
    {
      nsipc_error_set (err, errno, "msgctl IPC_SET");
      msgctl (id, IPC_RMID, NULL);
      return -1;
    }
  return id;
}

static int
create_sem (const struct nsipc_object *obj, nsipc_error *err)
{
  int id = semget (obj->key, obj->nsems, IPC_CREAT | IPC_EXCL | obj->mode);
  if (id < 0)
    return nsipc_error_set (err, errno, "semget");
  if (obj->values && semctl (id, 0, SETALL, (union semun){ .array = obj->values }) < 0)
    {
      nsipc_error_set (err, errno, "semctl SETALL");
      semctl (id, 0, IPC_RMID);
      return -1;
    }
  if (!has_owner (obj))
    return id;
  struct semid_ds ds;
  if (semctl (id, 0, IPC_STAT, (union semun){ .buf = &ds }) < 0)
    nsipc_error_set (err, errno, "semctl IPC_STAT");
  else
    {
      set_owner (&ds.sem_perm, obj);
      if (semctl (id, 0, IPC_SET, (union semun){ .buf = &ds }) == 0)
        return id;
      nsipc_error_set (err, errno, "semctl IPC_SET");
    }
  semctl (id, 0, IPC_RMID);
  return -1;
}

static int
create_shm (const struct nsipc_object *obj, nsipc_error *err)
{
  int id = shmget (obj->key, obj->size, IPC_CREAT | IPC_EXCL | obj->mode);
  if (id < 0)
    return nsipc_error_set (err, errno, "shmget");
  if (!has_owner (obj))
    return id;
  struct shmid_ds ds;
  if (shmctl (id, IPC_STAT, &ds) < 0)
    nsipc_error_set (err, errno, "shmctl IPC_STAT");
  else
    {
      set_owner (&ds.shm_perm, obj);
      if (shmctl (id, IPC_SET, &ds) == 0)
        return id;
      nsipc_error_set (err, errno, "shmctl IPC_SET");
    }
  shmctl (id, IPC_RMID, NULL);
  return -1;
}

static int
create_mqueue (const struct nsipc_object *obj, nsipc_error *err)
{
  struct mq_attr attr = { .mq_maxmsg = obj->max_messages, .mq_msgsize = obj->message_size };
  bool defaults = obj->max_messages == 0 && obj->message_size == 0;
  /* mq_open takes both attributes or neither: a missing one is the
     namespace's default, as mq_open (..., NULL) would choose. */
  uint64_t dflt;
  if (!defaults && attr.mq_maxmsg == 0)
    {
      if (limits_read (LIMIT_MQ_MSG_DEFAULT, &dflt, err) < 0)
        return -1;
      attr.mq_maxmsg = dflt;
    }
  if (!defaults && attr.mq_msgsize == 0)
    {
      if (limits_read (LIMIT_MQ_MSGSIZE_DEFAULT, &dflt, err) < 0)
        return -1;
      attr.mq_msgsize = dflt;
    }
  /* The mode must be exact, so the umask may not take bits away. */
  mode_t old = umask (0);
  mqd_t mq = mq_open (obj->name, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, obj->mode, defaults ? NULL : &attr);
  umask (old);
  if (mq == (mqd_t)-1 && errno == EMFILE)
    return nsipc_error_set (err, 0, "mq_open: the queues of uid %d would need more than RLIMIT_MSGQUEUE allows",
                            (int)geteuid ());
  if (mq == (mqd_t)-1)
    return nsipc_error_set (err, errno, "mq_open");
  if (has_owner (obj) && fchown (mq, obj->uid, obj->gid) < 0)
    {
      nsipc_error_set (err, errno, "chown");
      mq_close (mq);
      mq_unlink (obj->name);
      return -1;
    }
  mq_close (mq);
  return 0;
}

static int
create_one (const struct nsipc_object *obj, nsipc_error *err)
{
  switch (obj->type)
    {
    case OBJECT_MSG:
      return create_msg (obj, err);
    case OBJECT_SEM:
      return create_sem (obj, err);
    case OBJECT_SHM:
      return create_shm (obj, err);
    default:
      return create_mqueue (obj, err);
    }
}

static void
remove_one (const struct nsipc_object *obj, int id)
{
  switch (obj->type)
    {
    case OBJECT_MSG:
      msgctl (id, IPC_RMID, NULL);
      break;
    case OBJECT_SEM:
      semctl (id, 0, IPC_RMID);
      break;
    case OBJECT_SHM:
      shmctl (id, IPC_RMID, NULL);
      break;
    default:
      mq_unlink (obj->name);
      break;
    }
}

int
objects_provision (const struct nsipc_policy *policy, nsipc_error *err)
{
  _cleanup_free_ int *ids = calloc (policy->n_objects + 1, sizeof *ids);
  if (ids == NULL)
    return nsipc_error_set (err, ENOMEM, "provision objects");
  for (size_t i = 0; i < policy->n_objects; i++)
    {
      const struct nsipc_object *obj = &policy->objects[i];
      ids[i] = create_one (obj, err);
      if (ids[i] >= 0)
        continue;
      char what[128];
      policy_object_describe (obj, what, sizeof what);
      nsipc_error_prefix (err, "objects[%zu] (%s)", i, what);
      while (i-- > 0)
        remove_one (&policy->objects[i], ids[i]);
      return -1;
    }
  return 0;
}
