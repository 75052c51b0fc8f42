/* Capability checks, so a missing privilege is one clear line up front
   instead of an EPERM halfway through. */
#include "privileges.h"

#include <errno.h>
#include <linux/capability.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "format.h"
#include "procfs.h"

/* One bit of the effective set, read with capget(2) itself: libcap is for
   dropping capabilities (sandbox.c), and loading it cost every hook,
   audit and gc process its start-up. */
static int
effective (struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3])
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  return (int)syscall (SYS_capget, &header, data);
}

static bool
has (const struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3], int cap)
{
  return data[CAP_TO_INDEX (cap)].effective & CAP_TO_MASK (cap);
}

int
privileges_require_admin (nsipc_error *err)
{
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { 0 };
  if (effective (data) < 0)
    return nsipc_error_set (err, errno, "read the process capabilities");
  if (!has (data, CAP_SYS_ADMIN))
    return nsipc_error_set (err, 0, "needs CAP_SYS_ADMIN to create namespaces (run it as root)");
  return 0;
}

bool
privileges_read_processes (char *why, size_t len)
{
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { 0 };
  const char *missing = NULL;
  if (effective (data) < 0)
    missing = "its capabilities could not be read";
  else if (!has (data, CAP_SYS_PTRACE))
    missing = "it lacks CAP_SYS_PTRACE";
  else if (!has (data, CAP_DAC_READ_SEARCH) && !has (data, CAP_DAC_OVERRIDE))
    missing = "it lacks CAP_DAC_READ_SEARCH";
  if (missing)
    format (why, len, "nsipc cannot read other users' processes (%s)", missing);
  return missing == NULL;
}

/* By the initial user namespace's inode: a child one may map every id to
   itself (uid_map "0 0 4294967295") and still gives no power over the
   host's namespaces; and one stat costs a hook less than reading uid_map. */
bool
privileges_rootless (void)
{
  struct stat st;
  return stat ("/proc/self/ns/user", &st) < 0 || st.st_ino != PROC_USER_INIT_INODE;
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
