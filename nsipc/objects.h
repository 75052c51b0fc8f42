/* A policy's objects in the caller's IPC namespace: finding those that
   already exist, and creating the rest with their exact keys, modes, owners,
   sizes and initial values. */
#pragma once

#include <stdbool.h>

#include "error.h"
#include "policy.h"

struct nsipc_object_state
{
  bool exists; /* found by key (SysV) or name (POSIX) */
  bool update; /* exists, but its mode or msg_qbytes differ from the policy */
  int id;      /* SysV id when it exists */
};

/* Looks up every object of POLICY.  STATES has one entry per object.  An
   object that exists with another size, nsems, owner or queue geometry is
   a conflict: one line each in CONFLICTS; so is another mode or msg_qbytes
   unless RESHAPE (the namespace's own policy may change them, not a
   container that joins it).  -1 only when a lookup fails. */
int objects_plan (const struct nsipc_policy *policy, bool reshape, struct nsipc_object_state *states,
                  struct nsipc_problems *conflicts, nsipc_error *err);

/* Creates what does not exist and sets mode and msg_qbytes of what does;
   data (semaphore values, segment contents, messages) of existing objects
   is never touched.  On failure the objects it created are removed again,
   and ERR names the one that failed. */
int objects_apply (const struct nsipc_policy *policy, const struct nsipc_object_state *states, nsipc_error *err);

/* objects_apply in a namespace known to be empty. */
int objects_provision (const struct nsipc_policy *policy, nsipc_error *err);

/* The same in a namespace owned by a user namespace whose root is UID:GID
   outside: POSIX queues are files of its mqueue filesystem, which only
   takes owners mapped there. */
int objects_provision_as (const struct nsipc_policy *policy, uid_t uid, gid_t gid, nsipc_error *err);
