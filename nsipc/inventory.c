/* Reading the caller's IPC namespace: the System V objects by index, as
   ipcs(1) does, and the POSIX queues through an mqueue mount.  *_STAT_ANY
   (Linux 4.17) is one call per object and reads any object whatever its
   mode; /proc/sysvipc, which this replaced, made the kernel print every
   object as text for nsipc to parse again, and cost gc and audit more than
   the calls themselves. */
#include "inventory.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>

#include "format.h"
#include "namespace.h"
#include "syscalls.h"
#include "util.h"

struct nsipc_ipc_object *
inventory_append (struct nsipc_inventory *inv)
{
  inv->objects = xgrow (inv->objects, inv->n, sizeof *inv->objects);
  struct nsipc_ipc_object *o = &inv->objects[inv->n++];
  memset (o, 0, sizeof *o);
  return o;
}

/* What every System V object has: its kind, id and ipc_perm. */
static struct nsipc_ipc_object
from_perm (enum nsipc_object_type type, const struct ipc_perm *p, int id)
{
  return (struct nsipc_ipc_object){ .type = type,
                                    .key = (uint32_t)p->__key,
                                    .id = id,
                                    .mode = p->mode & 0777,
                                    .uid = p->uid,
                                    .gid = p->gid,
                                    .cuid = p->cuid,
                                    .cgid = p->cgid };
}

void
inventory_from_shm (const struct shmid_ds *d, int id, struct nsipc_ipc_object *o)
{
  *o = from_perm (OBJECT_SHM, &d->shm_perm, id);
  o->size = d->shm_segsz, o->cpid = d->shm_cpid, o->lpid = d->shm_lpid, o->nattch = d->shm_nattch;
  o->atime = d->shm_atime, o->dtime = d->shm_dtime, o->ctime = d->shm_ctime;
}

void
inventory_from_msg (const struct msqid_ds *d, int id, struct nsipc_ipc_object *o)
{
  *o = from_perm (OBJECT_MSG, &d->msg_perm, id);
  o->bytes = d->__msg_cbytes, o->messages = d->msg_qnum, o->lspid = d->msg_lspid, o->lrpid = d->msg_lrpid;
  o->atime = d->msg_stime, o->dtime = d->msg_rtime, o->ctime = d->msg_ctime;
}

void
inventory_from_sem (const struct semid_ds *d, int id, struct nsipc_ipc_object *o)
{
  *o = from_perm (OBJECT_SEM, &d->sem_perm, id);
  o->nsems = d->sem_nsems, o->atime = d->sem_otime, o->ctime = d->sem_ctime;
}

int
inventory_last_index (enum nsipc_object_type type)
{
  /* Each *_INFO returns the highest index in use (0 when none is). */
  struct msginfo msg;
  struct seminfo sem;
  struct shm_info shm;
  switch (type)
    {
    case OBJECT_MSG:
      return msgctl (0, MSG_INFO, (struct msqid_ds *)&msg);
    case OBJECT_SEM:
      return semctl (0, 0, SEM_INFO, &sem);
    default:
      return shmctl (0, SHM_INFO, (struct shmid_ds *)&shm);
    }
}

/* The object of TYPE at N, as CMD reads it: *_STAT_ANY by index (which
   returns the id), or IPC_STAT by id. */
static int
stat_with (enum nsipc_object_type type, int n, int cmd, struct nsipc_ipc_object *o)
{
  struct msqid_ds msg;
  struct semid_ds sem;
  struct shmid_ds shm;
  int r = type == OBJECT_MSG   ? msgctl (n, cmd, &msg)
          : type == OBJECT_SEM ? semctl (n, 0, cmd, &sem)
                               : shmctl (n, cmd, &shm);
  if (r < 0)
    return -1;
  int id = cmd == IPC_STAT ? n : r;
  if (type == OBJECT_MSG)
    inventory_from_msg (&msg, id, o);
  else if (type == OBJECT_SEM)
    inventory_from_sem (&sem, id, o);
  else
    inventory_from_shm (&shm, id, o);
  return 0;
}

