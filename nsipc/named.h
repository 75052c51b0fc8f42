/* Named namespaces' records, STATE_DIR/ns/NAME.json: the objects that every
   policy applied to the namespace provisioned (ns create, ns apply and each
   container's createRuntime), which gc and poststop never remove. */
#pragma once

#include <jansson.h>
#include <stddef.h>

#include "error.h"
#include "ledger.h"

/* Adds to RECORD's "provisioned" list the objects of LIST it lacks. */
int named_merge_provisioned (json_t *record, const struct nsipc_ledger_object *list, size_t n, nsipc_error *err);

/* The same on the record of NAME in NS_DIRFD (STATE_DIR/ns), under its lock. */
int named_add_provisioned (int ns_dirfd, const char *name, const struct nsipc_ledger_object *list, size_t n,
                           nsipc_error *err);
