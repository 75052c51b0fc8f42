/* Test helper, linked statically so it runs inside a busybox container:
     ipc-tool shm KEY SIZE         create a segment (mode 0600) and exit
     ipc-tool sem KEY NSEMS        create a semaphore set, set all to 1, exit
     ipc-tool msg KEY              create a message queue and exit
     ipc-tool hold KEY SIZE FILE   create (or find) a segment, attach it, and
                                   a 1-semaphore set KEY+1; touch FILE; then
                                   semop every 0.2s until killed (a
                                   PostgreSQL-like holder)
     ipc-tool recv KEY FILE        create a queue, touch FILE, block in msgrcv
   KEY is decimal or 0x hex. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

union semun
{
  int val;
  struct semid_ds *buf;
  unsigned short *array;
};

static int
die (const char *what)
{
  perror (what);
  return 1;
}

static void
touch (const char *file)
{
  int fd = open (file, O_WRONLY | O_CREAT, 0644);
  if (fd >= 0)
    close (fd);
}

int
main (int argc, char **argv)
{
  if (argc < 3)
    {
      fprintf (stderr, "usage: ipc-tool shm|sem|msg|hold|recv KEY ...\n");
      return 2;
    }
  key_t key = strtoul (argv[2], NULL, 0);
  if (strcmp (argv[1], "shm") == 0 && argc == 4)
    return shmget (key, strtoul (argv[3], NULL, 0), IPC_CREAT | IPC_EXCL | 0600) < 0 ? die ("shmget") : 0;
  if (strcmp (argv[1], "sem") == 0 && argc == 4)
    {
      int n = atoi (argv[3]);
      int id = semget (key, n, IPC_CREAT | IPC_EXCL | 0600);
      if (id < 0)
        return die ("semget");
      for (int i = 0; i < n; i++)
        if (semctl (id, i, SETVAL, (union semun){ .val = 1 }) < 0)
          return die ("semctl");
      return 0;
    }
  if (strcmp (argv[1], "msg") == 0 && argc == 3)
    return msgget (key, IPC_CREAT | IPC_EXCL | 0600) < 0 ? die ("msgget") : 0;
  if (strcmp (argv[1], "hold") == 0 && argc == 5)
    {
      int shm = shmget (key, strtoul (argv[3], NULL, 0), IPC_CREAT | 0600);
      int sem = semget (key + 1, 1, IPC_CREAT | 0600);
      if (shm < 0 || sem < 0 || shmat (shm, NULL, 0) == (void *)-1)
        return die ("hold");
      struct sembuf up = { 0, 1, 0 }, down = { 0, -1, 0 };
      semop (sem, &up, 1);
      touch (argv[4]);
      for (;;)
        {
          semop (sem, &down, 1);
          semop (sem, &up, 1);
          usleep (200000);
        }
    }
  if (strcmp (argv[1], "recv") == 0 && argc == 4)
    {
      int q = msgget (key, IPC_CREAT | 0600);
      if (q < 0)
        return die ("msgget");
      struct
      {
        long type;
        char text[64];
      } m = { 1, "hello" };
      /* One round trip records us as last sender and receiver. */
      if (msgsnd (q, &m, sizeof m.text, 0) < 0 || msgrcv (q, &m, sizeof m.text, 0, 0) < 0)
        return die ("msg");
      touch (argv[3]);
      msgrcv (q, &m, sizeof m.text, 0, 0);
      return 0;
    }
  fprintf (stderr, "ipc-tool: bad arguments\n");
  return 2;
}
