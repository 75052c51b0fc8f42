/* Named namespaces, STATE_DIR/ns: the pins, the records NAME.json beside
   them, and the operations on both (create, apply, delete, list, enter,
   find by inode).  This is the only code that knows a record's fields.  A
   record lists the objects every policy applied to the namespace
   provisioned (ns create, ns apply and each container's createRuntime):
   gc and poststop never remove them. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ledger.h"
#include "policy.h"

/* Creates NAME with policy P (LABEL: how it was named, or NULL for no
   policy).  The record is written first ("state": "creating") and marked
   ready last, so that a kill at any point leaves something ns list shows
   and create, delete and gc --pins clean up; an interrupted create's
   leftovers are cleaned up here. */
int named_create (const char *state_dir, const char *name, const struct nsipc_policy *p, const char *label,
                  nsipc_error *err);

/* Applies P to NAME idempotently ("state": "applying" meanwhile).  When
   objects conflict, CONFLICTS gets each, nothing changes, -1. */
int named_apply (const char *state_dir, const char *name, const struct nsipc_policy *p, const char *label,
                 struct nsipc_problems *conflicts, nsipc_error *err);

/* Unpins NAME and removes its record; refuses while processes are in it
   unless FORCE (the namespace then lives until they exit). */
int named_delete (const char *state_dir, const char *name, bool force, nsipc_error *err);

/* Every named namespace as ns list shows it: its record, "complete",
   "pinned", "processes" and "objects" per type.  Call in a private mount
   namespace on kernels without fsmount (inventory.h). */
json_t *named_list (const char *state_dir, nsipc_error *err);

/* Adds the seal of NAME, when its policy asked for one, to SEAL: its seal
   set, and the System V objects the record lists (type and key). */
int named_seal (const char *state_dir, const char *name, struct nsipc_policy *seal, nsipc_error *err);

/* Joins NAME's IPC namespace, unless its create or delete did not finish.
   Returns STATE_DIR/ns, still locked: the caller closes it once it has
   bound NAME's /dev/shm, so that an ns delete either finds it in the
   namespace (and refuses) or has unpinned it before (and the join fails);
   never a join of a namespace being deleted, with no /dev/shm to bind. */
int named_enter (const char *state_dir, const char *name, nsipc_error *err);

/* The named namespace whose inode is INODE: its name (malloc'd) and, when
   POLICY is not NULL, its policy label (malloc'd, or NULL); NULL if none. */
char *named_by_inode (const char *state_dir, uint64_t inode, char **policy);

/* A record as the census needs it. */
struct nsipc_named
{
  char *name;
  uint64_t inode;     /* of its pin */
  bool complete;      /* false: a create or apply did not finish, or its object list is unreadable */
  bool discardable;   /* its create, or its delete, did not finish: what is left may go */
  int policy_changed; /* its policy file differs from what was applied: 1, 0, or -1 for no file */
  enum nsipc_cleanup cleanup;
  struct nsipc_ledger_object *provisioned;
  size_t n_provisioned;
};

/* Every pinned named namespace (*N of them); records without a working pin
   are left out.  -1 when the state directory is refused, or a record whose
   pin is there cannot be read. */
int named_read_all (const char *state_dir, struct nsipc_named **all, size_t *n, nsipc_error *err);
void named_free_all (struct nsipc_named *all, size_t n);

/* Adds LIST (what a container's createRuntime provisioned) to NAME's record. */
int named_add_provisioned (const char *state_dir, const char *name, const struct nsipc_ledger_object *list, size_t n,
                           nsipc_error *err);

/* gc --pins: discards NAME when no process is in it and, with ONLY_IF_INTERRUPTED,
   only if its create or apply was interrupted (checked under the lock,
   which a create in progress holds); without, only while it is still the
   namespace INODE gc judged unused, its record whole, with no object and
   no file in its /dev/shm (an apply or a create may have come between).
   *DONE: whether it went. */
int named_drop (const char *state_dir, const char *name, uint64_t inode, bool only_if_interrupted, bool *done,
                nsipc_error *err);

/* The names of records whose create was interrupted before their pin. */
size_t named_interrupted_unpinned (const char *state_dir, char ***names);

/* Pure, for unit tests. */

/* The namespace NAME a record file FILE ("NAME.json") names: its "name"
   field, valid as a file name and FILE's own stem, or NULL.  A record is
   read back from disk: a planted one must not lead anywhere else. */
const char *named_record_name (json_t *record, const char *file);

/* Whether RECORD's "state" says it is finished (ready, or a record older
   than the state field), whether it says a create or a delete is under way
   or was interrupted ("creating", "deleting": only then may what is left
   be discarded), and setting it. */
bool named_record_complete (json_t *record);
bool named_record_discardable (json_t *record);
void named_record_set_state (json_t *record, const char *state);

/* Adds to RECORD's "provisioned" list the objects of LIST it lacks. */
int named_merge_provisioned (json_t *record, const struct nsipc_ledger_object *list, size_t n, nsipc_error *err);
