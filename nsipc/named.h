/* Named namespaces' records, STATE_DIR/ns/NAME.json: the objects that every
   policy applied to the namespace provisioned (ns create, ns apply and each
   container's createRuntime), which gc and poststop never remove. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "ledger.h"

/* The namespace NAME a record file FILE ("NAME.json") names: its "name"
   field, valid as a file name and FILE's own stem, or NULL.  A record is
   read back from disk: a planted one must not lead anywhere else. */
const char *named_record_name (json_t *record, const char *file);

/* A record is written before anything else ("state": "creating") and
   marked complete last, so that a kill at any point leaves something to
   see and clean up.  "applying" while ns apply changes the namespace. */
bool named_record_complete (json_t *record);
void named_record_set_state (json_t *record, const char *state);

/* Removes what an interrupted ns create of NAME left in NS_DIRFD (locked by
   the caller): the pin (even an empty file where the bind mount never
   happened), the record and its temporary file.  Refuses while processes
   are in the namespace. */
int named_discard (int ns_dirfd, const char *name, nsipc_error *err);

/* Whether NS_DIRFD/NAME is a plain file: the empty pin of a create killed
   before its bind mount (a mounted pin is an nsfs file). */
bool named_pin_leftover (int ns_dirfd, const char *name);

/* Adds to RECORD's "provisioned" list the objects of LIST it lacks. */
int named_merge_provisioned (json_t *record, const struct nsipc_ledger_object *list, size_t n, nsipc_error *err);

/* The same on the record of NAME in NS_DIRFD (STATE_DIR/ns), under its lock. */
int named_add_provisioned (int ns_dirfd, const char *name, const struct nsipc_ledger_object *list, size_t n,
                           nsipc_error *err);
