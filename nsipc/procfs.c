/* /proc readers. */
#include "procfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format.h"
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
  format (path, sizeof path, "/proc/%d/task", (int)pid);
  _cleanup_dir_ DIR *d = opendir (path);
  if (d == NULL && errno != ENOENT)
    return false; /* its threads could not be counted: may be alive */
  struct dirent *de;
  int tasks = 0;
  while (d && tasks < 2 && (de = readdir (d)) != NULL)
    tasks += de->d_name[0] != '.';
  return tasks < 2;
}

const char *
procfs_stat_field (const char *stat, int field)
{
  const char *p = strrchr (stat, ')');
  if (p == NULL || p[1] != ' ')
    return NULL;
  for (p += 2; field > 3 && p; field--)
    p = (p = strchr (p, ' ')) ? p + 1 : NULL;
  return p;
}

/* Field 22 of /proc/PID/stat, or -1 with errno, undescribed: gc and
   audit ask this of hundreds of pids that are gone, and the words cost more
   than the read.  EPROTO: a format not understood; ESRCH: exited. */
static int
start_ticks (pid_t pid, uint64_t *ticks)
{
  char path[64], buf[1024];
  format (path, sizeof path, "/proc/%d/stat", (int)pid);
  if (read_small_file (AT_FDCWD, path, buf, sizeof buf) < 0)
    return -1;
  const char *state = procfs_stat_field (buf, 3), *start = procfs_stat_field (buf, 22);
  if (state == NULL || start == NULL || parse_u64 (start, ticks) == NULL)
    return errno = EPROTO, -1;
  if (exited (pid, *state))
    return errno = ESRCH, -1;
  return 0;
}

int
procfs_start_time (pid_t pid, uint64_t *ticks, nsipc_error *err)
{
  if (start_ticks (pid, ticks) == 0)
    return 0;
  if (errno == EPROTO)
    return nsipc_error_set (err, 0, "/proc/%d/stat: unexpected format", (int)pid);
  if (errno == ESRCH)
    return nsipc_error_set (err, ESRCH, "process %d has exited", (int)pid);
  return nsipc_error_set (err, errno, "process %d", (int)pid);
}

/* Boot time (btime of /proc/stat, after a line per CPU), read once. */
static int64_t
boot_time (void)
{
  static int64_t btime = -1;
  if (btime >= 0)
    return btime;
  _cleanup_close_ int fd = open ("/proc/stat", O_RDONLY | O_CLOEXEC);
  size_t len;
  _cleanup_free_ char *text = fd < 0 ? NULL : read_fd_all (fd, 16 << 20, &len);
  const char *line = text ? strstr (text, "\nbtime ") : NULL;
  uint64_t v;
  if (line && parse_u64s (line + 7, &v, 1, NULL) == 1)
    btime = (int64_t)v;
  return btime;
}

/* When PID started, in seconds since the epoch; INT64_MAX if it is gone,
   INT64_MIN if that cannot be told (out of file descriptors or memory, a
   format not understood): a live process taken for a dead one would lose
   its objects. */
static int64_t
started_at (pid_t pid)
{
  uint64_t ticks;
  int64_t btime = boot_time ();
  if (btime < 0)
    return INT64_MIN;
  /* No process has the pid: kill (pid, 0) tells in a tenth of the time a
     failed open of /proc/PID/stat takes, and most recorded pids are gone
     (audit asks about thousands).  Any other answer is read in /proc. */
  if (kill (pid, 0) < 0 && errno == ESRCH)
    return INT64_MAX;
  if (start_ticks (pid, &ticks) < 0)
    return errno == ENOENT || errno == ESRCH ? INT64_MAX : INT64_MIN;
  return btime + (int64_t)(ticks / (uint64_t)sysconf (_SC_CLK_TCK));
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
  unsigned slot = (unsigned)pid % 256;
  int64_t started;
  if (cache[slot].pid == pid)
    started = cache[slot].started;
  else
    {
      started = started_at (pid);
      cache[slot].pid = pid, cache[slot].started = started;
    }
  /* btime and the start tick are rounded down: a second of slack. */
  return started <= since + 1;
}

