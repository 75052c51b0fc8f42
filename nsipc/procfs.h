/* Facts about processes read from /proc. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* When PID started, in clock ticks since boot (field 22 of /proc/PID/stat):
   with the pid, it names one process even after the pid is reused.  A
   zombie nobody reaped counts as gone (ESRCH). */
int procfs_start_time (pid_t pid, uint64_t *ticks, nsipc_error *err);

/* True when a process PID exists and had started by SINCE (unix seconds):
   one that started later only reuses the pid. */
bool procfs_alive_since (pid_t pid, int64_t since);

/* Maps ID, as seen inside the user namespace of PID, to the id outside
   through /proc/PID/uid_map or gid_map (MAP).  Fails for an unmapped id. */
int procfs_map_id (pid_t pid, const char *map, uint32_t id, uint32_t *outside, nsipc_error *err);

/* Whether the uid_map of PID (0: our own) is the host's, "0 0 4294967295":
   1 it is, 0 it is not, -1 it cannot be read. */
int procfs_identity_map (pid_t pid);

/* Whether this process sees every process on the machine: it runs in the
   initial pid namespace (whose nsfs inode the kernel fixes) and /proc is
   that namespace's.  Otherwise the kernel shows pids of processes outside
   as 0 and /proc lacks them: liveness cannot be judged.  WHY says what was
   found when false. */
bool procfs_sees_every_process (char *why, size_t len);
