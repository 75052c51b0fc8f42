/* The new mount API throughout: fspick resizes a tmpfs without touching
   its mount flags, open_tree and move_mount carry a mount between mount
   namespaces, and openat2 keeps a container's paths inside its root. */
#include "shm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "format.h"
#include "mountinfo.h"
#include "namespace.h"
#include "state.h"
#include "syscalls.h"
#include "units.h"
#include "util.h"

/* ---- one tmpfs ------------------------------------------------------- */

static bool
mount_root (int fd)
{
  struct statx stx;
  return statx (fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) == 0
         && (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/* The size of the tmpfs mounted at FD, or 0 when FD is no tmpfs mount. */
static uint64_t
tmpfs_size (int fd)
{
  struct statfs sf;
  if (!mount_root (fd) || fstatfs (fd, &sf) < 0 || sf.f_type != TMPFS_MAGIC)
    return 0;
  return (uint64_t)sf.f_blocks * sf.f_bsize;
}

bool
shm_runtime_default (uint64_t size)
{
  return size == 64ull << 20 || size == 64000ull << 10;
}

/* What the kernel makes of a size: whole pages. */
static uint64_t
in_pages (uint64_t size)
{
  uint64_t page = (uint64_t)getpagesize ();
  return (size + page - 1) / page * page;
}

static int
set_size (int fs, uint64_t size)
{
  char value[32];
  format (value, sizeof value, "%" PRIu64, size);
  return fsconfig (fs, FSCONFIG_SET_STRING, "size", value, 0);
}

/* The tmpfs at FD becomes SIZE bytes; its mount flags stay. */
static int
resize (int fd, uint64_t size, nsipc_error *err)
{
  _cleanup_close_ int fs = fspick (fd, "", FSPICK_EMPTY_PATH | FSPICK_CLOEXEC);
  if (fs >= 0 && set_size (fs, size) == 0 && fsconfig (fs, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) == 0)
    return 0;
  int e = errno;
  struct statfs st; /* the kernel says only EINVAL when the files do not fit */
  uint64_t used = fstatfs (fd, &st) == 0 ? (uint64_t)(st.f_blocks - st.f_bfree) * st.f_bsize : 0;
  if (e == EINVAL && used > size)
    return nsipc_error_set (err, 0, "resize the tmpfs to %" PRIu64 " bytes: its files take %" PRIu64 " bytes", size,
                            used);
  return nsipc_error_set (err, e, "resize the tmpfs to %" PRIu64 " bytes", size);
}

/* A new tmpfs of SIZE bytes (mode 1777, nosuid, nodev) on FD. */
static int
mount_new (int fd, uint64_t size, nsipc_error *err)
{
  _cleanup_close_ int fs = fsopen ("tmpfs", FSOPEN_CLOEXEC);
  _cleanup_close_ int mnt = -1;
  if (fs < 0 || fsconfig (fs, FSCONFIG_SET_STRING, "source", "shm", 0) < 0 || set_size (fs, size) < 0
      || fsconfig (fs, FSCONFIG_SET_STRING, "mode", "1777", 0) < 0
      || fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0
      || (mnt = fsmount (fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)) < 0
      || move_mount (mnt, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return nsipc_error_set (err, errno, "mount a tmpfs of %" PRIu64 " bytes", size);
  return 0;
}

/* A copy of the mount at FD, detached and private.  A clone of a shared
   mount (STATE_DIR/shm is one) joins its peer group: attached in a
   container, what happens to it there would come back to the host's. */
static int
clone_private (int fd)
{
  int tree = open_tree (fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  struct mount_attr attr = { .propagation = MS_PRIVATE };
  if (tree >= 0 && mount_setattr (tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    {
      int e = errno;
      close (tree);
      errno = e;
      return -1;
    }
  return tree;
}

/* ---- a named namespace's --------------------------------------------- */

static int
open_named (const char *state_dir, const char *name, bool create, nsipc_error *err)
{
  if (create)
    {
      /* Shared, as STATE_DIR/ns: an unmount reaches the copies of mount
         namespaces made since.  Callers hold STATE_DIR/ns's lock, so two
         never both bind it on itself.  Opened again after: the bind
         covers what was opened before. */
      _cleanup_close_ int made = state_open_dir (state_dir, "shm", true, err);
      _cleanup_free_ char *path = xasprintf ("%s/shm", state_dir);
      if (made < 0 || namespace_share_dir (path, err) < 0)
        return -1;
    }
  _cleanup_close_ int dir = state_open_dir (state_dir, "shm", false, err);
  if (dir < 0)
    return -1;
  if (create && mkdirat (dir, name, 0700) < 0 && errno != EEXIST)
    return nsipc_error_set (err, errno, "create %s/shm/%s", state_dir, name);
  int fd = openat (dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return nsipc_error_set (err, errno, "open %s/shm/%s", state_dir, name);
  return fd;
}

int
shm_named_create (const char *state_dir, const char *name, uint64_t size, nsipc_error *err)
{
  _cleanup_close_ int fd = open_named (state_dir, name, true, err);
  if (fd < 0)
    return -1;
  int r = tmpfs_size (fd) ? resize (fd, size, err) : mount_new (fd, size, err);
  return r < 0 ? nsipc_error_prefix (err, "/dev/shm of namespace %s", name) : 0;
}

bool
shm_named_holds_files (const char *state_dir, const char *name)
{
  nsipc_error ignored;
  _cleanup_close_ int fd = open_named (state_dir, name, false, &ignored);
  if (fd < 0 || tmpfs_size (fd) == 0)
    return false;
  char path[32];
  state_fd_path (fd, path);
  _cleanup_dir_ DIR *d = opendir (path);
  if (d == NULL)
    return true; /* unreadable: it may */
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      return true;
  return false;
}

int
shm_named_release (const char *state_dir, const char *name, nsipc_error *err)
{
  _cleanup_free_ char *path = xasprintf ("%s/shm/%s", state_dir, name);
  if (umount2 (path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
    return nsipc_error_set (err, errno, "unmount %s", path);
  if (rmdir (path) < 0 && errno != ENOENT)
    return nsipc_error_set (err, errno, "remove %s", path);
  return 0;
}

int
shm_named_tree (const char *state_dir, const char *name, nsipc_error *err)
{
  _cleanup_close_ int fd = open_named (state_dir, name, false, err);
  if (fd < 0)
    return -1;
  if (tmpfs_size (fd) == 0)
    return nsipc_error_set (err, ENOENT, "namespace %s has no /dev/shm of its own", name);
  int tree = clone_private (fd);
  if (tree < 0)
    return nsipc_error_set (err, errno, "copy the /dev/shm mount of namespace %s", name);
  return tree;
}

/* "/dev/shm is 16MiB, the policy's dev_shm 8MiB" */
static int
sizes_differ (nsipc_error *err, const char *what, uint64_t have, uint64_t want, const char *why)
{
  char a[32], b[32];
  units_format_size (have, a, sizeof a);
  units_format_size (want, b, sizeof b);
  return nsipc_error_set (err, 0, "%s is %s%s, the policy's dev_shm %s: the admin's policy is not overridden; %s", what,
                          a, why, b, "drop the setting or change the policy");
}

bool
shm_size_differs (int tree, uint64_t size, nsipc_error *err)
{
  uint64_t have = tmpfs_size (tree);
  if (have == in_pages (size))
    return false;
  sizes_differ (err, "its /dev/shm", have, size, "");
  return true;
}

int
shm_bind (int tree, nsipc_error *err)
{
  if (move_mount (tree, "", AT_FDCWD, "/dev/shm", MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return nsipc_error_set (err, errno, "mount the namespace's tmpfs on /dev/shm");
  return 0;
}

/* ---- another process's mount namespace ------------------------------- */

/* Whether the mount namespaces open at A and B are one. */
static bool
same_namespace (int a, int b)
{
  struct stat sa, sb;
  return fstat (a, &sa) == 0 && fstat (b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Runs FN in the mount namespace of PID, and comes back: a mount
   namespace can be copied from only while one is in it.  FN that CHANGES
   mounts needs one that is not ours: a container without a mount
   namespace of its own (runc runs one whose config has none) is in the
   host's, where a mount would outlive it and the host would see it. */
static int
in_mounts_of (pid_t pid, bool changes, int (*fn) (void *ctx, nsipc_error *err), void *ctx, nsipc_error *err)
{
  char path[64];
  format (path, sizeof path, "/proc/%d/ns/mnt", (int)pid);
  _cleanup_close_ int self = open ("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  _cleanup_close_ int other = open (path, O_RDONLY | O_CLOEXEC);
  if (self < 0 || other < 0)
    return nsipc_error_set (err, errno, "enter the mount namespace of process %d", (int)pid);
  if (changes && same_namespace (self, other))
    return nsipc_error_set (err, 0,
                            "process %d has no mount namespace of its own, and nsipc mounts nothing in the host's: "
                            "give the container one (linux.namespaces: mount)",
                            (int)pid);
  if (setns (other, CLONE_NEWNS) < 0)
    return nsipc_error_set (err, errno, "enter the mount namespace of process %d", (int)pid);
  int r = fn (ctx, err);
  if (setns (self, CLONE_NEWNS) < 0)
    abort (); /* we came from there */
  return r;
}

/* DIR/dev/shm, resolved as if DIR were the root: a symlink the image
   planted cannot lead out. */
static int
open_dev_shm (int dir, nsipc_error *err)
{
  struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                          .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV };
  int fd = (int)syscall (SYS_openat2, dir, "dev/shm", &how, sizeof how);
  if (fd < 0 && errno == EXDEV) /* dev is a mount of its own: that is fine */
    {
      how.resolve &= ~(uint64_t)RESOLVE_NO_XDEV;
      fd = (int)syscall (SYS_openat2, dir, "dev/shm", &how, sizeof how);
    }
  if (fd < 0)
    return nsipc_error_set (err, errno, "open /dev/shm");
  return fd;
}

struct copy
{
  int tree;
};

static int
copy_dev_shm (void *ctx, nsipc_error *err)
{
  struct copy *c = ctx;
  _cleanup_close_ int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  _cleanup_close_ int fd = root < 0 ? -1 : open_dev_shm (root, err);
  if (fd < 0)
    return -1;
  c->tree = clone_private (fd);
  return c->tree < 0 ? nsipc_error_set (err, errno, "copy the /dev/shm mount") : 0;
}

int
shm_tree_of (pid_t pid, nsipc_error *err)
{
  struct copy c = { -1 };
  if (in_mounts_of (pid, false, copy_dev_shm, &c, err) < 0)
    return nsipc_error_prefix (err, "process %d", (int)pid);
  return c.tree;
}

/* The tmpfs mounts the host has (our mount namespace) that are not where
   a runtime keeps container ID's own /dev/shm: a path that ends in a
   directory named by its id and a runtime's tail (podman's and CRI-O's
   .../ID/userdata/shm, containerd's sandboxes/ID/shm, docker's
   containers/ID/mounts/shm), below some directory.  The host's /dev/shm
   (whatever the id, "shm" or "dev"), an admin's tmpfs, another
   container's: never resized. */
struct foreign
{
  dev_t *devs;
  char **targets;
  size_t n;
};

static bool
names_container (const char *target, const char *id)
{
  static const char *const tails[] = { "/shm", "/userdata/shm", "/mounts/shm" };
  size_t len = strlen (id), n = strlen (target);
  for (size_t i = 0; i < sizeof tails / sizeof *tails; i++)
    {
      size_t tail = strlen (tails[i]);
      if (n < len + tail + 2) /* "/X" above the id: "/dev/shm" is no container "dev"'s */
        continue;
      const char *p = target + n - tail - len;
      if (strcmp (p + len, tails[i]) == 0 && strncmp (p, id, len) == 0 && p[-1] == '/')
        return true;
    }
  return false;
}

struct foreign_of
{
  const char *id;
  struct foreign *out;
};

static int
add_foreign (const struct mountinfo_entry *m, void *data)
{
  struct foreign_of *f = data;
  struct foreign *out = f->out;
  if (strcmp (m->fstype, "tmpfs") != 0 || names_container (m->target, f->id))
    return 0;
  out->devs = xrealloc (out->devs, (out->n + 1) * sizeof *out->devs);
  out->targets = xrealloc (out->targets, (out->n + 1) * sizeof *out->targets);
  out->devs[out->n] = m->dev;
  out->targets[out->n++] = xstrdup (m->target);
  return 0;
}

static int
foreign_tmpfs (const char *id, struct foreign *out, nsipc_error *err)
{
  return mountinfo_each (add_foreign, &(struct foreign_of){ id, out }, err);
}

static void
foreign_free (struct foreign *f)
{
  for (size_t i = 0; i < f->n; i++)
    free (f->targets[i]);
  free (f->targets);
  free (f->devs);
}

struct fit
{
  const char *rootfs;
  uint64_t size;
  int tree;
  const struct foreign *foreign; /* NULL: only compared, never changed (a namespace others share) */
};

/* ROOTFS/dev/shm, in the container's mount namespace. */
static int
open_container_dev_shm (const char *rootfs, nsipc_error *err)
{
  _cleanup_close_ int root = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return nsipc_error_set (err, errno, "open the root %s", rootfs);
  return open_dev_shm (root, err);
}

/* For the mount whose id is *DATA: 1 when it is shared, 2 when not. */
static int
is_shared (const struct mountinfo_entry *m, void *data)
{
  const unsigned long *id = data;
  if (m->id != *id)
    return 0;
  return strncmp (m->optional, "shared:", 7) == 0 || strstr (m->optional, " shared:") ? 1 : 2;
}

/* Whether the mount FD is on is shared (mountinfo's "shared:N"), read in
   the mount namespace we are in: 1, 0, or -1 with errno. */
static int
mount_shared (int fd)
{
  struct statx stx;
  if (statx (fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0)
    return -1;
  if (!(stx.stx_mask & STATX_MNT_ID))
    return errno = EPROTO, -1;
  unsigned long id = stx.stx_mnt_id;
  nsipc_error ignored;
  int r = mountinfo_each (is_shared, &id, &ignored);
  if (r == 0)
    errno = ENOENT;
  return r == 1 ? 1 : r == 2 ? 0 : -1;
}

static int
fit_in (void *ctx, nsipc_error *err)
{
  struct fit *f = ctx;
  _cleanup_close_ int fd = open_container_dev_shm (f->rootfs, err);
  if (fd < 0)
    return -1;
  /* A mount attached under a shared one shows in every peer of it: one
     the host has, through a shared bind (or an image's /dev/shm symlink
     into one), would get the tmpfs, and keep it after the container. */
  int shared = (f->tree >= 0 || (f->foreign && !mount_root (fd))) ? mount_shared (fd) : 0;
  if (shared < 0)
    return nsipc_error_set (err, errno, "read the propagation of the mount /dev/shm is on");
  if (shared)
    return nsipc_error_set (err, 0,
                            "/dev/shm is on a shared mount, which propagates to other mount namespaces: a tmpfs "
                            "mounted there would show on the host's; give the container private propagation "
                            "(linux.rootfsPropagation, the mount's options)");
  if (f->tree >= 0)
    return move_mount (f->tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0
               ? nsipc_error_set (err, errno, "mount the namespace's tmpfs on /dev/shm")
               : 0;
  if (f->foreign && !mount_root (fd))
    return mount_new (fd, f->size, err);
  struct stat st;
  uint64_t have = tmpfs_size (fd);
  if (fstat (fd, &st) < 0)
    return nsipc_error_set (err, errno, "stat /dev/shm");
  for (size_t i = 0; f->foreign && i < f->foreign->n; i++)
    if (f->foreign->devs[i] == st.st_dev)
      return nsipc_error_set (err, 0,
                              "/dev/shm is the tmpfs the host has at %.128s: dev_shm resizes only the container's own",
                              f->foreign->targets[i]);
  if (have == 0)
    return nsipc_error_set (err, 0, "/dev/shm is not a tmpfs: dev_shm cannot be applied");
  if (have == in_pages (f->size))
    return 0;
  if (f->foreign == NULL)
    return sizes_differ (err, "/dev/shm", have, f->size, " (in a namespace others share, nsipc resizes none)");
  if (!shm_runtime_default (have))
    return sizes_differ (err, "/dev/shm", have, f->size, " (podman --shm-size, or size= in the config)");
  return resize (fd, f->size, err);
}

int
shm_check_container (pid_t pid, const char *rootfs, uint64_t size, nsipc_error *err)
{
  struct fit f = { rootfs, size, -1, NULL };
  if (in_mounts_of (pid, false, fit_in, &f, err) < 0)
    return nsipc_error_prefix (err, "the container's /dev/shm");
  return 0;
}

int
shm_fit_container (pid_t pid, const char *id, const char *rootfs, uint64_t size, int tree, nsipc_error *err)
{
  struct foreign foreign = { 0 };
  struct fit f = { rootfs, size, tree, &foreign };
  int r = tree >= 0 ? 0 : foreign_tmpfs (id, &foreign, err);
  if (r == 0 && in_mounts_of (pid, true, fit_in, &f, err) < 0)
    r = -1;
  foreign_free (&foreign);
  return r < 0 ? nsipc_error_prefix (err, "the container's /dev/shm") : 0;
}
