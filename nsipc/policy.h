/* A policy (DESIGN.md §4): parsed from JSON and validated as a whole, so
   that every problem is known before anything touches the kernel. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "limits.h"

enum nsipc_object_type
{
  OBJECT_MSG,
  OBJECT_SEM,
  OBJECT_SHM,
  OBJECT_MQUEUE,
  OBJECT_TYPE_COUNT
};

/* How orphans are judged where a namespace outlives a container (DESIGN.md
   §6), from the least to the most careful; the default is SAFE. */
enum nsipc_cleanup
{
  CLEANUP_SAFE,   /* every rule */
  CLEANUP_BY_PID, /* without the creator-uid rule */
  CLEANUP_NONE,   /* nothing is ever removed */
};

/* "safe", "by-pid", "none". */
const char *policy_cleanup_name (enum nsipc_cleanup c);

/* The mode NAME names ("owned", the first version's word, is "safe");
   false for any other word. */
bool policy_cleanup_parse (const char *name, enum nsipc_cleanup *c);

/* Of two policies on one namespace, the more careful mode wins. */
enum nsipc_cleanup policy_cleanup_stricter (enum nsipc_cleanup a, enum nsipc_cleanup b);

#define OWNER_UNSET (-1)

struct nsipc_object
{
  enum nsipc_object_type type;
  char *name;   /* label of a SysV object (may be NULL), path of a POSIX queue */
  uint32_t key; /* SysV only */
  unsigned mode;
  int64_t uid, gid;       /* OWNER_UNSET: the creator's */
  uint64_t size;          /* shm */
  uint64_t max_bytes;     /* msg; 0: the namespace's msgmnb */
  unsigned nsems;         /* sem */
  unsigned short *values; /* sem, nsems of them; NULL: all 0 */
  long max_messages;      /* mqueue; 0: the namespace's msg_default */
  long message_size;      /* mqueue; 0: the namespace's msgsize_default */
};

struct nsipc_policy
{
  struct nsipc_limit_set limits;
  uint64_t dev_shm_size; /* 0: /dev/shm is left as it is */
  struct nsipc_object *objects;
  size_t n_objects;
  enum nsipc_cleanup cleanup;
  bool seal;                    /* the workload reaches System V objects only by the policy's keys */
  char digest[DIGEST_TEXT_LEN]; /* of the policy's text */
  char *source;                 /* the file it was loaded from, as given */
};

/* Every problem found, each one line: "PATH: reason", or
   "line L, column C: reason" for JSON syntax. */
struct nsipc_problems
{
  char **lines;
  size_t n;
  size_t more; /* found beyond the first PROBLEMS_MAX, counted only */
};

/* A policy of 20 000 broken objects deserves a screenful, not 20 000 lines. */
#define PROBLEMS_MAX 100

/* Parse and validate the policy in the file PATH.  Returns 0, or -1 with
   PROBLEMS filled (also for a file that cannot be read) and POLICY empty. */
int policy_load_file (const char *path, struct nsipc_policy *policy, struct nsipc_problems *problems);

/* The same from a string: for tests and for policies carried in JSON. */
int policy_load_string (const char *text, struct nsipc_policy *policy, struct nsipc_problems *problems);

void policy_free (struct nsipc_policy *policy);

/* The digest of the file PATH as it is now ("sha256:…"), to tell whether a
   policy changed since it was applied. */
int policy_file_digest (const char *path, char out[DIGEST_TEXT_LEN], nsipc_error *err);

/* Adds "PATH: reason" to PROBLEMS. */
void problems_add (struct nsipc_problems *problems, const char *path, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
void problems_free (struct nsipc_problems *problems);

const char *policy_type_name (enum nsipc_object_type type);

/* "shm \"frames\" (key 0x00001002)", for messages about one object. */
void policy_object_describe (const struct nsipc_object *obj, char *buf, size_t len);

/* Where the policy argument ARG is: a path when it has a "/" or ends in
   ".json", else POLICY_DIR/ARG.json for a name of [A-Za-z0-9_.-].  Returns 0
   with a malloc'd *PATH, or -1 when ARG is neither. */
int policy_locate (const char *policy_dir, const char *arg, char **path, nsipc_error *err);

/* POLICY_DIR/NAME.json, and nothing else: for names that others write (a
   pod's annotation), which must never reach a file outside POLICY_DIR,
   whatever they end in. */
int policy_locate_name (const char *policy_dir, const char *name, char **path, nsipc_error *err);
