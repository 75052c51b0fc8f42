/* The kernel's records (*_STAT_ANY) as nsipc's objects: first on records
   filled in here, then, as root, on objects made in a new IPC namespace
   of this test's own, which goes when the test exits. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "inventory.h"
#include "tap.h"
#include "util.h"

static void
test_records (void)
{
  struct nsipc_ipc_object o;
  struct shmid_ds shm
      = { .shm_perm = { .__key = -1, .uid = 2000, .gid = 3000, .cuid = 1000, .cgid = 1001, .mode = 01000 | 0640 },
          .shm_segsz = 4096,
          .shm_atime = 11,
          .shm_dtime = 12,
          .shm_ctime = 13,
          .shm_cpid = 7370,
          .shm_lpid = 7377,
          .shm_nattch = 1 };
  inventory_from_shm (&shm, 32768, &o);
  ok (o.type == OBJECT_SHM && o.id == 32768, "a segment with the id *_STAT_ANY returned");
  ok (o.key == 0xffffffff, "key -1 is 0xffffffff");
  ok (o.mode == 0640, "SHM_DEST and the other flags above the mode are dropped");
  ok (o.uid == 2000 && o.gid == 3000 && o.cuid == 1000 && o.cgid == 1001, "owner and creator");
  ok (o.size == 4096 && o.cpid == 7370 && o.lpid == 7377 && o.nattch == 1, "size, pids and attach count");
  ok (o.atime == 11 && o.dtime == 12 && o.ctime == 13, "attach, detach and change time");
  ok (o.bytes == 0 && o.messages == 0 && o.nsems == 0 && o.name == NULL, "no other kind's fields");

  struct msqid_ds msg = { .msg_perm = { .__key = INT32_MIN, .mode = 0662, .uid = 2002, .cuid = 1000 },
                          .msg_stime = 21,
                          .msg_rtime = 22,
                          .msg_ctime = 23,
                          .__msg_cbytes = 33,
                          .msg_qnum = 2,
                          .msg_lspid = 7372,
                          .msg_lrpid = 7374 };
  inventory_from_msg (&msg, 1, &o);
  ok (o.type == OBJECT_MSG && o.key == 0x80000000 && o.mode == 0662, "a queue: key INT32_MIN is 0x80000000");
  ok (o.bytes == 33 && o.messages == 2 && o.lspid == 7372 && o.lrpid == 7374, "bytes, messages, last pids");
  ok (o.atime == 21 && o.dtime == 22 && o.ctime == 23, "send, receive and change time");
  ok (o.cpid == 0 && o.nattch == 0, "no segment fields on a queue");

  struct semid_ds sem = { .sem_perm = { .__key = 0x7fffffff, .mode = 0664, .cuid = 1000, .cgid = 1001 },
                          .sem_otime = 31,
                          .sem_ctime = 32,
                          .sem_nsems = 3 };
  inventory_from_sem (&sem, 2, &o);
  ok (o.type == OBJECT_SEM && o.key == 0x7fffffff && o.nsems == 3, "a set and its size");
  ok (o.atime == 31 && o.ctime == 32 && o.dtime == 0, "last semop and change time");
}

static const struct nsipc_ipc_object *
find (const struct nsipc_inventory *inv, enum nsipc_object_type type, uint32_t key)
{
  for (size_t i = 0; i < inv->n; i++)
    if (inv->objects[i].type == type && inv->objects[i].key == key)
      return &inv->objects[i];
  return NULL;
}

/* The real kernel, in a namespace of our own. */
static void
test_live (void)
{
  if (geteuid () != 0 || unshare (CLONE_NEWIPC) < 0)
    {
      ok (true, "# SKIP reading a live namespace needs root (unshare CLONE_NEWIPC)");
      return;
    }
  struct nsipc_inventory inv;
  nsipc_error err = { 0 };
  ok (inventory_read (&inv, false, &err) == 0 && inv.n == 0, "a new namespace holds nothing");
  inventory_free (&inv);

  int q = msgget (0x4e530001, IPC_CREAT | 0640);
  struct
  {
    long type;
    char text[5];
  } m = { 1, "hello" };
  int gap = shmget (IPC_PRIVATE, 4096, 0600);
  int s = semget (0x4e530002, 3, IPC_CREAT | 0600);
  int shm = shmget (IPC_PRIVATE, 8192, 0666);
  ok (q >= 0 && s >= 0 && gap >= 0 && shm >= 0 && msgsnd (q, &m, sizeof m.text, 0) == 0, "objects made");
  ok (shmctl (gap, IPC_RMID, NULL) == 0 && inventory_last_index (OBJECT_SHM) == 1,
      "a removed segment leaves a gap below the last index");

  ok (inventory_read (&inv, false, &err) == 0 && inv.n == 3, "three objects read, the gap skipped");
  const struct nsipc_ipc_object *o = find (&inv, OBJECT_MSG, 0x4e530001);
  ok (o && o->id == q && o->mode == 0640 && o->uid == 0 && o->cuid == 0, "the queue: key, id, mode, owner");
  ok (o && o->messages == 1 && o->bytes == 5 && o->lspid == getpid () && o->atime > 0, "its message and sender");
  o = find (&inv, OBJECT_SEM, 0x4e530002);
  ok (o && o->id == s && o->nsems == 3 && o->mode == 0600 && o->atime == 0, "the set: key, id, size, never used");
  o = find (&inv, OBJECT_SHM, 0);
  ok (o && o->id == shm && o->size == 8192 && o->mode == 0666 && o->cpid == getpid () && o->nattch == 0,
      "the segment: IPC_PRIVATE, its size, mode and creator");
  inventory_free (&inv);

  struct nsipc_ipc_object one;
  errno = 0;
  ok (inventory_stat (OBJECT_SHM, 0, &one) < 0 && inventory_gap (), "reading the gap: there is none");
}

