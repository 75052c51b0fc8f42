/* A policy into the caller's IPC namespace: its limits, then its objects;
   into a fresh namespace, or idempotently into one that already has some. */
#pragma once

#include <stdbool.h>

#include "error.h"
#include "ledger.h"
#include "policy.h"

/* Whether P's segments, made by this process in a fresh namespace with
   P's limits, outlive it: not with shm_rmid_forced, which removes a
   segment nobody attached when its creator exits (-1, naming it). */
int provision_outlives_us (const struct nsipc_policy *p, nsipc_error *err);

/* Into a namespace created just now.  PINNED: it will outlive this process,
   which shm_rmid_forced makes impossible for our segments. */
int provision_fresh (const struct nsipc_policy *policy, bool pinned, nsipc_error *err);

/* Into a namespace that may hold objects already: each that exists with
   compatible attributes is kept, data untouched.  When any conflicts, every
   conflict goes to CONFLICTS, nothing is changed, and -1 is returned with
   ERR saying how many.  OWN: the namespace's own policy (ns apply), which
   writes its limits and brings existing objects to its modes; a container
   joining the namespace does neither (a mode that differs is a conflict:
   others in the namespace may use the object). */
int provision_apply (const struct nsipc_policy *policy, bool own, struct nsipc_problems *conflicts, nsipc_error *err);

/* Every object now in the caller's namespace, as ledger entries. */
int provision_snapshot (struct nsipc_ledger_object **list, size_t *n, bool mqueue, nsipc_error *err);

/* The objects of P as they are now in the caller's namespace, as ledger
   entries: System V ones from a snapshot, each with the policy's label;
   POSIX queues opened by name (listing them would take an mqueue mount,
   and its unmount an RCU grace period: 0.09 ms of createRuntime under
   runc). */
int provision_policy_objects (const struct nsipc_policy *p, struct nsipc_ledger_object **list, size_t *n,
                              nsipc_error *err);
