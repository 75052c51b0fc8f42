/* Becoming the user's command. */
#pragma once

#include "error.h"

/* Replaces this process with ARGV (searched in PATH).  Returns only on
   failure: -1 with ERR set and *STATUS 127 (not found) or 126 (cannot
   execute), as shells answer. */
int process_exec (char *const argv[], int *status, nsipc_error *err);
