/* nsipc hook [createRuntime|poststop|precreate]: the OCI runtime hook.
   createRuntime provisions the container's IPC namespace and writes its
   ledger; poststop reads the ledger (no pid arrives then) and removes the
   orphans the container left in a namespace that outlives it. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "inventory.h"
#include "ledger.h"
#include "namespace.h"
#include "objects.h"
#include "oci.h"
#include "privileges.h"
#include "procfs.h"
#include "provision.h"
#include "reaper.h"
#include "state.h"
#include "util.h"

enum stage
{
  STAGE_CREATE,
  STAGE_POSTSTOP,
};

static const char *const stage_verbs[] = { "hook createRuntime", "hook poststop" };

/* The policy the container asks for: its annotation (a name only), else
   default.json.  1: no policy at all, the hook has nothing to do. */
static int
select_policy (const struct nsipc_globals *g, const char *verb, const struct nsipc_oci_state *st,
               struct nsipc_policy *p, char **label)
{
  nsipc_error err;
  if (st->policy && oci_check_policy_name (st->policy, &err) < 0)
    {
      cli_error (verb, "container %s: %s", st->id, err.msg);
      return EXIT_USAGE;
    }
  int r = cli_load_policy (g, verb, st->policy, p);
  if (r != 0)
    return r;
  if (st->policy == NULL && p->digest[0] == '\0')
    return 1;
  *label = strdup (st->policy ? st->policy : "default");
  return 0;
}

/* Policy owners are the container's ids: outside a user namespace they
   are other ids, which the kernel stores. */
static int
map_owners (struct nsipc_policy *p, pid_t pid, nsipc_error *err)
{
  for (size_t i = 0; i < p->n_objects; i++)
    {
      struct nsipc_object *o = &p->objects[i];
      /* Unset is the container's root, not ours (its nobody). */
      uint32_t uid, gid;
      if (procfs_map_id (pid, "uid_map", o->uid == OWNER_UNSET ? 0 : o->uid, &uid, err) < 0
          || procfs_map_id (pid, "gid_map", o->gid == OWNER_UNSET ? 0 : o->gid, &gid, err) < 0)
        return nsipc_error_prefix (err, "objects[%zu]", i);
      o->uid = uid;
      o->gid = gid;
    }
  return 0;
}

/* In a joined namespace the limits are the namespace's: a policy may only
   ask for what is there already. */
static int
check_limits_agree (const struct nsipc_policy *p, const char *label, const char *other, nsipc_error *err)
{
  for (int id = 0; id < LIMIT_COUNT; id++)
    {
      uint64_t have;
      if (!p->limits.set[id])
        continue;
      if (limits_read (id, &have, err) < 0)
        return -1;
      if (have == p->limits.value[id])
        continue;
      char path[64];
      limits_path (id, path, sizeof path);
      return nsipc_error_set (err, 0, "policy %s asks %s = %" PRIu64 ", but the shared namespace (%s) has %" PRIu64,
                              label, path, p->limits.value[id], other, have);
    }
  return 0;
}

static int
refuse_host (const struct nsipc_policy *p, nsipc_error *err)
{
  for (int id = 0; id < LIMIT_COUNT; id++)
    if (p->limits.set[id])
      return nsipc_error_set (err, 0, "sysctl %s needs a private IPC namespace (the container shares the host's)",
                              nsipc_limits[id].sysctl);
  if (p->n_objects > 0)
    return nsipc_error_set (err, 0,
                            "objects are never provisioned into the host's IPC namespace; give the "
                            "container its own (linux.namespaces: ipc)");
  return 0;
}

/* Provisions in the container's namespace (the caller is in it). */
static int
provision_container (struct nsipc_ledger *l, struct nsipc_policy *p, const char *other, bool userns, nsipc_error *err)
{
  if (l->kind == NS_KIND_HOST)
    return refuse_host (p, err);
  if (userns && map_owners (p, l->pid, err) < 0)
    return -1;
  if (l->kind == NS_KIND_PRIVATE && !userns)
    return provision_fresh (p, false, err);
  if (l->kind == NS_KIND_PRIVATE)
    {
      uint32_t uid, gid;
      if (procfs_map_id (l->pid, "uid_map", 0, &uid, err) < 0 || procfs_map_id (l->pid, "gid_map", 0, &gid, err) < 0
          || limits_apply_as (&p->limits, uid, gid, err) < 0)
        return -1;
      return objects_provision_as (p, uid, gid, err);
    }

  struct nsipc_problems conflicts = { 0 };
  int r = -1;
  if (check_limits_agree (p, l->policy, other, err) == 0
      && provision_snapshot (&l->preexisting, &l->n_preexisting, err) == 0
      && provision_apply (p, false, &conflicts, err) == 0
      && provision_snapshot (&l->provisioned, &l->n_provisioned, err) == 0)
    {
      provision_keep_policy_objects (p, l->provisioned, &l->n_provisioned);
      r = 0;
    }
  if (conflicts.n > 0)
    nsipc_error_set (err, 0, "%s", conflicts.lines[0]);
  problems_free (&conflicts);
  return r;
}

