/* /dev/shm wherever a policy applies (DESIGN.md §4, dev_shm).  A named
   namespace owns a tmpfs, mounted at STATE_DIR/shm/NAME, which exec and run
   --ns bind on /dev/shm so that everyone who joins shares it; a container's
   own /dev/shm is resized at createRuntime, or replaced by its named
   namespace's. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* Whether SIZE is a runtime's default for /dev/shm: runc's and docker's
   64MiB, podman's 64000KiB.  A /dev/shm of another size was asked for
   (podman --shm-size, size= in the config). */
bool shm_runtime_default (uint64_t size);

/* Mounts NAME's tmpfs of SIZE bytes, or resizes the one it has. */
int shm_named_create (const char *state_dir, const char *name, uint64_t size, nsipc_error *err);

/* Whether NAME's /dev/shm tmpfs holds a file (POSIX shared memory, a
   semaphore): data that no IPC rule sees, so gc --pins keeps it. */
bool shm_named_holds_files (const char *state_dir, const char *name);

/* Unmounts NAME's tmpfs, if it has one: processes still using it keep it
   until they exit. */
int shm_named_release (const char *state_dir, const char *name, nsipc_error *err);

/* A detached copy of NAME's tmpfs mount (open_tree), or -1: with
   err->status ENOENT when NAME has none. */
int shm_named_tree (const char *state_dir, const char *name, nsipc_error *err);

/* Whether the tmpfs TREE is of another size than SIZE: true, naming both. */
bool shm_size_differs (int tree, uint64_t size, nsipc_error *err);

/* A detached copy of the /dev/shm process PID sees (in its mount
   namespace), or -1. */
int shm_tree_of (pid_t pid, nsipc_error *err);

/* Puts TREE on /dev/shm, in the caller's private mount namespace. */
int shm_bind (int tree, nsipc_error *err);

/* createRuntime: in the mount namespace of the container's PID (its id
   ID), the /dev/shm under ROOTFS becomes TREE when TREE >= 0 (its named
   namespace's); else it is made SIZE bytes: resized when it is a tmpfs of
   the runtime's default size or already SIZE, mounted when there is none,
   refused (-1, naming both sizes) when its size was asked for, and refused
   when it is a tmpfs the host has elsewhere than where a runtime keeps
   this container's own (a directory named by ID), or when PID has no mount
   namespace of its own (its mounts are the host's). */
int shm_fit_container (pid_t pid, const char *id, const char *rootfs, uint64_t size, int tree, nsipc_error *err);

/* createRuntime in a namespace others share, or the host's: the /dev/shm
   under ROOTFS must be SIZE bytes already (a pod's, which its own container
   sized); -1, naming both sizes, when it is not.  Nothing changes. */
int shm_check_container (pid_t pid, const char *rootfs, uint64_t size, nsipc_error *err);
