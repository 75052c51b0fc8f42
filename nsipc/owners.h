/* pid -> container and runtime: runc's and crun's state (--runtime-root),
   nsipc's ledgers, and the cgroup scopes of docker, podman, CRI-O and
   containerd. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ledger.h"

struct nsipc_known
{
  char *id;
  const char *runtime; /* nsipc runc crun docker podman containerd crio unknown */
  pid_t pid;           /* the container's init, or -1 */
};

struct nsipc_owners
{
  struct nsipc_known *known;
  size_t n;
  const struct nsipc_ledger *ledgers; /* borrowed */
  size_t n_ledgers;
};

/* The containers runtimes keep state for under RUNTIME_ROOT (NULL:
   /run/runc and /run/crun) and those LEDGERS name. */
void owners_load (const char *runtime_root, const struct nsipc_ledger *ledgers, size_t n_ledgers,
                  struct nsipc_owners *o);

/* The container of PID (ID empty when none) and its runtime. */
void owners_of (const struct nsipc_owners *o, pid_t pid, char *id, size_t len, const char **runtime);

void owners_free (struct nsipc_owners *o);

/* The container in a cgroup path ("…/docker-ID.scope" …), and its runtime;
   false when the path names none.  Pure, for unit tests. */
bool owners_cgroup_container (const char *path, char *id, size_t len, const char **runtime);