/* dir_entries, which lists each namespace's queues, against readdir: 300
   names of 60 bytes need several getdents64 buffers of 4096 bytes. */
static void
test_dir_entries (void)
{
  char dir[] = "/tmp/nsipc-test-dir.XXXXXX";
  if (mkdtemp (dir) == NULL)
    {
      ok (false, "mkdtemp: %s", strerror (errno));
      return;
    }
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  char name[64];
  for (int i = 0; i < 300; i++)
    {
      snprintf (name, sizeof name, "%03d-%056d", i, i);
      close (openat (fd, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
    }
  struct dir_entries d;
  const char *entry;
  bool seen[300] = { false }, strange = false;
  int n = 0, dots = 0;
  dir_entries_start (&d, fd);
  while ((entry = dir_entries_next (&d)) != NULL)
    {
      int i = atoi (entry);
      snprintf (name, sizeof name, "%03d-%056d", i, i);
      if (strcmp (entry, ".") == 0 || strcmp (entry, "..") == 0)
        dots++;
      else if (i < 0 || i >= 300 || seen[i] || strcmp (entry, name) != 0)
        strange = true;
      else
        seen[i] = true, n++;
    }
  ok (errno == 0, "the end: NULL, errno 0");
  ok (n == 300 && dots == 2 && !strange, "each of 300 names once, and . and .. (%d)", n);
  dir_entries_start (&d, -1);
  ok (dir_entries_next (&d) == NULL && errno == EBADF, "a bad fd: NULL, errno EBADF");
  for (int i = 0; i < 300; i++)
    {
      snprintf (name, sizeof name, "%03d-%056d", i, i);
      unlinkat (fd, name, 0);
    }
  close (fd);
  ok (rmdir (dir) == 0, "the directory removed");
}

int
main (void)
{
  test_records ();
  test_live ();
  test_dir_entries ();
  return tap_done ();
}
