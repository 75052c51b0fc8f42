/* What the workload keeps (DESIGN.md §3): after nsipc has shaped its IPC
   world, the command cannot undo it.  /proc/sys becomes read-only in the
   command's private mount namespace; CAP_SYS_ADMIN, CAP_SYS_RESOURCE and
   CAP_IPC_OWNER leave every set (all capabilities, with --user); and
   no_new_privs is set, so no setuid program gets them back. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

struct nsipc_policy;

struct nsipc_sandbox
{
  const struct nsipc_policy *seal; /* a policy with "seal": its keys only; NULL: none */
  const char *state_dir;           /* where the seal's compiled filter is kept */
  bool keep_caps;                  /* --keep-caps: capabilities stay (the sysctls stay read-only) */
  bool switch_user;
  uid_t uid; /* --user UID[:GID] */
  gid_t gid;
};

/* Parses --user UID[:GID] (numbers; GID defaults to UID). */
int sandbox_parse_user (const char *arg, struct nsipc_sandbox *sb, nsipc_error *err);

/* Call last, in the command's private mount namespace, right before exec;
   the seal's filter is loaded last of all. */
int sandbox_enter (const struct nsipc_sandbox *sb, nsipc_error *err);
