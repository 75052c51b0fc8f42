/* The seal (DESIGN.md §4, "seal": true): the workload reaches System V
   objects only by the policy's keys and can remove or re-own none of them.
   One rule set, given two ways: a libseccomp filter nsipc loads before it
   becomes the command, and linux.seccomp rules in an OCI config, which
   runc and crun load for a container. */
#pragma once

#include <jansson.h>

#include "error.h"
#include "policy.h"

/* The seal of P as a libseccomp filter, built but not loaded (the caller
   seccomp_release()s it): an allowlist whose default is EPERM, every
   syscall the architecture knows allowed but the System V get and ctl
   calls (and the old ipc multiplexer), msgget/semget/shmget allowed for P's
   keys of their type only, and the ctl calls for every command but
   IPC_RMID, IPC_SET, SHM_LOCK and SHM_UNLOCK.  POSIX queues cannot be
   sealed: mq_open's name is a pointer. */
void *seal_filter (const struct nsipc_policy *p, nsipc_error *err);

/* P's filter, compiled: read from STATE_DIR/seal when compiled before
   (else compiled and kept there; STATE_DIR NULL: no cache).  Prepared
   while STATE_DIR can be written, before the workload's view of it is
   made read-only (sandbox.c), and installed last, right before the exec,
   with no_new_privs set; seal_install frees it either way. */
struct nsipc_seal_program
{
  char *text;          /* the cache file's text, which holds... */
  const void *program; /* ...the BPF program */
  size_t len;
};
int seal_prepare (const char *state_dir, const struct nsipc_policy *p, struct nsipc_seal_program *out,
                  nsipc_error *err);
int seal_install (struct nsipc_seal_program *prog, nsipc_error *err);

/* The same rules in CONFIG's linux.seccomp.  A config without a profile
   gets the whole allowlist; an allowlist profile (podman's, docker's
   default) loses its unconditional allow of the System V calls to the
   seal's rules, and keeps everything else.  A profile that allows by
   default, or allows one of the calls under conditions of its own, cannot
   be amended exactly: -1, saying why. */
int seal_oci (json_t *config, const struct nsipc_policy *p, nsipc_error *err);

/* Whether CONFIG's linux.seccomp carries P's seal exactly (sealing it again
   changes nothing): -1 saying what to do when not. */
int seal_check_oci (json_t *config, const struct nsipc_policy *p, nsipc_error *err);
