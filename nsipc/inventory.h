/* What exists in the caller's IPC namespace: every System V object as
   its *_STAT_ANY shows it, and the POSIX queues of an mqueue mount. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "policy.h"

struct nsipc_ipc_object
{
  enum nsipc_object_type type;
  uint32_t key;
  int id;
  unsigned mode;
  uid_t uid, cuid;
  gid_t gid, cgid;
  pid_t cpid, lpid;            /* shm creator and last attach/detach */
  pid_t lspid, lrpid;          /* msg last send and receive */
  uint64_t size;               /* shm bytes */
  uint64_t nattch;             /* shm */
  uint64_t nsems;              /* sem */
  uint64_t bytes;              /* msg bytes queued */
  uint64_t messages;           /* msg messages queued */
  int64_t atime, dtime, ctime; /* shm: attach, detach, change; msg: send, receive, change; sem: op, -, change;
                                  mqueue: the file's access, modification, change */
  char *name;                  /* mqueue: "/name" */
  dev_t dev;                   /* mqueue: its inode, to find who holds it open */
  ino_t ino;
};

struct nsipc_inventory
{
  struct nsipc_ipc_object *objects;
  size_t n;
};

/* Reads the System V objects of the caller's IPC namespace and, with
   MQUEUE, its POSIX queues, listed through a detached mqueue mount (on
   kernels before 5.2, one on /dev/mqueue: call in a private mount
   namespace there). */
int inventory_read (struct nsipc_inventory *inv, bool mqueue, nsipc_error *err);

/* For a caller in a mount namespace of its own that lists the queues of
   many IPC namespaces (audit, gc): their mqueue mounts are attached there,
   under a tmpfs on /dev/mqueue, and released 64 at a time, instead of each
   after its listing. */
void inventory_keep_queue_mounts (void);

/* Only the POSIX queues. */
int inventory_read_queues (struct nsipc_inventory *inv, nsipc_error *err);

/* The highest index of TYPE in use, 0 when none is; -1 with errno. */
int inventory_last_index (enum nsipc_object_type type);

/* The object of TYPE at INDEX (0 to inventory_last_index), read now: 0,
   or -1 with errno, where inventory_gap () means there is none. */
int inventory_stat (enum nsipc_object_type type, int index, struct nsipc_ipc_object *o);
/* The same by the object's id (IPC_STAT): -1 with errno EIDRM or EINVAL
   once it is gone. */
int inventory_stat_id (enum nsipc_object_type type, int id, struct nsipc_ipc_object *o);
bool inventory_gap (void);

/* The kernel's record of the object with ID, as nsipc sees it. */
struct shmid_ds;
struct msqid_ds;
struct semid_ds;
void inventory_from_shm (const struct shmid_ds *d, int id, struct nsipc_ipc_object *o);
void inventory_from_msg (const struct msqid_ds *d, int id, struct nsipc_ipc_object *o);
void inventory_from_sem (const struct semid_ds *d, int id, struct nsipc_ipc_object *o);

/* A new object, zeroed, at the end of INV. */
struct nsipc_ipc_object *inventory_append (struct nsipc_inventory *inv);

/* Objects of TYPE in INV. */
size_t inventory_count (const struct nsipc_inventory *inv, enum nsipc_object_type type);

/* The per-semaphore last-op pids (GETPID) of set ID, in the caller's
   IPC namespace (PIDS has room for NSEMS, or is NULL), and the sum of the
   processes waiting on its members (GETNCNT, GETZCNT). */
int inventory_sem_members (int id, size_t nsems, pid_t *pids, uint64_t *waiters, nsipc_error *err);

/* What every process holds open, as (device, inode): POSIX queues record
   no pids, an open descriptor is all that shows use.  Unreadable fd
   directories are skipped. */
struct nsipc_open_files
{
  struct nsipc_open_file
  {
    dev_t dev;
    ino_t ino;
  } * files;
  size_t n;
  bool loaded; /* filled by inventory_open_files */
};

int inventory_open_files (struct nsipc_open_files *set, nsipc_error *err);
bool inventory_is_open (const struct nsipc_open_files *set, const struct nsipc_ipc_object *o);
void inventory_open_files_free (struct nsipc_open_files *set);

void inventory_free (struct nsipc_inventory *inv);
