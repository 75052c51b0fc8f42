/* A container's ledger record, STATE_DIR/containers/ID.json (DESIGN.md §5):
   written at createRuntime, read at poststop (which gets no pid) and by
   exec --container, audit and gc. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "namespace.h"
#include "policy.h"

/* OCI ids are longer than namespace names (podman uses 64 hex digits). */
#define LEDGER_ID_MAX 128

/* An object that existed, or that the policy provisioned: SysV by type, id
   and key (ids advance a sequence, so a recycled one rarely has the same
   key too), POSIX by name.  ctime is recorded for people reading it. */
struct nsipc_ledger_object
{
  enum nsipc_object_type type;
  int id;
  uint32_t key;
  int64_t ctime;
  char *name; /* mqueue: its path; SysV: the policy's label, if any */
};

/* Whether O is one of the N objects of LIST. */
bool ledger_object_listed (const struct nsipc_ledger_object *list, size_t n, enum nsipc_object_type type, int id,
                           uint32_t key, const char *name);

struct nsipc_ledger
{
  char *id;
  char *bundle;
  char *policy; /* name, or NULL: no policy */
  char *policy_digest;
  enum nsipc_ns_kind kind;
  char *ns_name; /* NS_KIND_NAMED */
  char *ns_path; /* NS_KIND_SHARED: the path the config joins */
  uint64_t ns_inode;
  char *ns_handle;    /* NS_KIND_PRIVATE: its file handle, if the kernel has them */
  pid_t pid;          /* the container's init */
  uint64_t pid_start; /* its start time, clock ticks since boot */
  int64_t created;    /* unix time of createRuntime */
  bool complete;      /* false while createRuntime is still provisioning */
  enum nsipc_cleanup cleanup;
  struct nsipc_ledger_object *preexisting; /* in a shared namespace, before the container */
  size_t n_preexisting;
  struct nsipc_ledger_object *provisioned;
  size_t n_provisioned;
  struct nsipc_ledger_object *sealed; /* a sealed policy's System V keys; NULL: no seal */
  size_t n_sealed;
};

/* Object lists in and out of JSON (also used by named namespace records). */
json_t *ledger_objects_to_json (const struct nsipc_ledger_object *list, size_t n);
int ledger_objects_from_json (json_t *array, struct nsipc_ledger_object **list, size_t *n);
void ledger_objects_free (struct nsipc_ledger_object *list, size_t n);

/* Adds the System V keys of LIST to SEAL's objects, and sets its seal. */
void ledger_objects_seal (const struct nsipc_ledger_object *list, size_t n, struct nsipc_policy *seal);

/* The System V keys of sealed policy P as a list (for the ledger). */
size_t ledger_seal_list (const struct nsipc_policy *p, struct nsipc_ledger_object **list);

/* A ledger as JSON and back; names read back are validated again, as
   they become paths.  Pure, for unit tests and fuzzing. */
json_t *ledger_to_json (const struct nsipc_ledger *ledger);
int ledger_from_json (json_t *j, const char *id, struct nsipc_ledger *ledger, nsipc_error *err);

int ledger_read (int dirfd, const char *id, struct nsipc_ledger *ledger, nsipc_error *err);
/* FN for each ledger of the records directory DIRFD that can be read,
   until it returns nonzero (one that cannot be read protects nothing
   these callers ask about; gc's census judges those itself); -1 when the
   directory cannot be listed. */
int ledger_each (int dirfd, int (*fn) (void *ctx, int dirfd, const struct nsipc_ledger *ledger), void *ctx,
                 nsipc_error *err);

/* STATE_DIR/containers, each call under its lock (released on return: a
   long poststop must not hold up other containers' starts).  ledger_take
   fails with err->status ENOENT when there is no ledger; with HELD, it
   keeps the lock, returning the directory there for the caller to close. */
int ledger_store (const char *state_dir, const struct nsipc_ledger *ledger, nsipc_error *err);
/* ledger_store of a container's first record: an earlier one of its id is
   refused while its container runs (ids must be unique), and kept under
   another name while it protects objects in a namespace that remains.
   1, writing nothing, when the record is already this process's,
   complete, of the same policy digest. */
int ledger_begin (const char *state_dir, const struct nsipc_ledger *ledger, nsipc_error *err);
int ledger_take (const char *state_dir, const char *id, struct nsipc_ledger *ledger, int *held, nsipc_error *err);
int ledger_drop (const char *state_dir, const char *id, nsipc_error *err);
/* Drops, under the lock, the records of stopped containers that LEDGER's
   (complete, in a namespace others share) makes redundant: the same
   policy in the same namespace, every object they list listed in it too.
   A pod whose container restarts keeps one record, not one per start. */
int ledger_drop_covered (const char *state_dir, const struct nsipc_ledger *ledger, nsipc_error *err);
/* Drops LEDGER's record only while it is still LEDGER's container's (its
   process and start time): read without the lock, it may have been
   replaced meanwhile by a new container that took its id. */
int ledger_drop_same (const char *state_dir, const struct nsipc_ledger *ledger, nsipc_error *err);
int ledger_write (int dirfd, const struct nsipc_ledger *ledger, nsipc_error *err);
void ledger_free (struct nsipc_ledger *ledger);

/* Whether LEDGER's container still runs: its pid, with its start time. */
bool ledger_container_alive (const struct nsipc_ledger *ledger);

/* Joins the IPC namespace of the running container the ledger records
   (its init pid is checked against its recorded start time): through its
   pin when named, the joined path when shared, else through that pid; the
   inode is checked always, so a recycled pid or path is never joined. */
int ledger_enter (const struct nsipc_ledger *ledger, int ns_dirfd, nsipc_error *err);
