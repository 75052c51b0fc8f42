/* Libraries loaded when first needed, not when nsipc starts.  nsipc run
   and exec must start as fast as unshare(1), and libmount (which brought
   libblkid, libselinux and libpcre2; nsipc now reads mountinfo itself),
   libsmartcols and libseccomp cost 0.36 ms of a 2 ms run that uses none
   of them (tests/bench/run_overhead.sh).
   libcap only drops the capabilities of what run and exec become: the
   hooks, audit and gc, which never use it, start without it.
   Each is a table of the functions nsipc calls, typed from the library's
   own header, filled with dlsym from its soname.  nsipc-hook, linked
   statically, links dl_none.c instead: it loads none. */
#pragma once

#include <libsmartcols/libsmartcols.h>
#include <seccomp.h>
#include <sys/capability.h>

#include "error.h"

#define DL_FIELD(sym) __typeof__ (sym) *sym;

#define DL_SMARTCOLS(X)                                                                                                \
  X (scols_new_table)                                                                                                  \
  X (scols_table_enable_raw)                                                                                           \
  X (scols_table_enable_noheadings)                                                                                    \
  X (scols_table_set_stream)                                                                                           \
  X (scols_table_new_column)                                                                                           \
  X (scols_table_new_line)                                                                                             \
  X (scols_line_set_data)                                                                                              \
  X (scols_print_table)                                                                                                \
  X (scols_unref_table)

#define DL_SECCOMP(X)                                                                                                  \
  X (seccomp_init)                                                                                                     \
  X (seccomp_attr_set)                                                                                                 \
  X (seccomp_rule_add)                                                                                                 \
  X (seccomp_syscall_resolve_num_arch)                                                                                 \
  X (seccomp_syscall_resolve_name)                                                                                     \
  X (seccomp_export_bpf)                                                                                               \
  X (seccomp_release)                                                                                                  \
  X (seccomp_version)                                                                                                  \
  X (seccomp_arch_native)

#define DL_CAP(X)                                                                                                      \
  X (cap_init)                                                                                                         \
  X (cap_get_proc)                                                                                                     \
  X (cap_set_flag)                                                                                                     \
  X (cap_set_proc)                                                                                                     \
  X (cap_free)                                                                                                         \
  X (cap_drop_bound)

struct dl_smartcols
{
  DL_SMARTCOLS (DL_FIELD)
};
struct dl_seccomp
{
  DL_SECCOMP (DL_FIELD)
};
struct dl_cap
{
  DL_CAP (DL_FIELD)
};

/* The library's table, loaded on the first call; NULL with the reason
   (the library or one of its functions is missing). */
const struct dl_smartcols *dl_smartcols (nsipc_error *err);
const struct dl_seccomp *dl_seccomp (nsipc_error *err);
const struct dl_cap *dl_cap (nsipc_error *err);
