/* Facts about processes read from /proc. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* The inodes the kernel fixes for its initial namespaces (PROC_*_INIT_INO
   in include/linux/proc_ns.h), the host's: what /proc/PID/ns/TYPE shows
   for a process in one of them. */
#define PROC_IPC_INIT_INODE 0xEFFFFFFFu
#define PROC_USER_INIT_INODE 0xEFFFFFFDu
#define PROC_PID_INIT_INODE 0xEFFFFFFCu

/* Where field FIELD (3 or later) starts in the text of a /proc/PID/stat,
   or NULL.  comm, field 2, may hold spaces and parentheses, as a process
   chooses: fields count from the last ')'. */
const char *procfs_stat_field (const char *stat, int field);

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

/* The pids in TEXT, a list of decimal numbers separated by white space
   (as /proc/PID/task/TID/children has them), sorted; 0 and numbers too
   large for a pid are passed by.  *PIDS is NULL when there is none. */
size_t procfs_parse_pids (const char *text, pid_t **pids);

/* The kernel's own threads, sorted: kthreadd (pid 2 when /proc is the
   initial pid namespace's) and its children.  None is ever moved into
   another IPC namespace, so the scan for the members of a container's
   may pass them by; on a machine at rest they are most of /proc (62 of 69
   processes here), and a host has several per CPU.  Its children also
   include the user-mode helpers the kernel starts (modprobe, a
   core_pattern pipe), which begin in the initial namespaces.  None (0)
   when pid 2 is not kthreadd or its list cannot be read. */
size_t procfs_kernel_threads (pid_t **pids);
