/* IPC sysctls: the table of what exists, and writing /proc/sys, which the
   kernel resolves against the writer's IPC namespace. */
#include "limits.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "format.h"
#include "syscalls.h"
#include "util.h"

/* Kernel constants (include/uapi/linux/{msg,sem,shm}.h, ipc/mq_sysctl.c). */
#define IPCMNI 32768
#define FRESH_SHMMAX (ULONG_MAX - (1UL << 24))
#define HARD_MSGMAX 65536
#define HARD_MSGSIZEMAX (16 * 1024 * 1024)

const struct nsipc_limit_info nsipc_limits[LIMIT_COUNT] = {
  [LIMIT_MSGMAX] = { NULL, "msgmax", "kernel/msgmax", -1, LIMIT_KIND_SIZE, 0, INT_MAX, 8192 },
  [LIMIT_MSGMNB] = { NULL, "msgmnb", "kernel/msgmnb", -1, LIMIT_KIND_SIZE, 0, INT_MAX, 16384 },
  [LIMIT_MSGMNI] = { NULL, "msgmni", "kernel/msgmni", -1, LIMIT_KIND_INT, 0, IPCMNI, 32000 },
  [LIMIT_SEMMSL] = { "sem", "semmsl", "kernel/sem", 0, LIMIT_KIND_INT, 1, INT_MAX, 32000 },
  [LIMIT_SEMMNS] = { "sem", "semmns", "kernel/sem", 1, LIMIT_KIND_INT, 0, INT_MAX, 1024000000 },
  [LIMIT_SEMOPM] = { "sem", "semopm", "kernel/sem", 2, LIMIT_KIND_INT, 1, INT_MAX, 500 },
  [LIMIT_SEMMNI] = { "sem", "semmni", "kernel/sem", 3, LIMIT_KIND_INT, 0, IPCMNI, 32000 },
  [LIMIT_SHMMAX] = { NULL, "shmmax", "kernel/shmmax", -1, LIMIT_KIND_SIZE, 1, ULONG_MAX, FRESH_SHMMAX },
  [LIMIT_SHMALL] = { NULL, "shmall", "kernel/shmall", -1, LIMIT_KIND_INT, 1, ULONG_MAX, FRESH_SHMMAX },
  [LIMIT_SHMMNI] = { NULL, "shmmni", "kernel/shmmni", -1, LIMIT_KIND_INT, 0, IPCMNI, 4096 },
  [LIMIT_SHM_RMID_FORCED] = { NULL, "shm_rmid_forced", "kernel/shm_rmid_forced", -1, LIMIT_KIND_BOOL, 0, 1, 0 },
  [LIMIT_MQ_QUEUES_MAX] = { "mqueue", "queues_max", "fs/mqueue/queues_max", -1, LIMIT_KIND_INT, 0, INT_MAX, 256 },
  [LIMIT_MQ_MSG_MAX] = { "mqueue", "msg_max", "fs/mqueue/msg_max", -1, LIMIT_KIND_INT, 1, HARD_MSGMAX, 10 },
  [LIMIT_MQ_MSGSIZE_MAX]
  = { "mqueue", "msgsize_max", "fs/mqueue/msgsize_max", -1, LIMIT_KIND_SIZE, 128, HARD_MSGSIZEMAX, 8192 },
  [LIMIT_MQ_MSG_DEFAULT] = { "mqueue", "msg_default", "fs/mqueue/msg_default", -1, LIMIT_KIND_INT, 1, HARD_MSGMAX, 10 },
  [LIMIT_MQ_MSGSIZE_DEFAULT]
  = { "mqueue", "msgsize_default", "fs/mqueue/msgsize_default", -1, LIMIT_KIND_SIZE, 128, HARD_MSGSIZEMAX, 8192 },
};

uint64_t
limits_effective (const struct nsipc_limit_set *limits, enum nsipc_limit_id id)
{
  return limits->set[id] ? limits->value[id] : nsipc_limits[id].fresh;
}

