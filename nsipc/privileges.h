/* What the caller may do, asked of the kernel before anything is changed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* 0 when the effective set holds CAP_SYS_ADMIN, else -1 and a message. */
int privileges_require_admin (nsipc_error *err);

/* Whether nsipc runs in a user namespace other than the host's (rootless:
   unshare -r), where its root is some user's uid, or holds capabilities
   over that namespace only, even when its uid_map is the identity. */
bool privileges_rootless (void);

/* privileges_require_admin, and not rootless: what VERB does (pins in the
   host's mount namespace, other users' namespaces) needs the host's root. */
int privileges_require_host_root (const char *verb, nsipc_error *err);

/* Whether the effective set lets nsipc read every process's /proc files:
   CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (or CAP_DAC_OVERRIDE).  Without
   them another user's namespace link, open files and current call read as
   absent or empty, and its process as no user of any object; false, with
   WHY (LEN bytes) naming what is missing. */
bool privileges_read_processes (char *why, size_t len);
