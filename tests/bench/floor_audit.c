/* floor_audit PIN...: the system calls an audit of the namespaces pinned at
   PIN... cannot skip, and nothing else, as a baseline for nsipc audit in
   audit_scale.sh.  For each namespace, what DESIGN.md §7 asks of it:
     - enter it (setns) and come back;
     - its System V objects: *_INFO for the highest index, *_STAT_ANY of
       every index, and each semaphore's GETPID, GETNCNT and GETZCNT (rule 4
       of §6 judges a set by them);
     - its POSIX queues: a detached mqueue mount of it (fsopen, fsmount),
       attached through an fd of one directory of a tmpfs on /dev/mqueue,
       stacked, in a mount namespace of our own (releasing a detached mount
       waits for an RCU grace period; the tmpfs goes with 64 of them at
       once), and listed;
     - its limits: msgctl, semctl and shmctl IPC_INFO, and the six sysctls
       with no *_INFO (kernel/shm_rmid_forced and five in fs/mqueue), read
       from a proc instance of our own, a new one every 16 namespaces (each
       namespace has its own entries, and a lookup walks those of every
       namespace looked at through that instance).
   That is how nsipc does each of these.  It does not stat queues, judge,
   read processes, owners or state, or write JSON: whatever nsipc audit
   costs beyond this is nsipc's own.  Prints nothing; any failure exits 1.
   Build: cc -O2 -o floor_audit floor_audit.c */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 0x00000001
#define FSCONFIG_CMD_CREATE 6
#define FSMOUNT_CLOEXEC 0x00000001
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif

static void
fail (const char *what)
{
  perror (what);
  exit (1);
}

/* A new mount of filesystem TYPE (of our IPC namespace, for mqueue). */
static int
new_mount (const char *type)
{
  int fs = syscall (SYS_fsopen, type, FSOPEN_CLOEXEC);
  if (fs < 0 || syscall (SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    fail (type);
  int mnt = syscall (SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
  if (mnt < 0)
    fail ("fsmount");
  close (fs);
  return mnt;
}

static void
sysv (void)
{
  struct msginfo mi;
  struct seminfo si;
  struct shm_info hi;
  union
  {
    struct msqid_ds msg;
    struct semid_ds sem;
    struct shmid_ds shm;
  } ds;
  for (int i = 0, last = msgctl (0, MSG_INFO, (struct msqid_ds *)&mi); i <= last; i++)
    msgctl (i, MSG_STAT_ANY, &ds.msg);
  for (int i = 0, last = semctl (0, 0, SEM_INFO, &si); i <= last; i++)
    {
      int id = semctl (i, 0, SEM_STAT_ANY, &ds.sem);
      for (unsigned long k = 0; id >= 0 && k < ds.sem.sem_nsems; k++)
        semctl (id, k, GETPID), semctl (id, k, GETNCNT), semctl (id, k, GETZCNT);
    }
  for (int i = 0, last = shmctl (0, SHM_INFO, (struct shmid_ds *)&hi); i <= last; i++)
    shmctl (i, SHM_STAT_ANY, &ds.shm);
}

static void
queues (int holder)
{
  char buf[4096];
  int mnt = new_mount ("mqueue");
  if (syscall (SYS_move_mount, mnt, "", holder, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    fail ("attach the mqueue mount");
  int dir = openat (mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  while (dir >= 0 && syscall (SYS_getdents64, dir, buf, sizeof buf) > 0)
    ;
  close (dir);
  close (mnt);
}

static void
limits (int sys)
{
  static const char *const files[] = { "kernel/shm_rmid_forced", "fs/mqueue/queues_max",  "fs/mqueue/msg_max",
                                       "fs/mqueue/msgsize_max",  "fs/mqueue/msg_default", "fs/mqueue/msgsize_default" };
  struct msginfo mi;
  struct seminfo si;
  struct shminfo hi;
  char text[128];
  msgctl (0, IPC_INFO, (struct msqid_ds *)&mi);
  semctl (0, 0, IPC_INFO, &si);
  shmctl (0, IPC_INFO, (struct shmid_ds *)&hi);
  for (size_t i = 0; i < sizeof files / sizeof *files; i++)
    {
      int fd = openat (sys, files[i], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0 || read (fd, text, sizeof text) < 0)
        fail (files[i]);
      close (fd);
    }
}

int
main (int argc, char **argv)
{
  int home = open ("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
  if (home < 0 || unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
    fail ("a mount namespace of our own");
  int holder = -1, proc = -1, sys = -1;
  for (int i = 1; i < argc; i++)
    {
      unsigned n = (unsigned)(i - 1);
      if (n % 64 == 0)
        {
          if (holder >= 0 && (close (holder) < 0 || umount2 ("/dev/mqueue", MNT_DETACH) < 0))
            fail ("release the mqueue mounts");
          if (mount ("floor", "/dev/mqueue", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0700") < 0
              || mkdir ("/dev/mqueue/q", 0700) < 0
              || (holder = open ("/dev/mqueue/q", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
            fail ("a tmpfs on /dev/mqueue");
        }
      if (n % 16 == 0)
        {
          close (sys), close (proc);
          proc = new_mount ("proc");
          if ((sys = openat (proc, "sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
            fail ("proc/sys");
        }
      int ns = open (argv[i], O_RDONLY | O_CLOEXEC);
      if (ns < 0 || setns (ns, CLONE_NEWIPC) < 0)
        fail (argv[i]);
      close (ns);
      sysv ();
      queues (holder);
      limits (sys);
      if (setns (home, CLONE_NEWIPC) < 0)
        fail ("back home");
    }
  return 0;
}
