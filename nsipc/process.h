/* Running the user's command as a child: signals forwarded, its end turned
   into an exit status the way shells do. */
#pragma once

#include "error.h"

/* Runs ARGV (searched in PATH) and waits for it.  INT, TERM, HUP, QUIT, USR1
   and USR2 sent to us go to it.  Returns 0 with *STATUS its exit status
   (128+N when killed by signal N); or -1 with ERR set and *STATUS 127 (not
   found), 126 (cannot execute) or 1 (could not start). */
int process_run (char *const argv[], int *status, nsipc_error *err);