int
inventory_stat (enum nsipc_object_type type, int index, struct nsipc_ipc_object *o)
{
  static const int stat_any[]
      = { [OBJECT_MSG] = MSG_STAT_ANY, [OBJECT_SEM] = SEM_STAT_ANY, [OBJECT_SHM] = SHM_STAT_ANY };
  return stat_with (type, index, stat_any[type], o);
}

int
inventory_stat_id (enum nsipc_object_type type, int id, struct nsipc_ipc_object *o)
{
  return stat_with (type, id, IPC_STAT, o);
}

bool
inventory_gap (void)
{
  return errno == EINVAL || errno == EIDRM;
}

static int
read_sysv (enum nsipc_object_type type, struct nsipc_inventory *inv, nsipc_error *err)
{
  int last = inventory_last_index (type);
  if (last < 0)
    return nsipc_error_set (err, errno, "list %s objects", policy_type_name (type));
  for (int i = 0; i <= last; i++)
    {
      struct nsipc_ipc_object o;
      if (inventory_stat (type, i, &o) == 0)
        *inventory_append (inv) = o;
      else if (!inventory_gap ())
        return nsipc_error_set (err, errno, "read %s index %d", policy_type_name (type), i);
    }
  return 0;
}

/* Releasing a detached mount waits for an RCU grace period, 60 us per
   namespace audited.  With keep_queue_mounts (the caller's own mount
   namespace), the mqueue mounts are attached instead, stacked on one
   directory of a tmpfs on /dev/mqueue, which goes with up to HELD_MAX of
   them in one unmount.  They are attached through an fd of that directory,
   so no path lookup walks the stack; attaching climbs it, which costs less
   than the directory each mount had before (4 % of an audit of 100
   namespaces). */
#define HELD_MAX 64
static struct
{
  bool on;
  int dir; /* the directory in the tmpfs (O_PATH), or -1 */
  unsigned n;
} holder = { false, -1, 0 };

void
inventory_keep_queue_mounts (void)
{
  holder.on = true;
}

