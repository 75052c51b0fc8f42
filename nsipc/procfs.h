/* Facts about processes read from /proc. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* When PID started, in clock ticks since boot (field 22 of /proc/PID/stat):
   with the pid, it names one process even after the pid is reused. */
int procfs_start_time (pid_t pid, uint64_t *ticks, nsipc_error *err);