void
limits_path (enum nsipc_limit_id id, char *buf, size_t len)
{
  const struct nsipc_limit_info *info = &nsipc_limits[id];
  if (info->group)
    format (buf, len, "limits.%s.%s", info->group, info->field);
  else
    format (buf, len, "limits.%s", info->field);
}

static int
sysctl_write (const char *name, const char *value, nsipc_error *err)
{
  char path[128];
  format (path, sizeof path, "/proc/sys/%s", name);
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return nsipc_error_set (err, errno, "open %s", path);
  if (write_all (fd, value, strlen (value)) < 0)
    return nsipc_error_set (err, errno, "write %s to %s", value, path);
  return 0;
}

/* ID's value, from the sysctl tree ROOT (a directory fd) or, with
   AT_FDCWD, /proc/sys. */
static int
read_at (int root, enum nsipc_limit_id id, uint64_t *value, nsipc_error *err)
{
  char path[128], text[128];
  const char *file = nsipc_limits[id].sysctl; /* relative to ROOT */
  if (root == AT_FDCWD)
    {
      format (path, sizeof path, "/proc/sys/%s", file);
      file = path;
    }
  if (read_small_file (root, file, text, sizeof text) < 0)
    return nsipc_error_set (err, errno, "open /proc/sys/%s", nsipc_limits[id].sysctl);
  /* kernel.sem holds four: ours is at sem_index. */
  uint64_t v[4];
  int at = nsipc_limits[id].sem_index < 0 ? 0 : nsipc_limits[id].sem_index;
  if (parse_u64s (text, v, at + 1, NULL) != (size_t)at + 1)
    return nsipc_error_set (err, 0, "read /proc/sys/%s: unexpected contents", nsipc_limits[id].sysctl);
  *value = v[at];
  return 0;
}

int
limits_read (enum nsipc_limit_id id, uint64_t *value, nsipc_error *err)
{
  return read_at (AT_FDCWD, id, value, err);
}

/* The sys directory of a proc instance of our own, or AT_FDCWD for
   /proc/sys. */