static bool
identity_map (pid_t pid)
{
  char path[64], buf[128] = "";
  snprintf (path, sizeof path, "/proc/%d/uid_map", (int)pid);
  FILE *f = fopen (path, "re");
  if (f == NULL)
    return true;
  size_t n = fread (buf, 1, sizeof buf - 1, f);
  fclose (f);
  buf[n] = '\0';
  unsigned long a, b, c;
  return sscanf (buf, "%lu %lu %lu", &a, &b, &c) == 3 && a == 0 && b == 0 && c == 4294967295ul;
}

/* What the container's IPC namespace is: the host's (ours), a named one,
   its own, or one it joined. */
static int
classify (const struct nsipc_globals *g, struct nsipc_ledger *l, const char *bundle, uint64_t home, nsipc_error *err)
{
  enum nsipc_oci_ipc ipc = OCI_IPC_NEW;
  char *path = NULL;
  if (bundle && oci_bundle_ipc (bundle, &ipc, &path, err) < 0)
    return -1;
  l->ns_name = cli_named_by_inode (g, l->ns_inode);
  if (l->ns_inode == home)
    l->kind = NS_KIND_HOST;
  else if (l->ns_name)
    l->kind = NS_KIND_NAMED;
  else if (ipc == OCI_IPC_NEW)
    l->kind = NS_KIND_PRIVATE;
  else
    l->kind = NS_KIND_SHARED;
  if (l->kind == NS_KIND_SHARED)
    l->ns_path = steal_pointer (&path);
  free (path);
  return 0;
}

/* "namespace pod1, policy pod" or "IPC namespace /path", for messages. */
static void
describe_shared (const struct nsipc_globals *g, const struct nsipc_ledger *l, char *buf, size_t len)
{
  if (l->ns_name == NULL)
    {
      snprintf (buf, len, "IPC namespace %s", l->ns_path ? l->ns_path : "");
      return;
    }
  nsipc_error err;
  char file[STATE_NAME_MAX + 8];
  snprintf (file, sizeof file, "%s.json", l->ns_name);
  _cleanup_close_ int dirfd = state_open_dir (g->state_dir, "ns", false, &err);
  _cleanup_json_ json_t *record = dirfd < 0 ? NULL : state_read_json (dirfd, file, &err);
  const char *policy = json_string_value (json_object_get (record, "policy"));
  snprintf (buf, len, "namespace %s, policy %s", l->ns_name, policy ? policy : "none");
}

static int
write_ledger (const struct nsipc_globals *g, const struct nsipc_ledger *l, nsipc_error *err)
{
  _cleanup_close_ int dir = state_open_dir (g->state_dir, "containers", true, err);
  if (dir < 0 || state_lock (dir, err) < 0)
    return -1;
  return ledger_write (dir, l, err);
}

static int
create_runtime (const struct nsipc_globals *g, const struct nsipc_oci_state *st)
{
  const char *verb = stage_verbs[STAGE_CREATE];
  struct nsipc_policy p = { 0 };
  struct nsipc_ledger l = { 0 };
  _cleanup_free_ char *label = NULL;
  int r = select_policy (g, verb, st, &p, &label);
  if (r != 0)
    return r == 1 ? 0 : r;

  nsipc_error err = { 0 };
  r = EXIT_RUNTIME;
  _cleanup_close_ int home = -1;
  uint64_t home_inode;
  l = (struct nsipc_ledger){ .id = st->id,
                             .bundle = st->bundle,
                             .policy = label,
                             .policy_digest = p.digest,
                             .pid = st->pid,
                             .created = time (NULL),
                             .cleanup = p.cleanup };
  if (st->pid <= 0)
    nsipc_error_set (&err, 0, "the state has no pid; createRuntime needs the container's");
  else if (privileges_require_admin (&err) < 0 || namespace_unshare_mount (&err) < 0)
    ;
  else if (procfs_start_time (st->pid, &l.pid_start, &err) < 0 || (home = namespace_open_current (&err)) < 0
           || namespace_inode (home, &home_inode, &err) < 0 || namespace_enter_pid (st->pid, &err) < 0)
    ;
  else
    {
      _cleanup_close_ int ns = namespace_open_current (&err);
      char other[160];
      if (ns >= 0 && namespace_inode (ns, &l.ns_inode, &err) == 0
          && classify (g, &l, st->bundle, home_inode, &err) == 0)
        {
          describe_shared (g, &l, other, sizeof other);
          /* Recorded before provisioning, so poststop finds a partial one. */
          if (write_ledger (g, &l, &err) == 0
              && provision_container (&l, &p, other, !identity_map (st->pid), &err) == 0)
            {
              l.complete = true;
              r = write_ledger (g, &l, &err) == 0 ? 0 : EXIT_RUNTIME;
            }
        }
    }
  if (r != 0)
    cli_error (verb, "container %s: %s", st->id, err.msg);
  /* The ledger borrowed these from the state and the policy. */
  l.id = l.bundle = l.policy = l.policy_digest = NULL;
  ledger_free (&l);
  policy_free (&p);
  return r;
}

