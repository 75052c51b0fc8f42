/* mkorphans MSG SEM SHM: create MSG message queues, SEM semaphore sets
   (2 semaphores each) and SHM shared memory segments (4096 bytes each) in
   the caller's IPC namespace, then exit.  Objects are interleaved
   (msg, sem, shm, msg, ...) until each count is reached.

   Used by gc_10000.sh, run under `nsenter --ipc=PIN`, to fill a namespace
   with orphans far faster than one ipcmk(1) fork per object. The objects
   are what ipcmk -Q / -S 2 / -M 4096 would leave behind, except for the
   key: object i gets key 0x6f000000+i (ipcmk picks a random one), created
   with IPC_EXCL so a leftover from an earlier fill is an error, not a
   silent reuse. Mode 0644, like ipcmk's default.

   Why they are orphans once this program has exited: a queue is never
   sent to or received from (lspid = lrpid = 0), a set is never operated on
   (every sempid 0), and a segment is never attached (nattch 0) and its
   creator pid (this process) is dead.

   Exit status 0 when every object was created, 1 otherwise (the first
   failure is reported on stderr). Build: cc -O2 -o mkorphans mkorphans.c */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#define KEY_BASE 0x6f000000

static long
count (const char *s)
{
  char *end;
  errno = 0;
  long n = strtol (s, &end, 10);
  if (errno || *s == '\0' || *end != '\0' || n < 0 || n > 1000000)
    {
      fprintf (stderr, "mkorphans: bad count \"%s\"\n", s);
      exit (2);
    }
  return n;
}

int
main (int argc, char **argv)
{
  if (argc != 4)
    {
      fprintf (stderr, "usage: mkorphans MSG SEM SHM\n");
      return 2;
    }
  long want[3] = { count (argv[1]), count (argv[2]), count (argv[3]) };
  long made[3] = { 0, 0, 0 };
  static const char *const what[3] = { "msgget", "semget", "shmget" };
  key_t key = KEY_BASE;
  while (made[0] < want[0] || made[1] < want[1] || made[2] < want[2])
    for (int t = 0; t < 3; t++)
      {
        if (made[t] == want[t])
          continue;
        int id;
        switch (t)
          {
          case 0:
            id = msgget (key, IPC_CREAT | IPC_EXCL | 0644);
            break;
          case 1:
            id = semget (key, 2, IPC_CREAT | IPC_EXCL | 0644);
            break;
          default:
            id = shmget (key, 4096, IPC_CREAT | IPC_EXCL | 0644);
            break;
          }
        if (id < 0)
          {
            fprintf (stderr, "mkorphans: %s(key 0x%08x) after %ld/%ld/%ld objects: %s\n", what[t], (unsigned)key,
                     made[0], made[1], made[2], strerror (errno));
            return 1;
          }
        made[t]++;
        key++;
      }
  return 0;
}
