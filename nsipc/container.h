/* One container's IPC life as an OCI hook sees it: createRuntime and
   poststop (DESIGN.md §5, §6). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "oci.h"
#include "policy.h"
#include "reaper.h"

/* createRuntime: joins the namespace of the state's pid, checks it agrees
   with the bundle's config, provisions P there as its kind allows and
   writes the ledger (first incomplete, complete last).  LABEL names P in
   the ledger; P's owners may be mapped into the container's user namespace. */
int container_create (const char *state_dir, const struct nsipc_oci_state *st, struct nsipc_policy *p,
                      const char *label, nsipc_error *err);

/* createRuntime of a container with no policy at all (no annotation, no
   default.json): -1, saying why, when it joins a namespace a sealed
   policy holds (a sealed pod's), whose objects its unsealed workload
   could remove; else nothing to do. */
int container_check_policyless (const char *state_dir, const struct nsipc_oci_state *st, nsipc_error *err);

/* What poststop did, for the caller to print and log. */
struct nsipc_poststop
{
  char note[1024]; /* one line: what was done, or why nothing was */
  bool routine;    /* the usual end (a private namespace went): NOTE is for the event log only */
  bool reaped;     /* REAP holds what was removed */
  struct nsipc_reap reap;
  uint64_t ns_inode;
  bool keep_record; /* the ledger stays: its namespace lives on without a record */
};

/* poststop of container ID (of BUNDLE, when the state names it): from its
   ledger (no pid arrives), removes the orphans it left in a namespace that
   outlives it; never anything when the ledger is incomplete, or when nsipc
   cannot see every process; nothing at all when the ledger is of another
   bundle's container that runs. */
int container_poststop (const char *state_dir, const char *id, const char *bundle, int64_t min_idle,
                        struct nsipc_poststop *out, nsipc_error *err);
void container_poststop_free (struct nsipc_poststop *out);

/* Adds to SEAL the seal that holds in IPC namespace INODE: the keys of
   every sealed policy applied to it (the named namespace's record, the
   ledgers of the containers in it), so that exec and run --ns into it are
   sealed as its workload is.  SEAL's seal stays unset when none is. */
int container_namespace_seal (const char *state_dir, uint64_t inode, struct nsipc_policy *seal, nsipc_error *err);
