/* Creating a policy's objects in the caller's IPC namespace with their
   exact keys, modes, owners, sizes and initial values. */
#pragma once

#include "error.h"
#include "policy.h"

/* Creates every object of POLICY.  On failure the objects it made are
   removed again, and ERR names the one that failed. */
int objects_provision (const struct nsipc_policy *policy, nsipc_error *err);
