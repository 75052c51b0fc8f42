/* Test helper, linked statically so it runs inside a busybox container:
     ipc-tool shm KEY SIZE         create a segment (mode 0600) and exit
     ipc-tool sem KEY NSEMS        create a semaphore set, set all to 1, exit
     ipc-tool msg KEY              create a message queue and exit
     ipc-tool hold KEY SIZE FILE   create (or find) a segment, attach it, and
                                   a 1-semaphore set KEY+1; touch FILE; then
                                   semop every 0.2s until killed (a
                                   PostgreSQL-like holder)
     ipc-tool recv KEY FILE        create a queue, touch FILE, block in msgrcv
   What the orphan rules are tested with (KEY names an existing object
   unless the verb creates; FILE is touched once the state is reached, then
   the tool waits, blocked or in pause(), until killed):
     ipc-tool create TYPE KEY FILE create msg|sem|shm KEY, never use it
     ipc-tool attach KEY FILE      attach segment KEY
     ipc-tool private SIZE FILE    create an IPC_PRIVATE segment, attach it
     ipc-tool wait-recv KEY FILE   block in msgrcv
     ipc-tool wait-recv32 KEY FILE block in msgrcv as a 32-bit program does:
                                   i386's msgrcv (x86_64 only)
     ipc-tool wait-ipc32 KEY FILE  the same through i386's ipc(2)
     ipc-tool i386                 exit 0 if those work here, else 77
     ipc-tool create32 KEY         create message queue KEY through i386's
                                   ipc(2) (MSGGET), as a 32-bit program does
     ipc-tool leaderless-recv KEY FILE
                                   block in msgrcv in a thread whose main
                                   thread has exited (a zombie leader)
     ipc-tool leaderless-mq NAME FILE
                                   hold POSIX queue NAME open, the same way
     ipc-tool thread-create TYPE KEY UID FILE
                                   create msg|sem KEY in a second thread
                                   that took UID as its own (setresuid for
                                   that thread only, as the raw call does);
                                   the main thread keeps its uid
     ipc-tool thread-recv NSPATH KEY FILE
                                   block in msgrcv on queue KEY in a second
                                   thread that joined IPC namespace NSPATH;
                                   the process stays where it was
     ipc-tool fill KEY             send until queue KEY is full, exit
     ipc-tool wait-send KEY FILE   block in msgsnd (the queue is full)
     ipc-tool semop KEY DELTA      one semop on semaphore 0, exit
     ipc-tool wait-sem KEY FILE    block in semop (-1) on semaphore 0
     ipc-tool undo KEY FILE        semop -1 with SEM_UNDO on semaphore 0
     ipc-tool use KEY TYPE         msgget/semget/shmget KEY (no create), exit
     ipc-tool rm KEY TYPE          IPC_RMID of msg|sem|shm KEY, as ipcrm does
     ipc-tool mq-create NAME       create a POSIX queue, close it, exit
     ipc-tool mq-open NAME FILE    open POSIX queue NAME, hold it open
   KEY is decimal or 0x hex; objects are created with mode $IPC_MODE
   (octal, default 0600), segments with SHM_NORESERVE when $IPC_NORESERVE
   is set. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

static int mode = 0600;

/* Touches FILE, then waits to be killed. */
static int
ready (const char *file)
{
  touch (file);
  for (;;)
    pause ();
  return 0;
}

#ifdef __x86_64__
/* A call as a 32-bit program makes it: int $0x80, by i386's numbers. */
static long
int80 (long nr, long a, long b, long c, long d, long e)
{
  long r;
  __asm__ volatile ("int $0x80"
                    : "=a"(r)
                    : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
                    : "memory", "r8", "r9", "r10", "r11");
  return r;
}

/* msgrcv on queue Q through i386's msgrcv (401) or ipc(2) (117, MSGRCV,
   version 0: the buffer and type in a struct of two 32-bit words), with
   memory below 4 GiB, as 32-bit pointers need. */
