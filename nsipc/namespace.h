/* IPC namespaces and the mounts that go with them: creating, pinning,
   entering and finding who is inside. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* What an IPC namespace is to nsipc: one vocabulary for ledgers, the
   census and audit's JSON ("host", "private", …). */
enum nsipc_ns_kind
{
  NS_KIND_HOST,    /* the host's: nsipc's own, the runtime's */
  NS_KIND_PRIVATE, /* one container's own */
  NS_KIND_SHARED,  /* several containers', or one joined by path */
  NS_KIND_PINNED,  /* held by a bind mount */
  NS_KIND_NAMED,   /* pinned by nsipc ns create (audit shows it as pinned, with its name) */
  NS_KIND_COUNT
};

const char *namespace_kind_name (enum nsipc_ns_kind kind);
bool namespace_kind_parse (const char *name, enum nsipc_ns_kind *kind);

/* Moves the caller into a new IPC namespace and a new mount namespace whose
   mounts do not propagate back to the host. */
int namespace_unshare_private (nsipc_error *err);

/* Moves the caller into a new mount namespace only, the same way. */
int namespace_unshare_mount (nsipc_error *err);

/* Mounts a fresh mqueue filesystem (it shows the caller's IPC namespace) on
   /dev/mqueue, and, when SHM_SIZE is not 0, a tmpfs of that size on /dev/shm.
   Only call in a private mount namespace. */
int namespace_mount_dev (uint64_t shm_size, nsipc_error *err);

/* An fd of the caller's IPC namespace, to return to it. */
int namespace_open_current (nsipc_error *err);

/* setns into the IPC namespace NSFD. */
int namespace_enter (int nsfd, nsipc_error *err);

/* setns into the IPC namespace of PID: through a pidfd, so a recycled pid
   cannot be joined by mistake, else /proc/PID/ns/ipc on older kernels. */
int namespace_enter_pid (pid_t pid, nsipc_error *err);

/* The inode that names the IPC namespace NSFD. */
int namespace_inode (int nsfd, uint64_t *inode, nsipc_error *err);

/* The inode in TEXT when it is exactly "ipc:[INODE]", as an IPC namespace
   link reads and an nsfs mount's root is named. */
bool namespace_parse_name (const char *text, uint64_t *inode);

/* Makes the directory PATH a shared mount point (a bind mount on itself when
   it is not a mount point yet), as `ip netns` does: pins mounted below it
   then reach, and their unmounts leave, mount namespaces copied from this
   one later.  Open PATH again afterwards: an fd opened before sees the
   directory under the new mount. */
int namespace_share_dir (const char *path, nsipc_error *err);

/* Calls FN (CTX, ERR) inside the IPC namespace NSFD and comes back to the
   caller's, whatever FN did; returns what FN returned. */
int namespace_visit (int nsfd, int (*fn) (void *ctx, nsipc_error *err), void *ctx, nsipc_error *err);

/* namespace_visit from HOME, the caller's IPC namespace, opened once for
   many visits (audit and gc make one per namespace). */
int namespace_visit_from (int home, int nsfd, int (*fn) (void *ctx, nsipc_error *err), void *ctx, nsipc_error *err);

/* Creates the file DIRFD/NAME and pins a new IPC namespace on it with a
   bind mount; the caller stays in its own. */
int namespace_pin_new (int dirfd, const char *name, uint64_t *inode, nsipc_error *err);

/* Opens DIRFD/NAME, checking it is a pinned IPC namespace (not a symlink,
   not a plain file).  err->status is ENOENT when there is no such file. */
int namespace_open_pin (int dirfd, const char *name, nsipc_error *err);

/* Opens PATH, checking it is an IPC namespace (a pin or /proc/PID/ns/ipc). */
int namespace_open_path (const char *path, nsipc_error *err);

/* Unmounts and removes the pin DIRFD/NAME; a missing one is not an error. */
int namespace_unpin (int dirfd, const char *name, nsipc_error *err);

/* Every process and the inode of its IPC namespace, sorted by inode, then
   pid; a process whose threads are in several is listed once in each.
   *SKIPPED counts processes whose namespace link could not be read. */
struct nsipc_ns_member
{
  uint64_t inode;
  pid_t pid;
  pid_t tid;  /* the thread whose link names INODE; 0: the process's own does */
  bool guest; /* only a thread is here: the process's own link names another */
};
int namespace_scan (struct nsipc_ns_member **members, size_t *n, size_t *skipped, nsipc_error *err);

/* The pids of the processes in the IPC namespace INODE, ascending, by
   their main thread's link (or, when it has exited, another's), and with
   THREADS those with a thread that joined it on its own (a stat of each
   process's task directory more); *SKIPPED counts processes whose
   namespace link could not be read. */
int namespace_members (uint64_t inode, bool threads, pid_t **pids, size_t *n, size_t *skipped, nsipc_error *err);

/* Fails when INODE, the caller's IPC namespace, is not process 1's: gc
   and audit take their own for the host's, whose objects only --host may
   remove.  Passes when process 1's cannot be read. */
int namespace_check_host (uint64_t inode, nsipc_error *err);

/* Whether the IPC namespace INODE lives on: 1 when processes are in it
   (*N_PIDS) or a bind mount pins it (*PIN), else 0; -1 when /proc cannot
   be read.  HANDLE (namespace_handle's, or NULL) answers first where it
   says the namespace is gone, without reading every process's link. */
int namespace_held (const char *handle, uint64_t inode, size_t *n_pids, bool *pin, nsipc_error *err);

/* The namespace NSFD as a file handle ("TYPE:HEX", Linux 6.18 and later),
   which names it for as long as it lives and never another after: NULL
   where nsfs has none. */
char *namespace_handle (int nsfd);