static int
private_sysctl_root (void)
{
  _cleanup_close_ int fs = fsopen ("proc", FSOPEN_CLOEXEC);
  if (fs < 0 || fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return AT_FDCWD;
  _cleanup_close_ int mnt = fsmount (fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  int root = mnt < 0 ? -1 : openat (mnt, "sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return root < 0 ? AT_FDCWD : root;
}

void
limits_reader_close (struct limits_reader *r)
{
  if (r->uses > 0 && r->root != AT_FDCWD)
    close (r->root);
  r->uses = 0;
}

/* Each IPC namespace has its own sysctl entries (Linux 5.17), and their
   dentries share one hash chain per name: a lookup in /proc/sys walks the
   entries of every namespace anyone ever looked at (600 us per namespace
   audited at 1000 namespaces, on 6.18).  A proc instance of our own holds
   only what was looked up through it; one serves LIMITS_READER_USES
   namespaces, so no walk is longer and its mount costs little per
   namespace.  Each lookup on the chain takes a global spinlock
   (sysctl_is_seen): 16 audited 100 namespaces 6% faster than 64, and
   1000 namespaces 6% faster (8: 5% and 3%). */
static int
reader_root (struct limits_reader *r)
{
  if (r->uses == LIMITS_READER_USES)
    limits_reader_close (r);
  if (r->uses++ == 0)
    r->root = private_sysctl_root ();
  return r->root;
}

static int
sem_apply (const struct nsipc_limit_set *limits, nsipc_error *err)
{
  static const enum nsipc_limit_id fields[] = { LIMIT_SEMMSL, LIMIT_SEMMNS, LIMIT_SEMOPM, LIMIT_SEMMNI };
  bool any = false;
  for (size_t i = 0; i < 4; i++)
    any |= limits->set[fields[i]];
  if (!any)
    return 0;

  char text[128];
  if (read_small_file (AT_FDCWD, "/proc/sys/kernel/sem", text, sizeof text) < 0)
    return nsipc_error_set (err, errno, "open /proc/sys/kernel/sem");
  uint64_t cur[4];
  if (parse_u64s (text, cur, 4, NULL) != 4)
    return nsipc_error_set (err, 0, "read /proc/sys/kernel/sem: unexpected contents");

  for (size_t i = 0; i < 4; i++)
    if (limits->set[fields[i]])
      cur[i] = limits->value[fields[i]];
  char value[96];
  format (value, sizeof value, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64, cur[0], cur[1], cur[2], cur[3]);
  return sysctl_write ("kernel/sem", value, err);
}

bool
limits_any (const struct nsipc_limit_set *limits)
{
  for (int id = 0; id < LIMIT_COUNT; id++)
    if (limits->set[id])
      return true;
  return false;
}

int
limits_apply (const struct nsipc_limit_set *limits, nsipc_error *err)
{
  for (int id = 0; id < LIMIT_COUNT; id++)
    {
      if (!limits->set[id] || nsipc_limits[id].sem_index >= 0)
        continue;
      char value[32];
      format (value, sizeof value, "%" PRIu64, limits->value[id]);
      if (sysctl_write (nsipc_limits[id].sysctl, value, err) < 0)
        return -1;
    }
  return sem_apply (limits, err);
}

int
limits_apply_as (const struct nsipc_limit_set *limits, uid_t uid, gid_t gid, nsipc_error *err)
{
  uid_t old_uid = geteuid ();
  gid_t old_gid = getegid ();
  if (setegid (gid) < 0 || seteuid (uid) < 0)
    {
      nsipc_error_set (err, errno, "switch to uid %d gid %d", (int)uid, (int)gid);
      setegid (old_gid);
      return -1;
    }
  int r = limits_apply (limits, err);
  /* Back to root: the effective capabilities return with the uid. */
  if (seteuid (old_uid) < 0 || setegid (old_gid) < 0)
    abort ();
  return r;
}

static void
set_limit (struct nsipc_limit_set *limits, enum nsipc_limit_id id, uint64_t value)
{
  limits->set[id] = true;
  limits->value[id] = value;
}

void
limits_read_all (struct nsipc_limit_set *limits, struct limits_reader *reader)
{
  struct msginfo msg;
  struct seminfo sem;
  struct shminfo shm;
  memset (limits, 0, sizeof *limits);
  if (msgctl (0, IPC_INFO, (struct msqid_ds *)&msg) >= 0)
    {
      set_limit (limits, LIMIT_MSGMAX, msg.msgmax);
      set_limit (limits, LIMIT_MSGMNB, msg.msgmnb);
      set_limit (limits, LIMIT_MSGMNI, msg.msgmni);
    }
  if (semctl (0, 0, IPC_INFO, &sem) >= 0)
    {
      set_limit (limits, LIMIT_SEMMSL, sem.semmsl);
      set_limit (limits, LIMIT_SEMMNS, sem.semmns);
      set_limit (limits, LIMIT_SEMOPM, sem.semopm);
      set_limit (limits, LIMIT_SEMMNI, sem.semmni);
    }
  if (shmctl (0, IPC_INFO, (struct shmid_ds *)&shm) >= 0)
    {
      set_limit (limits, LIMIT_SHMMAX, shm.shmmax);
      set_limit (limits, LIMIT_SHMALL, shm.shmall);
      set_limit (limits, LIMIT_SHMMNI, shm.shmmni);
    }
  /* The rest have no *_INFO. */
  nsipc_error ignored;
  int root = reader_root (reader);
  for (int id = LIMIT_SHM_RMID_FORCED; id < LIMIT_COUNT; id++)
    limits->set[id] = read_at (root, id, &limits->value[id], &ignored) == 0;
}
