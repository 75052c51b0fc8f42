/* The IPC-namespaced sysctls: what a policy may set, their ranges and values
   in a fresh namespace, and writing them into the caller's IPC namespace. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

enum nsipc_limit_id
{
  LIMIT_MSGMAX,
  LIMIT_MSGMNB,
  LIMIT_MSGMNI,
  LIMIT_SEMMSL,
  LIMIT_SEMMNS,
  LIMIT_SEMOPM,
  LIMIT_SEMMNI,
  LIMIT_SHMMAX,
  LIMIT_SHMALL,
  LIMIT_SHMMNI,
  LIMIT_SHM_RMID_FORCED,
  LIMIT_MQ_QUEUES_MAX,
  LIMIT_MQ_MSG_MAX,
  LIMIT_MQ_MSGSIZE_MAX,
  LIMIT_MQ_MSG_DEFAULT,
  LIMIT_MQ_MSGSIZE_DEFAULT,
  LIMIT_COUNT
};

enum nsipc_limit_kind
{
  LIMIT_KIND_INT,
  LIMIT_KIND_SIZE,
  LIMIT_KIND_BOOL,
};

struct nsipc_limit_info
{
  const char *group;  /* NULL, "sem" or "mqueue": where it sits in "limits" */
  const char *field;  /* its name there */
  const char *sysctl; /* below /proc/sys */
  int sem_index;      /* position in kernel.sem, or -1 */
  enum nsipc_limit_kind kind;
  uint64_t min, max;
  uint64_t fresh; /* the kernel's value in a new IPC namespace */
};

extern const struct nsipc_limit_info nsipc_limits[LIMIT_COUNT];

struct nsipc_limit_set
{
  bool set[LIMIT_COUNT];
  uint64_t value[LIMIT_COUNT];
};

/* Whether LIMITS sets any limit at all. */
bool limits_any (const struct nsipc_limit_set *limits);

/* The value the policy sets, else the one a fresh namespace has. */
uint64_t limits_effective (const struct nsipc_limit_set *limits, enum nsipc_limit_id id);

/* "limits.sem.semmsl" */
void limits_path (enum nsipc_limit_id id, char *buf, size_t len);

/* Reads one limit of the caller's IPC namespace. */
int limits_read (enum nsipc_limit_id id, uint64_t *value, nsipc_error *err);

/* For reading the limits of many namespaces in turn: a proc instance of
   nsipc's own, shared by up to LIMITS_READER_USES of them.  Start with
   { 0 }, end with limits_reader_close. */
#define LIMITS_READER_USES 16
struct limits_reader
{
  int root;
  unsigned uses;
};
void limits_reader_close (struct limits_reader *r);

/* Reads every limit of the caller's IPC namespace: the System V ones in
   three IPC_INFO calls (/proc/sys lookups slow down with every namespace
   on the host), the rest through READER (else /proc/sys).  Those that
   cannot be read stay unset. */
void limits_read_all (struct nsipc_limit_set *limits, struct limits_reader *reader);

/* Writes every set limit into the caller's IPC namespace; kernel.sem fields
   not set keep their current values. */
int limits_apply (const struct nsipc_limit_set *limits, nsipc_error *err);

/* The same with the effective ids UID and GID: only the root of the user
   namespace that owns an IPC namespace may write its sysctls. */
int limits_apply_as (const struct nsipc_limit_set *limits, uid_t uid, gid_t gid, nsipc_error *err);
