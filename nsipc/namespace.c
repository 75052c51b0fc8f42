/* Creating, pinning and entering IPC namespaces, and their /dev mounts. */
#include "namespace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "format.h"
#include "procfs.h"
#include "state.h"
#include "syscalls.h"
#include "util.h"

int
namespace_unshare_mount (nsipc_error *err)
{
  if (unshare (CLONE_NEWNS) < 0)
    return nsipc_error_set (err, errno, "unshare the mount namespace");
  /* Slave, not private: host mounts still reach us, ours never reach it. */
  if (mount (NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
    return nsipc_error_set (err, errno, "make / a slave mount");
  return 0;
}

int
namespace_unshare_private (nsipc_error *err)
{
  if (unshare (CLONE_NEWIPC) < 0)
    return nsipc_error_set (err, errno, "unshare the IPC namespace");
  return namespace_unshare_mount (err);
}

int
namespace_mount_dev (uint64_t shm_size, nsipc_error *err)
{
  /* systemd creates /dev/mqueue at boot; where nobody did, an empty
     mountpoint is all we add to the host's /dev. */
  if (mkdir ("/dev/mqueue", 01777) < 0 && errno != EEXIST)
    return nsipc_error_set (err, errno, "create /dev/mqueue");
  if (mount ("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
    return nsipc_error_set (err, errno, "mount mqueue on /dev/mqueue");
  if (shm_size == 0)
    return 0;
  char options[64];
  format (options, sizeof options, "size=%" PRIu64 ",mode=1777", shm_size);
  if (mount ("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, options) < 0)
    return nsipc_error_set (err, errno, "mount a tmpfs of %" PRIu64 " bytes on /dev/shm", shm_size);
  return 0;
}

int
namespace_open_current (nsipc_error *err)
{
  int fd = open ("/proc/thread-self/ns/ipc", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return nsipc_error_set (err, errno, "open /proc/thread-self/ns/ipc");
  return fd;
}

int
namespace_enter (int nsfd, nsipc_error *err)
{
  if (setns (nsfd, CLONE_NEWIPC) < 0)
    return nsipc_error_set (err, errno, "setns");
  return 0;
}

int
namespace_enter_pid (pid_t pid, nsipc_error *err)
{
  _cleanup_close_ int pidfd = pidfd_open (pid, 0);
  if (pidfd < 0 && errno == ESRCH)
    return nsipc_error_set (err, errno, "process %d", (int)pid);
  if (pidfd >= 0 && setns (pidfd, CLONE_NEWIPC) == 0)
    return 0;
  if (pidfd >= 0 && errno != EINVAL)
    return nsipc_error_set (err, errno, "join the IPC namespace of process %d", (int)pid);

  /* Before Linux 5.8 neither pidfd_open nor setns on a pidfd exist. */
  char path[64];
  format (path, sizeof path, "/proc/%d/ns/ipc", (int)pid);
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return nsipc_error_set (err, errno, "open %s", path);
  if (setns (fd, CLONE_NEWIPC) < 0)
    return nsipc_error_set (err, errno, "join the IPC namespace of process %d", (int)pid);
  return 0;
}

int
namespace_inode (int nsfd, uint64_t *inode, nsipc_error *err)
{
  struct stat st;
  if (fstat (nsfd, &st) < 0)
    return nsipc_error_set (err, errno, "stat namespace");
  *inode = st.st_ino;
  return 0;
}

int
namespace_share_dir (const char *path, nsipc_error *err)
{
  if (mount (NULL, path, NULL, MS_SHARED, NULL) == 0)
    return 0;
  if (errno != EINVAL)
    return nsipc_error_set (err, errno, "make the pin directory a shared mount");
  /* EINVAL: not a mount point yet. */
  if (mount (path, path, NULL, MS_BIND, NULL) < 0 || mount (NULL, path, NULL, MS_SHARED, NULL) < 0)
    return nsipc_error_set (err, errno, "make the pin directory a shared mount");
  return 0;
}

static const char *const kind_names[NS_KIND_COUNT] = { "host", "private", "shared", "pinned", "named" };

const char *
namespace_kind_name (enum nsipc_ns_kind kind)
{
  return kind_names[kind];
}

bool
namespace_kind_parse (const char *name, enum nsipc_ns_kind *kind)
{
  for (int k = 0; k < NS_KIND_COUNT; k++)
    if (name && strcmp (name, kind_names[k]) == 0)
      return *kind = k, true;
  return false;
}

int
namespace_visit (int nsfd, int (*fn) (void *ctx, nsipc_error *err), void *ctx, nsipc_error *err)
{
  _cleanup_close_ int home = namespace_open_current (err);
  return home < 0 ? -1 : namespace_visit_from (home, nsfd, fn, ctx, err);
}

int
namespace_visit_from (int home, int nsfd, int (*fn) (void *ctx, nsipc_error *err), void *ctx, nsipc_error *err)
{
  if (namespace_enter (nsfd, err) < 0)
    return -1;
  int r = fn (ctx, err);
  nsipc_error back;
  /* We came from there: failing to return would leave us working in a
     namespace that is not ours. */
  if (namespace_enter (home, &back) < 0)
    abort ();
  return r;
}

int
namespace_pin_new (int dirfd, const char *name, uint64_t *inode, nsipc_error *err)
{
  _cleanup_close_ int home = namespace_open_current (err);
  if (home < 0)
    return -1;
  _cleanup_close_ int fd = openat (dirfd, name, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
  if (fd < 0)
    return nsipc_error_set (err, errno, "create pin %s", name);
  char target[32];
  state_fd_path (fd, target);
  int r = 0;
  _cleanup_close_ int ns = -1;
  if (unshare (CLONE_NEWIPC) < 0)
    r = nsipc_error_set (err, errno, "unshare the IPC namespace");
  else if (mount ("/proc/thread-self/ns/ipc", target, NULL, MS_BIND, NULL) < 0)
    r = nsipc_error_set (err, errno, "bind mount the namespace on pin %s", name);
  else if ((ns = namespace_open_current (err)) < 0 || namespace_inode (ns, inode, err) < 0)
    r = -1;
  nsipc_error back;
  if (namespace_enter (home, &back) < 0)
    abort (); /* we came from there */
  if (r < 0)
    namespace_unpin (dirfd, name, NULL);
  return r;
}

/* Opens DIRFD/PATH (WHAT, in messages) only if it is an nsfs file: looked
   at through O_PATH first, so that a device or FIFO planted where a
   namespace is recorded is never opened for real (opening some devices
   acts).  err->status is ENOENT when there is nothing there. */
static int
open_nsfs (int dirfd, const char *path, int flags, const char *what, nsipc_error *err)
{
  _cleanup_close_ int look = openat (dirfd, path, O_PATH | O_CLOEXEC | flags);
  struct statfs fs;
  if (look < 0 || fstatfs (look, &fs) < 0)
    return nsipc_error_set (err, errno, "open %s", what);
  if (fs.f_type != NSFS_MAGIC)
    {
      /* nsfs has no symlinks: asked only to say so.  O_PATH | O_NOFOLLOW
         opens the link itself. */
      struct stat st;
      if (fstat (look, &st) == 0 && S_ISLNK (st.st_mode))
        return nsipc_error_set (err, 0, "%s is a symlink; refusing to follow it", what);
      return nsipc_error_set (err, 0, "%s is not an IPC namespace", what);
    }
  char again[32];
  state_fd_path (look, again);
  _cleanup_close_ int fd = open (again, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return nsipc_error_set (err, errno, "open %s", what);
  /* The same file as LOOK (the link is to it, not to its path): nsfs.
     Its type is asked only now, as O_PATH cannot ask. */
  if (ioctl (fd, NS_GET_NSTYPE) != CLONE_NEWIPC)
    return nsipc_error_set (err, 0, "%s is not an IPC namespace", what);
  return steal_fd (&fd);
}

int
namespace_open_pin (int dirfd, const char *name, nsipc_error *err)
{
  char what[STATE_NAME_MAX + 8];
  format (what, sizeof what, "pin %s", name);
  return open_nsfs (dirfd, name, O_NOFOLLOW, what, err);
}

int
namespace_open_path (const char *path, nsipc_error *err)
{
  return open_nsfs (AT_FDCWD, path, 0, path, err);
}

int
namespace_unpin (int dirfd, const char *name, nsipc_error *err)
{
  nsipc_error ignored;
  if (err == NULL)
    err = &ignored;
  _cleanup_close_ int fd = openat (dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0)
    return nsipc_error_set (err, errno, "open pin %s", name);
  char path[32];
  state_fd_path (fd, path);
  /* Detach: a process that opened the pin keeps the namespace, not the mount. */
  if (umount2 (path, MNT_DETACH) < 0 && errno != EINVAL)
    return nsipc_error_set (err, errno, "unmount pin %s", name);
  if (unlinkat (dirfd, name, 0) < 0 && errno != ENOENT)
    return nsipc_error_set (err, errno, "remove pin %s", name);
  return 0;
}

static int
compare_members (const void *a, const void *b)
{
  const struct nsipc_ns_member *x = a, *y = b;
  if (x->inode != y->inode)
    return x->inode < y->inode ? -1 : 1;
  return (x->pid > y->pid) - (x->pid < y->pid);
}

bool
namespace_parse_name (const char *text, uint64_t *inode)
{
  const char *end = strncmp (text, "ipc:[", 5) == 0 ? parse_u64 (text + 5, inode) : NULL;
  return end && strcmp (end, "]") == 0;
}

/* The inode of the IPC namespace of process PID (a name in /proc, PROC),
   from its link's text, "ipc:[INODE]": a stat follows the link to the
   namespace's nsfs inode, and a scan of 80 processes took 1.4 to 2 times
   as long that way (the scan runs in every createRuntime hook). */
static int
ns_link_inode (int proc, const char *pid, uint64_t *inode)
{
  char path[64], text[64];
  format (path, sizeof path, "%s/ns/ipc", pid);
  ssize_t len = readlinkat (proc, path, text, sizeof text - 1);
  if (len < 0)
    return -1;
  text[len] = '\0';
  return namespace_parse_name (text, inode) ? 0 : (errno = EPROTO, -1);
}

int
namespace_check_host (uint64_t inode, nsipc_error *err)
{
  uint64_t init;
  /* Unreadable (a hardened /proc, or process 1 of a namespace above
     ours): nothing to tell by. */
  if (ns_link_inode (AT_FDCWD, "/proc/1", &init) < 0 || init == inode)
    return 0;
  return nsipc_error_set (err, 0,
                          "nsipc is in IPC namespace %" PRIu64 ", not the host's (%" PRIu64
                          ", process 1's), and would take its own for the host's: run it in the host's IPC namespace "
                          "(a Kubernetes pod: hostIPC: true)",
                          inode, init);
}

/* PID as a member of INODE (with ONLY, if that is *ONLY), once, through
   thread TID's link (0: its own): the process's entries begin at FIRST. */
static void
add_member (const uint64_t *only, uint64_t inode, pid_t pid, pid_t tid, size_t first, struct nsipc_ns_member **members,
            size_t *n, size_t *cap)
{
  if (only && inode != *only)
    return;
  for (size_t i = first; i < *n; i++)
    if ((*members)[i].inode == inode)
      return;
  if (*n == *cap)
    {
      *cap = *cap ? *cap * 2 : 256;
      *members = xrealloc (*members, *cap * sizeof **members);
    }
  bool guest = *n > first; /* the process has an entry already: its own */
  (*members)[*n] = (struct nsipc_ns_member){ inode, pid, tid, guest };
  ++*n;
}

/* Whether process PID has threads besides its first: its task directory's
   link count is 2 and one per thread.  A stat, not a listing of every
   process's tasks.  Unreadable: asked, to be safe. */
static bool
more_threads (int proc, const char *pid)
{
  char path[64];
  struct stat st;
  format (path, sizeof path, "%s/task", pid);
  return fstatat (proc, path, &st, 0) < 0 ? errno != ENOENT : st.st_nlink > 3;
}

/* Each thread of PID but its first is a member of the namespace it is
   in: a thread may join another IPC namespace on its own (setns,
   unshare), and there it may block in msgrcv or hold a key while the
   rest of its process stays where it was; and when the first thread has
   exited, the others are all there is of the process. */
static void
add_thread_members (int proc, const char *pid, const uint64_t *only, size_t first, struct nsipc_ns_member **members,
                    size_t *n, size_t *cap)
{
  char path[64];
  format (path, sizeof path, "%s/task", pid);
  _cleanup_close_ int fd = openat (proc, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return;
  struct dir_entries tasks;
  const char *tid;
  uint64_t inode;
  dir_entries_start (&tasks, fd);
  while ((tid = dir_entries_next (&tasks)) != NULL)
    {
      if (tid[0] < '0' || tid[0] > '9' || strcmp (tid, pid) == 0)
        continue;
      format (path, sizeof path, "%s/task/%s", pid, tid);
      if (ns_link_inode (proc, path, &inode) == 0)
        add_member (only, inode, atoi (pid), atoi (tid), first, members, n, cap);
    }
}

/* Every process's IPC namespace, in /proc's order; with ONLY, only the
   processes in namespace *ONLY; with THREADS, a process is also a member
   of each namespace one of its threads joined on its own. */
static int
scan (const uint64_t *only, bool threads, struct nsipc_ns_member **members, size_t *n, size_t *skipped,
      nsipc_error *err)
{
  _cleanup_dir_ DIR *proc = opendir ("/proc");
  if (proc == NULL)
    return nsipc_error_set (err, errno, "open /proc");
  *members = NULL;
  *n = *skipped = 0;
  size_t cap = 0;
  /* The kernel threads are passed by, unless asked about the namespace
     they are in.  Both lists go up by pid (/proc's readdir does): a merge.
     Were one out of order, a kernel thread would only be asked, not missed. */
  _cleanup_free_ pid_t *kernel = NULL;
  size_t n_kernel = only && *only != PROC_IPC_INIT_INODE ? procfs_kernel_threads (&kernel) : 0, k = 0;
  struct dirent *de;
  while ((de = readdir (proc)) != NULL)
    {
      char *end;
      long pid = strtol (de->d_name, &end, 10);
      if (*end != '\0' || pid <= 0)
        continue;
      while (k < n_kernel && kernel[k] < pid)
        k++;
      if (k < n_kernel && kernel[k] == pid)
        continue;
      uint64_t inode;
      size_t first = *n;
      if (ns_link_inode (dirfd (proc), de->d_name, &inode) == 0)
        {
          add_member (only, inode, pid, 0, first, members, n, &cap);
          if (threads && more_threads (dirfd (proc), de->d_name))
            add_thread_members (dirfd (proc), de->d_name, only, first, members, n, &cap);
        }
      /* Hidden from us: counted, not fatal.  ENOENT: gone meanwhile, or
         its first thread has exited while others still run. */
      else if (errno != ENOENT)
        ++*skipped;
      else
        add_thread_members (dirfd (proc), de->d_name, only, first, members, n, &cap);
    }
  return 0;
}

int
namespace_scan (struct nsipc_ns_member **members, size_t *n, size_t *skipped, nsipc_error *err)
{
  if (scan (NULL, true, members, n, skipped, err) < 0)
    return -1;
  if (*n)
    qsort (*members, *n, sizeof **members, compare_members);
  return 0;
}

int
namespace_members (uint64_t inode, bool threads, pid_t **pids, size_t *n, size_t *skipped, nsipc_error *err)
{
  /* Only the members are kept and sorted: createRuntime asks at every
     container start, and sorting every process on the host was work (and,
     past 1 KiB, a sysconf call in glibc's qsort) spent on a list of a few. */
  _cleanup_free_ struct nsipc_ns_member *members = NULL;
  *pids = NULL;
  *n = 0;
  if (scan (&inode, threads, &members, n, skipped, err) < 0)
    return -1;
  *pids = xcalloc (*n + 1, sizeof **pids);
  if (members == NULL) /* no member: scan allocates with the first */
    return 0;
  qsort (members, *n, sizeof *members, compare_members);
  for (size_t i = 0; i < *n; i++)
    (*pids)[i] = members[i].pid;
  return 0;
}

/* A pin of INODE in our mount namespace: an nsfs mount whose root is
   "ipc:[INODE]" (field 4 of mountinfo, which has no escapes to undo). */
static bool
pinned (uint64_t inode)
{
  _cleanup_close_ int fd = open ("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  size_t len;
  _cleanup_free_ char *text = fd < 0 ? NULL : read_fd_all (fd, 64 << 20, &len);
  char root[48];
  format (root, sizeof root, " ipc:[%" PRIu64 "] ", inode);
  return text == NULL || strstr (text, root) != NULL; /* unreadable: held, for all we know */
}

#ifndef FD_NSFS_ROOT
#define FD_NSFS_ROOT -10003 /* linux/fcntl.h of Linux 6.18 */
#endif

/* nsfs handles are at most this long (struct nsfs_file_handle is 16). */
#define NS_HANDLE_MAX 64

/* Room for NS_HANDLE_MAX bytes after the header, as name_to_handle_at(2) asks. */
static struct file_handle *
handle_new (void)
{
  struct file_handle *fh = xcalloc (1, sizeof *fh + NS_HANDLE_MAX);
  fh->handle_bytes = NS_HANDLE_MAX;
  return fh;
}

char *
namespace_handle (int nsfd)
{
  _cleanup_free_ struct file_handle *fh = handle_new ();
  int mount_id;
  /* Through syscall (), as the other handle call: glibc's wrappers would
     bring more of libc into the hook's memory (format.h says how much). */
  if (syscall (SYS_name_to_handle_at, nsfd, "", fh, &mount_id, AT_EMPTY_PATH) < 0)
    return NULL;
  static const char digits[] = "0123456789abcdef";
  size_t size = 16 + 2 * fh->handle_bytes;
  char *text = xmalloc (size);
  int n = format (text, size, "%d:", fh->handle_type);
  for (unsigned i = 0; i < fh->handle_bytes; i++)
    {
      text[n++] = digits[fh->f_handle[i] >> 4];
      text[n++] = digits[fh->f_handle[i] & 15];
    }
  text[n] = '\0';
  return text;
}

/* HANDLE's text back into FH; false when it is not one namespace_handle wrote. */
static bool
parse_handle (const char *handle, struct file_handle *fh)
{
  uint64_t type;
  const char *end = parse_u64 (handle, &type);
  if (end == NULL || *end != ':' || type > INT_MAX)
    return false;
  const char *hex = end + 1;
  size_t len = strlen (hex);
  if (len == 0 || len % 2 || len / 2 > NS_HANDLE_MAX || strspn (hex, "0123456789abcdef") != len)
    return false;
  fh->handle_type = (int)type;
  fh->handle_bytes = len / 2;
  /* By hand, as the text is made: libc's scanf and printf code would add
     to the hook's memory (format.h). */
  for (size_t i = 0; i < len; i++)
    {
      unsigned digit = hex[i] <= '9' ? (unsigned)(hex[i] - '0') : (unsigned)(hex[i] - 'a' + 10);
      fh->f_handle[i / 2] = i % 2 ? fh->f_handle[i / 2] | digit : digit << 4;
    }
  return true;
}

static int
open_by_handle (int mount, struct file_handle *fh)
{
  return (int)syscall (SYS_open_by_handle_at, mount, fh, O_RDONLY | O_CLOEXEC);
}

/* Whether the IPC namespace INODE that HANDLE names still lives: 1, 0
   when it is gone, -1 when that cannot be told (no handle, a kernel
   without nsfs handles, one that does not name INODE). */
static int
namespace_handle_alive (const char *handle, uint64_t inode)
{
  _cleanup_free_ struct file_handle *fh = handle_new ();
  if (handle == NULL || !parse_handle (handle, fh))
    return -1;
  /* nsfs's root, as Linux 6.18 names it, saves opening an nsfs file
     (any serves) to decode against. */
  _cleanup_close_ int fd = open_by_handle (FD_NSFS_ROOT, fh);
  if (fd < 0 && errno == EBADF)
    {
      _cleanup_close_ int nsfs = open ("/proc/thread-self/ns/ipc", O_RDONLY | O_CLOEXEC);
      if (nsfs < 0)
        return -1;
      fd = open_by_handle (nsfs, fh);
    }
  struct stat st;
  if (fd >= 0)
    return fstat (fd, &st) == 0 && st.st_ino == inode ? 1 : -1;
  /* ESTALE: no namespace of that id has a reference left, nor ever will. */
  return errno == ESTALE ? 0 : -1;
}

int
namespace_held (const char *handle, uint64_t inode, size_t *n_pids, bool *pin, nsipc_error *err)
{
  *n_pids = 0;
  *pin = false;
  if (namespace_handle_alive (handle, inode) == 0)
    return 0;
  _cleanup_free_ pid_t *pids = NULL;
  size_t skipped;
  if (namespace_members (inode, true, &pids, n_pids, &skipped, err) < 0)
    return -1;
  *pin = pinned (inode);
  return *n_pids > 0 || *pin;
}
