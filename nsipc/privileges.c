/* Capability checks, so a missing privilege is one clear line up front
   instead of an EPERM halfway through. */
#include "privileges.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/capability.h>

#include "procfs.h"

int
privileges_require_admin (nsipc_error *err)
{
  cap_t caps = cap_get_proc ();
  if (caps == NULL)
    return nsipc_error_set (err, errno, "read the process capabilities");
  cap_flag_value_t value = CAP_CLEAR;
  int r = cap_get_flag (caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &value);
  cap_free (caps);
  if (r < 0)
    return nsipc_error_set (err, errno, "read CAP_SYS_ADMIN");
  if (value != CAP_SET)
    return nsipc_error_set (err, 0, "needs CAP_SYS_ADMIN to create namespaces (run it as root)");
  return 0;
}

bool
privileges_rootless (void)
{
  return procfs_identity_map (0) != 1;
}

int
privileges_require_host_root (const char *verb, nsipc_error *err)
{
  if (privileges_require_admin (err) < 0)
    return -1;
  if (privileges_rootless ())
    return nsipc_error_set (err, 0, "rootless (in a user namespace), nsipc can only run: %s needs the host's root",
                            verb);
  return 0;
}
