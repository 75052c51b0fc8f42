/* The system calls younger than some C libraries: the mount API
   (fsopen ... mount_setattr), statx and pidfd_open.  glibc 2.36 wraps
   them; musl 1.2.3, which nsipc-hook is linked with (meson option
   hook_libc), does not, and they are made here from the kernel's headers
   and syscall (2). */
#pragma once

#include <sys/mount.h>
#include <sys/stat.h>

#ifdef __GLIBC__
#include <sys/pidfd.h>
#else
#include <linux/mount.h>
#include <linux/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static inline int
fsopen (const char *fs, unsigned int flags)
{
  return (int)syscall (SYS_fsopen, fs, flags);
}

static inline int
fsconfig (int fd, unsigned int cmd, const char *key, const void *value, int aux)
{
  return (int)syscall (SYS_fsconfig, fd, cmd, key, value, aux);
}

static inline int
fsmount (int fd, unsigned int flags, unsigned int attr_flags)
{
  return (int)syscall (SYS_fsmount, fd, flags, attr_flags);
}

static inline int
fspick (int dirfd, const char *path, unsigned int flags)
{
  return (int)syscall (SYS_fspick, dirfd, path, flags);
}

static inline int
move_mount (int from_dirfd, const char *from, int to_dirfd, const char *to, unsigned int flags)
{
  return (int)syscall (SYS_move_mount, from_dirfd, from, to_dirfd, to, flags);
}

static inline int
open_tree (int dirfd, const char *path, unsigned int flags)
{
  return (int)syscall (SYS_open_tree, dirfd, path, flags);
}

static inline int
mount_setattr (int dirfd, const char *path, unsigned int flags, struct mount_attr *attr, size_t size)
{
  return (int)syscall (SYS_mount_setattr, dirfd, path, flags, attr, size);
}

static inline int
statx (int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf)
{
  return (int)syscall (SYS_statx, dirfd, path, flags, mask, buf);
}

static inline int
pidfd_open (pid_t pid, unsigned int flags)
{
  return (int)syscall (SYS_pidfd_open, pid, flags);
}
#endif
