/* /proc readers. */
#include "procfs.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* A zombie whose every thread has exited: it holds no attachment, no
   open queue, no SEM_UNDO, and will never make a call again.  A leader
   that exited while its other threads run shows as a zombie too, but its
   task directory lists them. */
static bool
exited (pid_t pid, char state)
{
  if (state != 'Z' && state != 'X')
    return false;
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/task", (int)pid);
  _cleanup_dir_ DIR *d = opendir (path);
  struct dirent *de;
  int tasks = 0;
  while (d && tasks < 2 && (de = readdir (d)) != NULL)
    tasks += de->d_name[0] != '.';
  return tasks < 2;
}

int
procfs_start_time (pid_t pid, uint64_t *ticks, nsipc_error *err)
{
  char path[64], buf[1024];
  snprintf (path, sizeof path, "/proc/%d/stat", (int)pid);
  _cleanup_file_ FILE *f = fopen (path, "re");
  if (f == NULL)
    return nsipc_error_set (err, errno, "process %d", (int)pid);
  size_t n = fread (buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  /* comm may hold spaces and parentheses: count fields after the last ')'. */
  char *p = strrchr (buf, ')');
  if (p == NULL || p[1] != ' ')
    return nsipc_error_set (err, 0, "%s: unexpected format", path);
  if (exited (pid, p[2]))
    return nsipc_error_set (err, ESRCH, "process %d has exited", (int)pid);
  p++;
  for (int field = 2; field < 21 && p; field++)
    p = strchr (p + 1, ' ');
  if (p == NULL || sscanf (p, " %" SCNu64, ticks) != 1)
    return nsipc_error_set (err, 0, "%s: unexpected format", path);
  return 0;
}

/* Boot time (btime of /proc/stat), read once. */
static int64_t
boot_time (void)
{
  static int64_t btime = -1;
  if (btime >= 0)
    return btime;
  _cleanup_file_ FILE *f = fopen ("/proc/stat", "re");
  char line[256];
  while (f && fgets (line, sizeof line, f))
    if (sscanf (line, "btime %" SCNd64, &btime) == 1)
      break;
  return btime;
}

int
procfs_started_at (pid_t pid, int64_t *when, nsipc_error *err)
{
  uint64_t ticks;
  if (procfs_start_time (pid, &ticks, err) < 0)
    return -1;
  int64_t btime = boot_time ();
  if (btime < 0)
    return nsipc_error_set (err, 0, "no btime in /proc/stat");
  *when = btime + (int64_t)(ticks / (uint64_t)sysconf (_SC_CLK_TCK));
  return 0;
}

bool
procfs_alive_since (pid_t pid, int64_t since)
{
  /* Objects share their pids (one creator makes many): remember the start
     times found, and the pids found dead (as started at the end of time).
     A pid that died keeps its old start time: an answer that errs towards
     "in use".  A dead pid reused meanwhile by a process that then uses the
     object changes the object (its last pid, its times), which the
     re-check before removal sees: the object is kept. */
  static struct
  {
    pid_t pid;
    int64_t started;
  } cache[256];
  if (pid <= 0)
    return false;
  nsipc_error err;
  unsigned slot = (unsigned)pid % 256;
  int64_t started;
  if (cache[slot].pid == pid)
    started = cache[slot].started;
  else
    {
      if (procfs_started_at (pid, &started, &err) < 0)
        started = INT64_MAX;
      cache[slot].pid = pid, cache[slot].started = started;
    }
  /* btime and the start tick are rounded down: a second of slack. */
  return started <= since + 1;
}

int
procfs_map_id (pid_t pid, const char *map, uint32_t id, uint32_t *outside, nsipc_error *err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/%s", (int)pid, map);
  _cleanup_file_ FILE *f = fopen (path, "re");
  if (f == NULL)
    return nsipc_error_set (err, errno, "open %s", path);
  uint64_t in, out, count;
  bool found = false;
  while (!found && fscanf (f, "%" SCNu64 " %" SCNu64 " %" SCNu64, &in, &out, &count) == 3)
    if (id >= in && id - in < count)
      {
        *outside = out + (id - in);
        found = true;
      }
  if (!found)
    return nsipc_error_set (err, 0, "%s %u is not mapped in the container's user namespace (%s)",
                            strcmp (map, "uid_map") == 0 ? "uid" : "gid", id, path);
  return 0;
}

/* PROC_PID_INIT_INO in the kernel's include/linux/proc_ns.h. */
#define PID_NS_INIT_INODE 0xEFFFFFFCu

bool
procfs_sees_every_process (char *why, size_t len)
{
  struct stat st;
  if (stat ("/proc/self/ns/pid", &st) < 0)
    {
      snprintf (why, len, "cannot read /proc/self/ns/pid (%s)", strerror (errno));
      return false;
    }
  if (st.st_ino != PID_NS_INIT_INODE)
    {
      snprintf (why, len, "nsipc runs in a child pid namespace (pid:[%lu]), not the host's", (unsigned long)st.st_ino);
      return false;
    }
  /* NSpid lists our pid in each namespace from /proc's down to ours. */
  _cleanup_file_ FILE *f = fopen ("/proc/self/status", "re");
  char line[256];
  int levels = 0;
  while (f && fgets (line, sizeof line, f))
    if (strncmp (line, "NSpid:", 6) == 0)
      for (char *p = strtok (line + 6, " \t\n"); p; p = strtok (NULL, " \t\n"))
        levels++;
  if (levels != 1)
    {
      snprintf (why, len, "NSpid in /proc/self/status has %d entries: /proc is not the host's", levels);
      return false;
    }
  return true;
}
