/* /proc readers. */
#include "procfs.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int
procfs_start_time (pid_t pid, uint64_t *ticks, nsipc_error *err)
{
  char path[64], buf[1024];
  snprintf (path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen (path, "re");
  if (f == NULL)
    return nsipc_error_set (err, errno, "process %d", (int)pid);
  size_t n = fread (buf, 1, sizeof buf - 1, f);
  fclose (f);
  buf[n] = '\0';
  /* comm may hold spaces and parentheses: count fields after the last ')'. */
  char *p = strrchr (buf, ')');
  if (p == NULL)
    return nsipc_error_set (err, 0, "%s: unexpected format", path);
  p++;
  for (int field = 2; field < 21 && p; field++)
    p = strchr (p + 1, ' ');
  if (p == NULL || sscanf (p, " %" SCNu64, ticks) != 1)
    return nsipc_error_set (err, 0, "%s: unexpected format", path);
  return 0;
}