static bool logging;

static void
log_removals (const struct nsipc_ledger *l, const struct nsipc_reap *reap)
{
  if (!logging)
    return;
  for (size_t i = 0; i < reap->n_removed; i++)
    {
      const struct nsipc_ipc_object *o = &reap->removed[i].object;
      syslog (LOG_INFO, "container %s: removed %s key 0x%08" PRIx32 " id %d%s%s from IPC namespace %" PRIu64 ": %s",
              l->id, policy_type_name (o->type), o->key, o->id, o->name ? " " : "", o->name ? o->name : "", l->ns_inode,
              reap->removed[i].reason);
    }
}

/* Removes the orphans of a namespace that outlives the container: all
   but what existed before it and what its policy provisioned. */
static int
reap_shared (const struct nsipc_globals *g, const struct nsipc_ledger *l, const char *verb)
{
  nsipc_error err = { 0 };
  _cleanup_close_ int ns_dir = l->kind == NS_KIND_NAMED ? state_open_dir (g->state_dir, "ns", false, &err) : -1;
  if ((l->kind == NS_KIND_NAMED && ns_dir < 0) || ledger_enter (l, ns_dir, &err) < 0)
    {
      fprintf (stderr, "nsipc: %s: container %s: nothing to clean: %s\n", verb, l->id, err.msg);
      return 0;
    }
  if (namespace_unshare_mount (&err) < 0)
    {
      cli_error (verb, "container %s: %s", l->id, err.msg);
      return EXIT_RUNTIME;
    }
  size_t n_keep = l->n_preexisting + l->n_provisioned;
  _cleanup_free_ struct nsipc_ledger_object *keep = calloc (n_keep + 1, sizeof *keep);
  memcpy (keep, l->preexisting, l->n_preexisting * sizeof *keep);
  memcpy (keep + l->n_preexisting, l->provisioned, l->n_provisioned * sizeof *keep);
  struct nsipc_reap reap;
  if (reaper_reap (keep, n_keep, false, &reap, &err) < 0)
    {
      cli_error (verb, "container %s: %s", l->id, err.msg);
      return EXIT_RUNTIME;
    }
  log_removals (l, &reap);
  char summary[256];
  snprintf (summary, sizeof summary,
            "container %s: removed %zu orphan%s, kept %zu in use, in IPC namespace %" PRIu64 "%s%s", l->id,
            reap.n_removed, reap.n_removed == 1 ? "" : "s", reap.kept_in_use, l->ns_inode, l->ns_name ? " " : "",
            l->ns_name ? l->ns_name : "");
  fprintf (stderr, "nsipc: %s: %s\n", verb, summary);
  if (logging)
    syslog (LOG_INFO, "%s", summary);
  for (size_t i = 0; i < reap.errors.n; i++)
    cli_error (verb, "container %s: %s", l->id, reap.errors.lines[i]);
  int r = reap.errors.n ? EXIT_RUNTIME : 0;
  reaper_free (&reap);
  return r;
}