static int
recv32 (int q, const char *how, const char *file)
{
  uint32_t *low = mmap (NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (low == MAP_FAILED)
    return die ("mmap");
  touch (file);
  long r;
  if (strcmp (how, "ipc") == 0)
    {
      low[0] = (uint32_t)(uintptr_t)(low + 64), low[1] = 0;
      r = int80 (117, 12, q, 64, 0, (long)(uintptr_t)low);
    }
  else
    r = int80 (401, q, (long)(uintptr_t)(low + 64), 64, 0, 0);
  return r < 0 ? (errno = (int)-r, die ("msgrcv")) : 0;
}
#endif

struct message
{
  long type;
  char text[64];
};

/* A thread that goes on after main's has exited: it says it is ready once
   its leader is a zombie, then blocks in msgrcv on queue Q (Q < 0: in
   pause, holding what main opened). */
struct leaderless
{
  pid_t leader;
  int q;
  const char *file;
};

static void *
leaderless_thread (void *arg)
{
  struct leaderless *l = arg;
  char path[64], stat[512] = "";
  snprintf (path, sizeof path, "/proc/self/task/%d/stat", (int)l->leader);
  for (const char *state = NULL; state == NULL || state[2] != 'Z'; usleep (10000))
    {
      FILE *f = fopen (path, "r");
      state = f && fgets (stat, sizeof stat, f) ? strrchr (stat, ')') : NULL;
      if (f)
        fclose (f);
    }
  touch (l->file);
  struct message m;
  if (l->q >= 0)
    exit (msgrcv (l->q, &m, sizeof m.text, 0, 0) < 0 ? die ("msgrcv") : 0);
  for (;;)
    pause ();
}

static int
leaderless (int q, const char *file)
{
  static struct leaderless l;
  l = (struct leaderless){ getpid (), q, file };
  pthread_t t;
  if (pthread_create (&t, NULL, leaderless_thread, &l) != 0)
    return die ("pthread_create");
  pthread_exit (NULL);
}

/* A thread of its own: its uid (the raw call changes only the calling
   thread's, where glibc's setresuid changes them all), or its IPC
   namespace.  Main waits in pause with what it had. */
struct other_thread
{
  const char *type, *ns, *file;
  key_t key;
  uid_t uid;
};

static int create (const char *type, key_t key);

static void *
other_thread (void *arg)
{
  struct other_thread *t = arg;
  struct message m;
  if (t->ns == NULL)
    {
      if (syscall (SYS_setresuid, t->uid, t->uid, t->uid) < 0 || create (t->type, t->key) < 0)
        exit (die ("thread-create"));
      touch (t->file);
      for (;;)
        pause ();
    }
  int fd = open (t->ns, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || setns (fd, CLONE_NEWIPC) < 0)
    exit (die ("setns"));
  int q = msgget (t->key, 0);
  if (q < 0)
    exit (die ("msgget"));
  touch (t->file);
  exit (msgrcv (q, &m, sizeof m.text, 0, 0) < 0 ? die ("msgrcv") : 0);
}

static int
in_other_thread (struct other_thread *t)
{
  pthread_t th;
  if (pthread_create (&th, NULL, other_thread, t) != 0)
    return die ("pthread_create");
  for (;;)
    pause ();
}

static int
create (const char *type, key_t key)
{
  if (strcmp (type, "msg") == 0)
    return msgget (key, IPC_CREAT | IPC_EXCL | mode);
  if (strcmp (type, "sem") == 0)
    return semget (key, 1, IPC_CREAT | IPC_EXCL | mode);
  return shmget (key, 4096, IPC_CREAT | IPC_EXCL | mode);
}

static int
use (const char *type, key_t key)
{
  if (strcmp (type, "msg") == 0)
    return msgget (key, 0);
  if (strcmp (type, "sem") == 0)
    return semget (key, 0, 0);
  return shmget (key, 0, 0);
}

static int
semop1 (key_t key, short delta, short flags)
{
  int id = semget (key, 0, 0);
  struct sembuf op = { 0, delta, flags };
  return id < 0 ? id : semop (id, &op, 1);
}

/* The verbs of the orphan-rule tests; 2 when VERB is none of them. */
static int
scenario (int argc, char **argv)
{
  const char *verb = argv[1];
  key_t key = strtoul (argv[2], NULL, 0);
  struct message m = { 1, "x" };
  if (strcmp (verb, "create") == 0 && argc == 5)
    return create (argv[2], strtoul (argv[3], NULL, 0)) < 0 ? die ("create") : ready (argv[4]);
  if (strcmp (verb, "attach") == 0 && argc == 4)
    {
      int id = shmget (key, 0, 0);
      return id < 0 || shmat (id, NULL, 0) == (void *)-1 ? die ("attach") : ready (argv[3]);
    }
  if (strcmp (verb, "private") == 0 && argc == 4)
    {
      int id = shmget (IPC_PRIVATE, strtoul (argv[2], NULL, 0), IPC_CREAT | mode);
      return id < 0 || shmat (id, NULL, 0) == (void *)-1 ? die ("private") : ready (argv[3]);
    }
  if (strcmp (verb, "wait-recv") == 0 && argc == 4)
    {
      int q = msgget (key, 0);
      if (q < 0)
        return die ("msgget");
      touch (argv[3]);
      return msgrcv (q, &m, sizeof m.text, 0, 0) < 0 ? die ("msgrcv") : 0;
    }
#ifdef __x86_64__
  if ((strcmp (verb, "wait-recv32") == 0 || strcmp (verb, "wait-ipc32") == 0) && argc == 4)
    {
      int q = msgget (key, 0);
      return q < 0 ? die ("msgget") : recv32 (q, strcmp (verb, "wait-ipc32") == 0 ? "ipc" : "direct", argv[3]);
    }
  if (strcmp (verb, "create32") == 0 && argc == 3)
    {
      long r = int80 (117, 13, key, IPC_CREAT | mode, 0, 0);
      return r < 0 ? (errno = (int)-r, die ("ipc(MSGGET)")) : 0;
    }
#endif
  if (strcmp (verb, "thread-create") == 0 && argc == 6)
    {
      static struct other_thread t;
      t = (struct other_thread){
        .type = argv[2], .key = strtoul (argv[3], NULL, 0), .uid = atoi (argv[4]), .file = argv[5]
      };
      return in_other_thread (&t);
    }
  if (strcmp (verb, "thread-recv") == 0 && argc == 5)
    {
      static struct other_thread t;
      t = (struct other_thread){ .ns = argv[2], .key = strtoul (argv[3], NULL, 0), .file = argv[4] };
      return in_other_thread (&t);
    }
  if (strcmp (verb, "fill") == 0 && argc == 3)
    {
      int q = msgget (key, 0);
      while (q >= 0 && msgsnd (q, &m, sizeof m.text, IPC_NOWAIT) == 0)
        ;
      return q < 0 || errno != EAGAIN ? die ("fill") : 0;
    }
  if (strcmp (verb, "wait-send") == 0 && argc == 4)
    {
      int q = msgget (key, 0);
      if (q < 0)
        return die ("msgget");
      touch (argv[3]);
      return msgsnd (q, &m, sizeof m.text, 0) < 0 ? die ("msgsnd") : 0;
    }
  if (strcmp (verb, "semop") == 0 && argc == 4)
    return semop1 (key, atoi (argv[3]), IPC_NOWAIT) < 0 ? die ("semop") : 0;
  if (strcmp (verb, "wait-sem") == 0 && argc == 4)
    {
      touch (argv[3]);
      return semop1 (key, -1, 0) < 0 ? die ("semop") : 0;
    }
  if (strcmp (verb, "undo") == 0 && argc == 4)
    return semop1 (key, -1, SEM_UNDO) < 0 ? die ("semop") : ready (argv[3]);
  if (strcmp (verb, "use") == 0 && argc == 4)
    return use (argv[3], key) < 0 ? die ("use") : 0;
  if (strcmp (verb, "mq-create") == 0 && argc == 3)
    {
      mqd_t q = mq_open (argv[2], O_CREAT | O_EXCL | O_RDWR, mode, NULL);
      return q == (mqd_t)-1 ? die ("mq_open") : mq_close (q);
    }
  if (strcmp (verb, "leaderless-recv") == 0 && argc == 4)
    {
      int q = msgget (key, 0);
      return q < 0 ? die ("msgget") : leaderless (q, argv[3]);
    }
  if (strcmp (verb, "leaderless-mq") == 0 && argc == 4)
    return mq_open (argv[2], O_RDWR) == (mqd_t)-1 ? die ("mq_open") : leaderless (-1, argv[3]);
  if (strcmp (verb, "mq-open") == 0 && argc == 4)
    return mq_open (argv[2], O_RDWR) == (mqd_t)-1 ? die ("mq_open") : ready (argv[3]);
  return 2;
}

int
main (int argc, char **argv)
{
  if (argc == 2 && strcmp (argv[1], "i386") == 0)
#ifdef __x86_64__
    return int80 (401, -1, 0, 0, 0, 0) == -ENOSYS ? 77 : 0;
#else
    return 77;
#endif
  if (argc < 3)
    {
      fprintf (stderr, "usage: ipc-tool shm|sem|msg|hold|recv KEY ...\n");
      return 2;
    }
  if (getenv ("IPC_MODE"))
    {
      mode = strtoul (getenv ("IPC_MODE"), NULL, 8);
      umask (0); /* POSIX queues are created through it */
    }
  int r = scenario (argc, argv);
  if (r != 2)
    return r;
  key_t key = strtoul (argv[2], NULL, 0);
  if (strcmp (argv[1], "shm") == 0 && argc == 4)
    {
      int noreserve = getenv ("IPC_NORESERVE") ? SHM_NORESERVE : 0;
      return shmget (key, strtoul (argv[3], NULL, 0), IPC_CREAT | IPC_EXCL | mode | noreserve) < 0 ? die ("shmget") : 0;
    }
  if (strcmp (argv[1], "sem") == 0 && argc == 4)
    {
      int n = atoi (argv[3]);
      int id = semget (key, n, IPC_CREAT | IPC_EXCL | mode);
      if (id < 0)
        return die ("semget");
      for (int i = 0; i < n; i++)
        if (semctl (id, i, SETVAL, (union semun){ .val = 1 }) < 0)
          return die ("semctl");
      return 0;
    }
  if (strcmp (argv[1], "msg") == 0 && argc == 3)
    return msgget (key, IPC_CREAT | IPC_EXCL | mode) < 0 ? die ("msgget") : 0;
  if (strcmp (argv[1], "rm") == 0 && argc == 4)
    {
      char t = argv[3][1];
      int id = t == 's' ? msgget (key, 0) : t == 'e' ? semget (key, 0, 0) : shmget (key, 0, 0);
      int r = id < 0 ? -1 : t == 's' ? msgctl (id, IPC_RMID, NULL) : t == 'e' ? semctl (id, 0, IPC_RMID) : shmctl (id, IPC_RMID, NULL);
      return r < 0 ? die ("rm") : 0;
    }
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
