/* Becoming the user's command: execve in place, as unshare(1) does, so
   that signals reach it directly and its status is nsipc's. */
#include "process.h"

#include <errno.h>
#include <unistd.h>

int
process_exec (char *const argv[], int *status, nsipc_error *err)
{
  execvp (argv[0], argv);
  *status = errno == ENOENT ? 127 : 126;
  return nsipc_error_set (err, errno, "%s", argv[0]);
}