static int
poststop (const struct nsipc_globals *g, const struct nsipc_oci_state *st)
{
  const char *verb = stage_verbs[STAGE_POSTSTOP];
  nsipc_error err = { 0 };
  if (privileges_require_admin (&err) < 0)
    {
      cli_error (verb, "%s", err.msg);
      return EXIT_RUNTIME;
    }
  _cleanup_close_ int dir = state_open_dir (g->state_dir, "containers", false, &err);
  struct nsipc_ledger l;
  if (dir < 0 || state_lock (dir, &err) < 0 || ledger_read (dir, st->id, &l, &err) < 0)
    {
      if (err.status == ENOENT)
        fprintf (stderr, "nsipc: %s: container %s: no ledger, nothing to clean\n", verb, st->id);
      else
        cli_error (verb, "container %s: %s; the record is dropped", st->id, err.msg);
      char file[LEDGER_ID_MAX + 8];
      snprintf (file, sizeof file, "%s.json", st->id);
      if (dir >= 0)
        state_remove (dir, file, &err);
      return 0;
    }
  int r = 0;
  if ((l.kind == NS_KIND_NAMED || l.kind == NS_KIND_SHARED) && l.cleanup == CLEANUP_OWNED)
    r = reap_shared (g, &l, verb);
  char file[LEDGER_ID_MAX + 8];
  snprintf (file, sizeof file, "%s.json", st->id);
  if (state_remove (dir, file, &err) < 0)
    {
      cli_error (verb, "%s", err.msg);
      r = EXIT_RUNTIME;
    }
  ledger_free (&l);
  return r;
}

/* podman's precreate: the config on stdin, amended on stdout. */
static int
precreate (const struct nsipc_globals *g, const char *text, size_t len)
{
  const char *verb = "hook precreate";
  json_error_t jerr;
  _cleanup_json_ json_t *config = json_loadb (text, len, 0, &jerr);
  if (config == NULL)
    {
      cli_error (verb, "config on stdin: line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
      return EXIT_USAGE;
    }
  struct nsipc_oci_state st = { .id = "precreate" };
  json_t *name = json_object_get (json_object_get (config, "annotations"), OCI_POLICY_ANNOTATION);
  st.policy = (char *)json_string_value (name);
  struct nsipc_policy p = { 0 };
  _cleanup_free_ char *label = NULL;
  int r = select_policy (g, verb, &st, &p, &label);
  nsipc_error err = { 0 };
  struct nsipc_oci_amend a = { .policy_name = st.policy };
  if (r == 0 && oci_config_amend (config, &p, &a, &err) < 0)
    {
      cli_error (verb, "%s", err.msg);
      r = EXIT_USAGE;
    }
  policy_free (&p);
  if (r == 1)
    r = 0;
  if (r == 0)
    {
      json_dumpf (config, stdout, JSON_COMPACT);
      putchar ('\n');
    }
  return r;
}

static int
parse_stage (const char *arg, const struct nsipc_oci_state *st, enum stage *stage)
{
  if (arg)
    {
      if (strcmp (arg, "createRuntime") != 0 && strcmp (arg, "poststop") != 0)
        {
          cli_error ("hook", "unknown stage \"%s\" (createRuntime, poststop or precreate)", arg);
          return -1;
        }
      *stage = strcmp (arg, "poststop") == 0 ? STAGE_POSTSTOP : STAGE_CREATE;
      return 0;
    }
  const char *status = st->status ? st->status : "";
  if (strcmp (status, "stopped") == 0)
    *stage = STAGE_POSTSTOP;
  else if ((strcmp (status, "creating") == 0 || strcmp (status, "created") == 0) && st->pid > 0)
    *stage = STAGE_CREATE;
  else
    {
      cli_error ("hook", "container %s: cannot tell the stage from status \"%s\"; give it as an argument", st->id,
                 status);
      return -1;
    }
  return 0;
}

int
cmd_hook (const struct nsipc_globals *g, int argc, char **argv)
{
  if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
    {
      if (argc == 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
        {
          puts ("usage: nsipc hook [createRuntime|poststop|precreate]   (OCI state, or config for precreate, "
                "on stdin)");
          return 0;
        }
      cli_error ("hook", "usage: nsipc hook [createRuntime|poststop|precreate]");
      return EXIT_USAGE;
    }
  const char *arg = argc == 2 ? argv[1] : NULL;
  size_t len;
  _cleanup_free_ char *text = read_fd_all (STDIN_FILENO, OCI_STATE_MAX, &len);
  if (text == NULL)
    {
      cli_error ("hook", "read stdin: %s", errno == EFBIG ? "more than 1MiB, not an OCI state" : strerror (errno));
      return EXIT_USAGE;
    }
  if (arg && strcmp (arg, "precreate") == 0)
    return precreate (g, text, len);

  struct nsipc_oci_state st;
  nsipc_error err = { 0 };
  if (oci_state_parse (text, len, &st, &err) < 0)
    {
      cli_error ("hook", "%s", err.msg);
      return EXIT_USAGE;
    }
  enum stage stage;
  logging = cli_log_open ();
  int r = parse_stage (arg, &st, &stage) < 0 ? EXIT_USAGE
          : stage == STAGE_CREATE            ? create_runtime (g, &st)
                                             : poststop (g, &st);
  oci_state_free (&st);
  if (logging)
    closelog ();
  return r;
}