int
procfs_map_id (pid_t pid, const char *map, uint32_t id, uint32_t *outside, nsipc_error *err)
{
  char path[64], text[16384]; /* 340 lines at most */
  format (path, sizeof path, "/proc/%d/%s", (int)pid, map);
  if (read_small_file (AT_FDCWD, path, text, sizeof text) < 0)
    return nsipc_error_set (err, errno, "open %s", path);
  uint64_t v[3];
  for (const char *p = text; parse_u64s (p, v, 3, &p) == 3;)
    if (id >= v[0] && id - v[0] < v[2])
      {
        *outside = v[1] + (id - v[0]);
        return 0;
      }
  return nsipc_error_set (err, 0, "%s %u is not mapped in the container's user namespace (%s)",
                          strcmp (map, "uid_map") == 0 ? "uid" : "gid", id, path);
}

int
procfs_identity_map (pid_t pid)
{
  char path[64], text[128];
  format (path, sizeof path, pid ? "/proc/%d/uid_map" : "/proc/self/uid_map", (int)pid);
  uint64_t v[3];
  if (read_small_file (AT_FDCWD, path, text, sizeof text) < 0)
    return -1;
  return parse_u64s (text, v, 3, NULL) == 3 && v[0] == 0 && v[1] == 0 && v[2] == 4294967295u;
}

bool
procfs_sees_every_process (char *why, size_t len)
{
  struct stat st;
  if (stat ("/proc/self/ns/pid", &st) < 0)
    {
      format (why, len, "cannot read /proc/self/ns/pid (%s)", strerror (errno));
      return false;
    }
  if (st.st_ino != PROC_PID_INIT_INODE)
    {
      format (why, len, "nsipc runs in a child pid namespace (pid:[%lu]), not the host's", (unsigned long)st.st_ino);
      return false;
    }
  /* NSpid lists our pid in each namespace from /proc's down to ours. */
  char status[8192];
  read_small_file (AT_FDCWD, "/proc/self/status", status, sizeof status);
  const char *line = strstr (status, "\nNSpid:");
  int levels = 0;
  uint64_t pid;
  for (const char *p = line ? line + 7 : ""; parse_u64s (p, &pid, 1, &p) == 1;)
    levels++;
  if (levels != 1)
    {
      format (why, len, "NSpid in /proc/self/status has %d entries: /proc is not the host's", levels);
      return false;
    }
  return true;
}

/* PF_KTHREAD of the kernel's include/linux/sched.h, in the flags of a
   kernel thread (field 9 of /proc/PID/stat). */
#define PF_KTHREAD 0x00200000u

static int
compare_pids (const void *a, const void *b)
{
  pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
  return (x > y) - (x < y);
}

size_t
procfs_parse_pids (const char *text, pid_t **pids)
{
  size_t n = 0, cap = 0;
  *pids = NULL;
  uint64_t pid;
  for (const char *p = text; parse_u64s (p, &pid, 1, &p) == 1;)
    {
      if (pid == 0 || pid > INT32_MAX)
        continue;
      if (n == cap)
        *pids = xrealloc (*pids, (cap = cap ? cap * 2 : 64) * sizeof **pids);
      (*pids)[n++] = (pid_t)pid;
    }
  if (n > 1)
    qsort (*pids, n, sizeof **pids, compare_pids);
  return n;
}

size_t
procfs_kernel_threads (pid_t **pids)
{
  *pids = NULL;
  char stat[1024];
  uint64_t flags;
  const char *field
      = read_small_file (AT_FDCWD, "/proc/2/stat", stat, sizeof stat) < 0 ? NULL : procfs_stat_field (stat, 9);
  if (field == NULL || parse_u64 (field, &flags) == NULL || !(flags & PF_KTHREAD))
    return 0; /* pid 2 is not kthreadd: /proc is a child pid namespace's */
  _cleanup_close_ int fd = open ("/proc/2/task/2/children", O_RDONLY | O_CLOEXEC);
  size_t len;
  _cleanup_free_ char *children = fd < 0 ? NULL : read_fd_all (fd, 1 << 20, &len);
  if (children == NULL)
    return 0;
  size_t n = procfs_parse_pids (children, pids);
  /* kthreadd itself, before its children: pids are sorted. */
  *pids = xrealloc (*pids, (n + 1) * sizeof **pids);
  memmove (*pids + 1, *pids, n * sizeof **pids);
  (*pids)[0] = 2;
  return n + 1;
}