/* A new tmpfs on /dev/mqueue, and its directory Q in holder.dir. */
static bool
new_holder (void)
{
  if (mount ("nsipc", "/dev/mqueue", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0700") < 0)
    return false;
  if (mkdir ("/dev/mqueue/q", 0700) == 0)
    holder.dir = open ("/dev/mqueue/q", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (holder.dir < 0)
    {
      umount2 ("/dev/mqueue", MNT_DETACH);
      return false;
    }
  holder.n = 0;
  return true;
}

/* MNT attached in the holder; false when it cannot be (it is then released
   when closed). */
static bool
hold (int mnt)
{
  if (holder.n == HELD_MAX)
    {
      umount2 ("/dev/mqueue", MNT_DETACH); /* the tmpfs and all it holds */
      close (holder.dir);
      holder.dir = -1;
    }
  if (holder.dir < 0 && !new_holder ())
    return holder.on = false; /* no /dev/mqueue: released one by one */
  holder.n++;
  return move_mount (mnt, "", holder.dir, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) == 0;
}

/* A detached mqueue mount of the caller's IPC namespace (fsopen/fsmount):
   attached nowhere but in the holder, so no other mount namespace sees it
   and none is left behind if we are killed; it goes with its fd or the
   holder.  -1 with errno ENOSYS on kernels before 5.2. */
static int
mqueue_detached (void)
{
  _cleanup_close_ int fs = fsopen ("mqueue", FSOPEN_CLOEXEC);
  if (fs < 0 || fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  _cleanup_close_ int mnt = fsmount (fs, FSMOUNT_CLOEXEC, 0);
  if (mnt < 0)
    return -1;
  if (holder.on)
    hold (mnt);
  return openat (mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* The POSIX queues' directory: detached where the kernel can, else an
   mqueue mount on /dev/mqueue in a mount namespace of our own (made here:
   the host must not see it), unmounted by the caller when *MOUNTED. */
static int
mqueue_dir (bool *mounted, nsipc_error *err)
{
  *mounted = false;
  int fd = mqueue_detached ();
  if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
    return fd >= 0 ? fd : nsipc_error_set (err, errno, "mount an mqueue filesystem");
  if (namespace_unshare_mount (err) < 0 || namespace_mount_dev (0, err) < 0)
    return -1;
  *mounted = true;
  fd = open ("/dev/mqueue", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return fd >= 0 ? fd : nsipc_error_set (err, errno, "open /dev/mqueue");
}

/* The queues in FD, the mqueue filesystem's root, added to INV. */
static int
list_mqueues (struct nsipc_inventory *inv, int fd, nsipc_error *err)
{
  struct dir_entries d;
  const char *name;
  dir_entries_start (&d, fd);
  while ((name = dir_entries_next (&d)) != NULL)
    {
      if (name[0] == '.')
        continue;
      struct nsipc_ipc_object *o = inventory_append (inv);
      struct stat st;
      o->name = xasprintf ("/%s", name);
      o->type = OBJECT_MQUEUE;
      o->id = -1;
      if (fstatat (fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
        {
          o->mode = st.st_mode & 0777;
          o->uid = o->cuid = st.st_uid;
          o->gid = o->cgid = st.st_gid;
          o->atime = st.st_atime;
          o->dtime = st.st_mtime;
          o->ctime = st.st_ctime;
          o->dev = st.st_dev;
          o->ino = st.st_ino;
        }
    }
  return errno ? nsipc_error_set (err, errno, "list POSIX queues") : 0;
}

static int
read_mqueues (struct nsipc_inventory *inv, nsipc_error *err)
{
  bool mounted;
  _cleanup_close_ int fd = mqueue_dir (&mounted, err);
  int r = fd < 0 ? -1 : list_mqueues (inv, fd, err);
  if (mounted)
    umount2 ("/dev/mqueue", MNT_DETACH); /* lazily: the open fd does not hold it */
  return r;
}

int
inventory_read (struct nsipc_inventory *inv, bool mqueue, nsipc_error *err)
{
  memset (inv, 0, sizeof *inv);
  static const enum nsipc_object_type sysv[] = { OBJECT_MSG, OBJECT_SEM, OBJECT_SHM };
  for (size_t i = 0; i < 3; i++)
    if (read_sysv (sysv[i], inv, err) < 0)
      return -1;
  return mqueue ? read_mqueues (inv, err) : 0;
}

int
inventory_read_queues (struct nsipc_inventory *inv, nsipc_error *err)
{
  memset (inv, 0, sizeof *inv);
  return read_mqueues (inv, err);
}

union semun
{
  int val;
  void *buf;
  unsigned short *array;
};

int
inventory_sem_members (int id, size_t nsems, pid_t *pids, uint64_t *waiters, nsipc_error *err)
{
  *waiters = 0;
  for (size_t i = 0; i < nsems; i++)
    {
      int pid = pids ? semctl (id, i, GETPID) : 0;
      int ncnt = semctl (id, i, GETNCNT);
      int zcnt = semctl (id, i, GETZCNT);
      if (pid < 0 || ncnt < 0 || zcnt < 0)
        return nsipc_error_set (err, errno, "semctl of set %d", id);
      if (pids)
        pids[i] = pid;
      *waiters += (uint64_t)ncnt + (uint64_t)zcnt;
    }
  return 0;
}

static int
compare_files (const void *a, const void *b)
{
  const struct nsipc_open_file *x = a, *y = b;
  if (x->dev != y->dev)
    return x->dev < y->dev ? -1 : 1;
  return (x->ino > y->ino) - (x->ino < y->ino);
}

/* Out of file descriptors or memory: what a process holds open is then
   not known, which is not the same as nothing (a process gone is). */
static bool
resource_error (int e)
{
  return e == EMFILE || e == ENFILE || e == ENOMEM;
}

/* The files open in the table at PATH (a /proc fd directory), added to
   SET; how many there were, or -1 when the table could not be read for
   want of resources. */
static ssize_t
add_open_files (const char *path, struct nsipc_open_files *set, size_t *cap)
{
  _cleanup_dir_ DIR *fds = opendir (path);
  if (fds == NULL && resource_error (errno))
    return -1;
  struct dirent *fe;
  size_t n = 0;
  while (fds && (fe = readdir (fds)) != NULL)
    {
      struct stat st;
      if (fe->d_name[0] == '.' || fstatat (dirfd (fds), fe->d_name, &st, 0) < 0)
        continue;
      if (set->n == *cap)
        {
          *cap = *cap ? 2 * *cap : 256;
          set->files = xrealloc (set->files, *cap * sizeof *set->files);
        }
      set->files[set->n++] = (struct nsipc_open_file){ st.st_dev, st.st_ino };
      n++;
    }
  return (ssize_t)n;
}

/* A process whose main thread has exited shows no files of its own, while
   its other threads still hold them: the first thread with any answers
   for all (threads share their table).  -1 as add_open_files. */
static int
add_threads_open_files (const char *pid, struct nsipc_open_files *set, size_t *cap)
{
  char path[64];
  format (path, sizeof path, "/proc/%s/task", pid);
  _cleanup_dir_ DIR *tasks = opendir (path);
  if (tasks == NULL && resource_error (errno))
    return -1;
  struct dirent *te;
  while (tasks && (te = readdir (tasks)) != NULL)
    {
      if (te->d_name[0] < '0' || te->d_name[0] > '9' || strcmp (te->d_name, pid) == 0)
        continue;
      format (path, sizeof path, "/proc/%s/task/%s/fd", pid, te->d_name);
      ssize_t n = add_open_files (path, set, cap);
      if (n != 0)
        return n < 0 ? -1 : 0;
    }
  return 0;
}

int
inventory_open_files (struct nsipc_open_files *set, nsipc_error *err)
{
  memset (set, 0, sizeof *set);
  _cleanup_dir_ DIR *proc = opendir ("/proc");
  if (proc == NULL)
    return nsipc_error_set (err, errno, "open /proc");
  size_t cap = 0;
  struct dirent *de;
  while ((de = readdir (proc)) != NULL)
    {
      if (de->d_name[0] < '0' || de->d_name[0] > '9')
        continue;
      char path[64];
      format (path, sizeof path, "/proc/%s/fd", de->d_name);
      ssize_t n = add_open_files (path, set, &cap);
      if (n < 0 || (n == 0 && add_threads_open_files (de->d_name, set, &cap) < 0))
        {
          int saved = errno;
          inventory_open_files_free (set);
          return nsipc_error_set (err, saved, "read the files process %s holds open", de->d_name);
        }
    }
  if (set->n)
    qsort (set->files, set->n, sizeof *set->files, compare_files);
  set->loaded = true;
  return 0;
}

bool
inventory_is_open (const struct nsipc_open_files *set, const struct nsipc_ipc_object *o)
{
  struct nsipc_open_file key = { o->dev, o->ino };
  return set->n && bsearch (&key, set->files, set->n, sizeof key, compare_files) != NULL;
}

void
inventory_open_files_free (struct nsipc_open_files *set)
{
  free (set->files);
  memset (set, 0, sizeof *set);
}

size_t
inventory_count (const struct nsipc_inventory *inv, enum nsipc_object_type type)
{
  size_t n = 0;
  for (size_t i = 0; i < inv->n; i++)
    n += inv->objects[i].type == type;
  return n;
}

void
inventory_free (struct nsipc_inventory *inv)
{
  for (size_t i = 0; i < inv->n; i++)
    free (inv->objects[i].name);
  free (inv->objects);
  memset (inv, 0, sizeof *inv);
}
