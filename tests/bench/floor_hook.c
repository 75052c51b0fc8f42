/* floor_hook STATE_DIR: the least a createRuntime and poststop hook can do
   for hook_overhead.sh's policy, as a baseline for nsipc's hooks.  Like
   nsipc without a stage argument, it takes the stage from the state's
   status, as runc writes it: "creating", else "stopped".

   It makes the kernel changes nsipc makes for that policy (bench.json: 3
   limits, 3 msg, 3 sem, 3 shm, 1 POSIX queue), with the same system calls,
   and the two pieces of safety work nsipc cannot skip:
     - the scan: no process but the container's shares its new IPC
       namespace (a readlink of every user process's ns/ipc, kernel threads
       passed by, as nsipc/namespace.c does);
     - a record of intent before the changes and the record of what was
       made after them, each a temp file renamed into STATE_DIR under
       flock, which poststop reads and removes.
   It reads no policy, no config.json and no state file format: the policy
   is compiled in, the OCI state is searched for "pid", and the records are
   fixed strings. Whatever nsipc's hooks cost beyond this one is nsipc's own
   (start-up, JSON, the policy's checks, the state directory's checks).

   It is not a hook to use: it checks almost nothing. Any failure exits
   non-zero, so runc stops and the benchmark says so.
   Build: cc -O2 -o floor_hook floor_hook.c */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void
fail (const char *what)
{
  perror (what);
  exit (1);
}

static void
put (const char *file, const char *value)
{
  int fd = open (file, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, value, strlen (value)) < 0)
    fail (file);
  close (fd);
}

/* kthreadd and its children, in the order /proc/2/task/2/children lists
   them (by age, which is by pid until pids wrap). */
static size_t
kernel_threads (long *pids, size_t max)
{
  char text[16384];
  int fd = open ("/proc/2/task/2/children", O_RDONLY | O_CLOEXEC);
  ssize_t len = fd < 0 ? -1 : read (fd, text, sizeof text - 1);
  if (fd >= 0)
    close (fd);
  if (len <= 0)
    return 0;
  text[len] = '\0';
  size_t n = 0;
  pids[n++] = 2;
  for (char *p = text, *end; n < max; p = end)
    {
      long pid = strtol (p, &end, 10);
      if (end == p)
        break;
      pids[n++] = pid;
    }
  return n;
}

/* How many processes besides PID and us are in the IPC namespace NS
   ("ipc:[N]"). */
static int
others_in (const char *ns, long pid)
{
  static long kernel[4096];
  size_t n_kernel = kernel_threads (kernel, 4096), k = 0;
  DIR *proc = opendir ("/proc");
  if (proc == NULL)
    fail ("/proc");
  int others = 0;
  struct dirent *de;
  while ((de = readdir (proc)) != NULL)
    {
      char *end, path[300], link[64];
      long p = strtol (de->d_name, &end, 10);
      if (*end != '\0' || p <= 0 || p == pid || p == getpid ())
        continue;
      while (k < n_kernel && kernel[k] < p)
        k++;
      if (k < n_kernel && kernel[k] == p)
        continue;
      snprintf (path, sizeof path, "%s/ns/ipc", de->d_name);
      ssize_t len = readlinkat (dirfd (proc), path, link, sizeof link - 1);
      if (len < 0)
        continue;
      link[len] = '\0';
      others += strcmp (link, ns) == 0;
    }
  closedir (proc);
  return others;
}

