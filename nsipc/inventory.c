/* Reading /proc/sysvipc and an mqueue mount.  /proc/sysvipc shows the
   namespace of whoever opens it, so a caller that setns'd reads that one. */
#include "inventory.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sem.h>
#include <sys/stat.h>

#include "namespace.h"
#include "util.h"

static struct nsipc_ipc_object *
append (struct nsipc_inventory *inv)
{
  /* Grow in powers of two. */
  if ((inv->n & (inv->n - 1)) == 0)
    {
      inv->objects = xrealloc (inv->objects, (inv->n ? inv->n * 2 : 16) * sizeof *inv->objects);
    }
  struct nsipc_ipc_object *o = &inv->objects[inv->n++];
  memset (o, 0, sizeof *o);
  return o;
}

/* One data line of /proc/sysvipc/TYPE (columns as in ipc/{msg,sem,shm}.c):
   the first N numbers, the third (perms) octal.  strtoll, not sscanf:
   sscanf measures its whole input on every call. */
static bool
parse_line (enum nsipc_object_type type, const char *line, struct nsipc_ipc_object *o)
{
  const size_t n = type == OBJECT_SEM ? 10 : 14;
  long long f[14] = { 0 };
  const char *p = line;
  for (size_t i = 0; i < n; i++)
    {
      char *end;
      errno = 0;
      /* strtoll skips any white space, a newline too: a short line must
         not borrow the next one's numbers. */
      if (*p == '\n')
        return false;
      f[i] = strtoll (p, &end, i == 2 ? 8 : 10);
      if (end == p || errno || (*end != ' ' && *end != '\n' && *end != '\0') || memchr (p, '\n', end - p))
        return false;
      p = end;
    }
  *o = (struct nsipc_ipc_object){ .type = type,
                                  .key = (uint32_t)f[0],
                                  .id = f[1],
                                  .mode = f[2] & 0777,
                                  .uid = f[type == OBJECT_SEM ? 4 : 7],
                                  .gid = f[type == OBJECT_SEM ? 5 : 8],
                                  .cuid = f[type == OBJECT_SEM ? 6 : 9],
                                  .cgid = f[type == OBJECT_SEM ? 7 : 10] };
  switch (type)
    {
    case OBJECT_SHM:
      o->size = f[3], o->cpid = f[4], o->lpid = f[5], o->nattch = f[6];
      o->atime = f[11], o->dtime = f[12], o->ctime = f[13];
      break;
    case OBJECT_MSG:
      o->bytes = f[3], o->messages = f[4], o->lspid = f[5], o->lrpid = f[6];
      o->atime = f[11], o->dtime = f[12], o->ctime = f[13];
      break;
    default:
      o->nsems = f[3], o->atime = f[8], o->ctime = f[9];
      break;
    }
  return true;
}

int
inventory_parse_sysvipc (enum nsipc_object_type type, const char *text, struct nsipc_inventory *inv, nsipc_error *err)
{
  const char *line = strchr (text, '\n'); /* the header */
  for (int lineno = 2; line && line[1]; lineno++)
    {
      line++;
      struct nsipc_ipc_object *o = append (inv);
      if (!parse_line (type, line, o))
        {
          inv->n--;
          return nsipc_error_set (err, 0, "/proc/sysvipc/%s line %d: unexpected format", policy_type_name (type),
                                  lineno);
        }
      line = strchr (line, '\n');
    }
  return 0;
}

static int
read_sysvipc (enum nsipc_object_type type, struct nsipc_inventory *inv, nsipc_error *err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/sysvipc/%s", policy_type_name (type));
  _cleanup_file_ FILE *f = fopen (path, "re");
  if (f == NULL)
    return nsipc_error_set (err, errno, "open %s", path);
  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream (&text, &len);
  char buf[65536];
  size_t r;
  while (mem && (r = fread (buf, 1, sizeof buf, f)) > 0)
    fwrite (buf, 1, r, mem);
  if (mem == NULL || fclose (mem) != 0)
    {
      free (text);
      return nsipc_error_set (err, ENOMEM, "read %s", path);
    }
  int ret = inventory_parse_sysvipc (type, text, inv, err);
  free (text);
  return ret;
}

/* A detached mqueue mount of the caller's IPC namespace (fsopen/fsmount):
   attached nowhere, so no mount namespace sees it and none is left behind
   if we are killed; it goes with its fd.  -1 with errno ENOSYS on kernels
   before 5.2. */
static int
mqueue_detached (void)
{
  _cleanup_close_ int fs = fsopen ("mqueue", FSOPEN_CLOEXEC);
  if (fs < 0 || fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  _cleanup_close_ int mnt = fsmount (fs, FSMOUNT_CLOEXEC, 0);
  return mnt < 0 ? -1 : openat (mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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

static int
read_mqueues (struct nsipc_inventory *inv, nsipc_error *err)
{
  bool mounted;
  int fd = mqueue_dir (&mounted, err);
  _cleanup_dir_ DIR *d = fd < 0 ? NULL : fdopendir (fd);
  if (d == NULL)
    {
      if (fd >= 0)
        close (fd);
      if (mounted)
        umount2 ("/dev/mqueue", MNT_DETACH);
      return fd < 0 ? -1 : nsipc_error_set (err, errno, "list POSIX queues");
    }
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.')
        continue;
      struct nsipc_ipc_object *o = append (inv);
      struct stat st;
      o->name = xasprintf ("/%s", de->d_name);
      o->type = OBJECT_MQUEUE;
      o->id = -1;
      if (fstatat (dirfd (d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
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
  if (mounted)
    umount2 ("/dev/mqueue", MNT_DETACH); /* lazily: the open DIR does not hold it */
  return 0;
}

int
inventory_read (struct nsipc_inventory *inv, bool mqueue, nsipc_error *err)
{
  memset (inv, 0, sizeof *inv);
  static const enum nsipc_object_type sysv[] = { OBJECT_MSG, OBJECT_SEM, OBJECT_SHM };
  for (size_t i = 0; i < 3; i++)
    if (read_sysvipc (sysv[i], inv, err) < 0)
      return -1;
  return mqueue ? read_mqueues (inv, err) : 0;
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
      snprintf (path, sizeof path, "/proc/%s/fd", de->d_name);
      _cleanup_dir_ DIR *fds = opendir (path);
      struct dirent *fe;
      while (fds && (fe = readdir (fds)) != NULL)
        {
          struct stat st;
          if (fe->d_name[0] == '.' || fstatat (dirfd (fds), fe->d_name, &st, 0) < 0)
            continue;
          if (set->n == cap)
            {
              cap = cap ? 2 * cap : 256;
              set->files = xrealloc (set->files, cap * sizeof *set->files);
            }
          set->files[set->n++] = (struct nsipc_open_file){ st.st_dev, st.st_ino };
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
