/* The OCI side (runtime-spec config.md, runtime.md; oci-hooks(5)): the
   container state a hook gets on stdin, the bundle's config.json, and
   amending a config with a policy. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "policy.h"

#define OCI_POLICY_ANNOTATION "io.nsipc.policy"
#define OCI_STATE_MAX (1 << 20)
/* As large as a config.json is read (the bundle's, or podman's through
   precreate): a runtime has read it whole already. */
#define OCI_CONFIG_MAX (64 << 20)

struct nsipc_oci_state
{
  char *id;
  char *status;
  pid_t pid; /* 0: none given */
  char *bundle;
  char *policy; /* the annotation's value, or NULL */
};

/* Parses and checks a state: an object with a valid "id", and types right. */
int oci_state_parse (const char *text, size_t len, struct nsipc_oci_state *st, nsipc_error *err);
void oci_state_free (struct nsipc_oci_state *st);

enum nsipc_oci_stage
{
  OCI_STAGE_CREATE_RUNTIME,
  OCI_STAGE_POSTSTOP,
};

/* The hook stage: ARG when given ("createRuntime", "poststop"), else from
   the state's status (runc sends "creating", crun "created", with a pid;
   "stopped" is poststop).  Pure, for unit tests. */
int oci_stage (const char *arg, const struct nsipc_oci_state *st, enum nsipc_oci_stage *stage, nsipc_error *err);

/* An annotation names a policy, never a path or JSON: whoever creates the
   container writes it. */
int oci_check_policy_name (const char *value, nsipc_error *err);

enum nsipc_oci_ipc
{
  OCI_IPC_HOST, /* no ipc entry: the runtime's namespace */
  OCI_IPC_NEW,  /* an entry without path: its own */
  OCI_IPC_PATH, /* an entry with a path: joins one */
};

/* Whether the members of CONFIG that nsipc reads or writes are spelled as
   the OCI runtime spec names them: runc (Go) also takes a key in another
   case ("Path"), which nsipc would miss; -1, saying where, when one is. */
int oci_config_spelled (json_t *config, nsipc_error *err);

/* CONFIG's linux.namespaces entry of type ipc, or NULL. */
json_t *oci_ipc_entry (json_t *config);

/* What the config.json in BUNDLE asks for the IPC namespace; *PATH is the
   joined path (malloc'd) for OCI_IPC_PATH, *ROOTFS the root's absolute
   path (malloc'd; NULL without root.path).  With P, a sysctl of the config that contradicts P is
   an error (oci_sysctl_conflicts), and so is a sealed P without its seal. */
int oci_bundle_ipc (const char *bundle, const struct nsipc_policy *p, enum nsipc_oci_ipc *ipc, char **path,
                    char **rootfs, nsipc_error *err);

struct nsipc_oci_amend
{
  const char *policy_name; /* for the annotation */
  const char *ns_path;     /* join this IPC namespace instead; NULL: keep */
  const char *hook_path;   /* add createRuntime and poststop hooks running this; NULL: none */
  char *const *hook_args;  /* their argv, ending in NULL */
};

/* Whether CONFIG's linux.sysctl sets an IPC sysctl the policy P sets too,
   to another value (podman --sysctl): -1 with one line naming both. */
int oci_sysctl_conflicts (json_t *config, const struct nsipc_policy *p, nsipc_error *err);

/* Whether the workload of CONFIG is kept from writing its IPC namespace's
   sysctls, where P is sealed or sets limits (and the container has a
   namespace of its own or joins one): /proc/sys read-only or masked, and
   no CAP_SYS_ADMIN to remount it.  Anyone root in the namespace may
   write them, and kernel.shm_rmid_forced = 1 removes every segment whose
   creator is gone: -1 saying which, when not. */
int oci_sysctls_locked (json_t *config, const struct nsipc_policy *p, nsipc_error *err);

/* Writes POLICY into CONFIG: limits as linux.sysctl (refused unless the
   container gets its own IPC namespace, and when the config already sets
   one of them to another value), dev_shm as the size of the
   /dev/shm mount, the annotation and the hooks, as A says. */
int oci_config_amend (json_t *config, const struct nsipc_policy *policy, const struct nsipc_oci_amend *a,
                      nsipc_error *err);