static void
record (int dir, const char *text)
{
  int fd = openat (dir, ".floor.json.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || write (fd, text, strlen (text)) < 0 || renameat (dir, ".floor.json.tmp", dir, "floor.json") < 0)
    fail ("record");
  close (fd);
}

static int
open_state (const char *state_dir)
{
  int dir = open (state_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0 || flock (dir, LOCK_EX) < 0)
    fail (state_dir);
  return dir;
}

static void
set_msg (int id, unsigned long qbytes, uid_t uid, gid_t gid)
{
  struct msqid_ds ds;
  if (id < 0 || msgctl (id, IPC_STAT, &ds) < 0)
    fail ("msg");
  ds.msg_qbytes = qbytes ? qbytes : ds.msg_qbytes;
  ds.msg_perm.uid = uid;
  ds.msg_perm.gid = gid;
  if (msgctl (id, IPC_SET, &ds) < 0)
    fail ("msg");
}

static void
make_objects (void)
{
  put ("/proc/sys/kernel/msgmni", "32");
  put ("/proc/sys/kernel/shmmax", "16777216");
  put ("/proc/sys/fs/mqueue/queues_max", "16");
  if (msgget (0x4201, IPC_CREAT | IPC_EXCL | 0660) < 0)
    fail ("msg");
  set_msg (msgget (0x4202, IPC_CREAT | IPC_EXCL | 0660), 8192, 0, 0);
  set_msg (msgget (0x4203, IPC_CREAT | IPC_EXCL | 0600), 0, 1000, 1000);
  unsigned short one[] = { 1 }, four[] = { 1, 1, 0, 0 };
  int s1 = semget (0x4211, 1, IPC_CREAT | IPC_EXCL | 0600), s2 = semget (0x4212, 4, IPC_CREAT | IPC_EXCL | 0660);
  if (s1 < 0 || s2 < 0 || semctl (s1, 0, SETALL, one) < 0 || semctl (s2, 0, SETALL, four) < 0
      || semget (0x4213, 8, IPC_CREAT | IPC_EXCL | 0600) < 0)
    fail ("sem");
  struct shmid_ds sd;
  int m3 = shmget (0x4223, 4096, IPC_CREAT | IPC_EXCL | 0600);
  if (shmget (0x4221, 65536, IPC_CREAT | IPC_EXCL | 0600) < 0 || shmget (0x4222, 65536, IPC_CREAT | IPC_EXCL | 0640) < 0
      || m3 < 0 || shmctl (m3, IPC_STAT, &sd) < 0)
    fail ("shm");
  sd.shm_perm.gid = 1000;
  if (shmctl (m3, IPC_SET, &sd) < 0)
    fail ("shm");
  struct mq_attr attr = { .mq_maxmsg = 8, .mq_msgsize = 256 };
  mode_t umask_was = umask (0);
  int mq = mq_open ("/bench", O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0660, &attr);
  umask (umask_was);
  if (mq < 0)
    fail ("mqueue");
  close (mq);
}

static int
create_runtime (const char *state_dir, const char *state)
{
  const char *p = strstr (state, "\"pid\":");
  long pid = p ? strtol (p + 6, NULL, 10) : 0;
  if (pid <= 0)
    fail ("no pid in the state");
  char path[64], ns[64];
  snprintf (path, sizeof path, "/proc/%ld/ns/ipc", pid);
  ssize_t len = readlink (path, ns, sizeof ns - 1);
  int home = open ("/proc/thread-self/ns/ipc", O_RDONLY | O_CLOEXEC);
  int pidfd = syscall (SYS_pidfd_open, pid, 0);
  if (len < 0 || home < 0 || pidfd < 0)
    fail ("the container's IPC namespace");
  ns[len] = '\0';
  if (others_in (ns, pid) > 0)
    fail ("other processes share the namespace");
  int dir = open_state (state_dir);
  record (dir, "{\"complete\": false}\n");
  if (setns (pidfd, CLONE_NEWIPC) < 0)
    fail ("setns");
  make_objects ();
  record (dir, "{\"complete\": true, \"objects\": 10}\n");
  if (setns (home, CLONE_NEWIPC) < 0)
    fail ("setns");
  return 0;
}

static int
poststop (const char *state_dir)
{
  char text[4096];
  int dir = open_state (state_dir);
  int fd = openat (dir, "floor.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || read (fd, text, sizeof text) < 0 || unlinkat (dir, "floor.json", 0) < 0)
    fail ("floor.json");
  return 0;
}

int
main (int argc, char **argv)
{
  char state[65536];
  ssize_t len = read (0, state, sizeof state - 1);
  if (len > 0)
    state[len] = '\0';
  if (argc != 2 || len <= 0)
    fputs ("usage: floor_hook STATE_DIR < OCI-STATE\n", stderr);
  else if (strstr (state, "\"status\":\"creating\""))
    return create_runtime (argv[1], state);
  else if (strstr (state, "\"status\":\"stopped\""))
    return poststop (argv[1]);
  else
    fputs ("floor_hook: the state's status is neither \"creating\" nor \"stopped\"\n", stderr);
  return 2;
}
