/* IPC namespaces and the mounts that go with them: a private IPC namespace
   in a private mount namespace, with its own /dev/mqueue and /dev/shm. */
#pragma once

#include <stdint.h>

#include "error.h"

/* Moves the caller into a new IPC namespace and a new mount namespace whose
   mounts do not propagate back to the host. */
int namespace_unshare_private (nsipc_error *err);

/* Mounts a fresh mqueue filesystem (it shows the caller's IPC namespace) on
   /dev/mqueue, and, when SHM_SIZE is not 0, a tmpfs of that size on /dev/shm.
   Only call in a private mount namespace. */
int namespace_mount_dev (uint64_t shm_size, nsipc_error *err);
