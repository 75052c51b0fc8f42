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
#include "named.h"
#include "census.h"
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
  int r = cli_load_policy_name (g, verb, st->policy, p);
  if (r != 0)
    return r;
  if (st->policy == NULL && p->digest[0] == '\0')
    return 1;
  *label = xstrdup (st->policy ? st->policy : "default");
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
provision_objects (struct nsipc_ledger *l, struct nsipc_policy *p, const char *other, bool userns, nsipc_error *err)
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
  if (check_limits_agree (p, l->policy, other, err) == 0 && provision_apply (p, false, &conflicts, err) == 0)
    r = 0;
  if (conflicts.n > 0)
    nsipc_error_set (err, 0, "%s", conflicts.lines[0]);
  problems_free (&conflicts);
  return r;
}

/* Provisions, then records what the policy owns in every kind of
   namespace: the ledger lists it (gc and poststop never remove it), and a
   named namespace's record too, which outlives this container. */
static int
provision_container (const struct nsipc_globals *g, struct nsipc_ledger *l, struct nsipc_policy *p, const char *other,
                     bool userns, nsipc_error *err)
{
  if (provision_objects (l, p, other, userns, err) < 0)
    return -1;
  if (l->kind == NS_KIND_HOST)
    return 0;
  if (provision_snapshot (&l->provisioned, &l->n_provisioned, err) < 0)
    return -1;
  provision_keep_policy_objects (p, l->provisioned, &l->n_provisioned);
  if (l->kind != NS_KIND_NAMED)
    return 0;
  return named_add_provisioned (g->state_dir, l->ns_name, l->provisioned, l->n_provisioned, err);
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

/* Whether the namespace the process is in is the one the bundle's config
   asks for: the hook provisions what the pid shows, so a state whose pid
   is some other process must not pass. */
static int
check_agrees (const struct nsipc_ledger *l, enum nsipc_oci_ipc ipc, const char *path, uint64_t home, nsipc_error *err)
{
  if (ipc == OCI_IPC_HOST && l->ns_inode != home)
    return nsipc_error_set (err, 0, "the config shares the runtime's IPC namespace, but process %d is in another",
                            (int)l->pid);
  if (ipc == OCI_IPC_NEW && (l->ns_inode == home || l->ns_name))
    return nsipc_error_set (err, 0, "the config asks for a new IPC namespace, but process %d is in an existing one",
                            (int)l->pid);
  if (ipc == OCI_IPC_NEW)
    {
      _cleanup_free_ pid_t *pids = NULL;
      size_t n, skipped;
      if (namespace_members (l->ns_inode, &pids, &n, &skipped, err) < 0)
        return -1;
      size_t others = 0; /* besides the container's process and us, visiting */
      for (size_t i = 0; i < n; i++)
        others += pids[i] != l->pid && pids[i] != getpid ();
      if (others > 0)
        return nsipc_error_set (err, 0,
                                "the config asks for a new IPC namespace, but %zu other process%s share%s that of "
                                "process %d",
                                others, others == 1 ? "" : "es", others == 1 ? "s" : "", (int)l->pid);
    }
  if (ipc == OCI_IPC_PATH)
    {
      uint64_t inode;
      _cleanup_close_ int fd = namespace_open_path (path, err);
      if (fd < 0 || namespace_inode (fd, &inode, err) < 0)
        return nsipc_error_prefix (err, "the config's IPC namespace");
      if (inode != l->ns_inode)
        return nsipc_error_set (err, 0, "the config joins %s, but process %d is in another IPC namespace", path,
                                (int)l->pid);
    }
  return 0;
}

/* What the container's IPC namespace is: the host's (ours), a named one,
   its own, or one it joined; as the bundle's config says and the process
   shows, which must agree. */
static int
classify (const struct nsipc_globals *g, struct nsipc_ledger *l, const char *bundle, uint64_t home, nsipc_error *err)
{
  enum nsipc_oci_ipc ipc;
  _cleanup_free_ char *path = NULL;
  if (oci_bundle_ipc (bundle, &ipc, &path, err) < 0)
    return -1;
  l->ns_name = named_by_inode (g->state_dir, l->ns_inode, NULL);
  if (check_agrees (l, ipc, path, home, err) < 0)
    return nsipc_error_prefix (err, "bundle %s", bundle);
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
  _cleanup_free_ char *policy = NULL;
  _cleanup_free_ char *name = named_by_inode (g->state_dir, l->ns_inode, &policy);
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
  nsipc_error err = { 0 };
  if (privileges_require_admin (&err) < 0)
    {
      cli_error (verb, "%s", err.msg);
      return EXIT_RUNTIME;
    }
  int r = select_policy (g, verb, st, &p, &label);
  if (r != 0)
    return r == 1 ? 0 : r;

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
  else if (st->bundle == NULL)
    nsipc_error_set (&err, 0, "the state has no bundle; createRuntime needs the container's config");
  else if (namespace_unshare_mount (&err) < 0)
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
          /* What existed before the container, then the ledger, both
             before any change: poststop finds a partial one. */
          bool shared = l.kind == NS_KIND_NAMED || l.kind == NS_KIND_SHARED;
          if ((!shared || provision_snapshot (&l.preexisting, &l.n_preexisting, &err) == 0)
              && write_ledger (g, &l, &err) == 0
              && provision_container (g, &l, &p, other, !identity_map (st->pid), &err) == 0)
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
      char name[512] = "";
      if (o->name)
        escape_controls (o->name, name, sizeof name); /* chosen by the workload */
      syslog (LOG_INFO, "container %s: removed %s key 0x%08" PRIx32 " id %d%s%s from IPC namespace %" PRIu64 ": %s",
              l->id, policy_type_name (o->type), o->key, o->id, o->name ? " " : "", name, l->ns_inode,
              reap->removed[i].reason);
    }
}

/* Removes the orphans of a namespace that outlives the container, judged
   by every rule (DESIGN.md §6) as gc judges them; what existed before the
   container is outside poststop's scope.  *KEEP_RECORD: the namespace lives
   on without a record of its own, so the ledger goes on protecting what the
   container's policy provisioned there. */
static int
reap_shared (const struct nsipc_globals *g, const struct nsipc_ledger *l, const char *verb, int64_t min_idle,
             bool *keep_record)
{
  nsipc_error err = { 0 };
  struct nsipc_open_files open = { 0 };
  char why[160];
  struct nsipc_scene base = { .min_idle = min_idle, .open = &open };
  reaper_scene_live (&base, why, sizeof why);
  if (base.blind)
    {
      *keep_record = true;
      fprintf (stderr, "nsipc: %s: container %s: %s: removed nothing\n", verb, l->id, base.blind);
      return 0;
    }
  struct nsipc_census c;
  _cleanup_close_ int home = -1;
  if (cli_take_census (g, verb, NULL, &c, &home) < 0)
    return EXIT_RUNTIME;
  const struct nsipc_census_ns *ns = census_find (&c, l->ns_inode);
  if (ns == NULL)
    {
      fprintf (stderr, "nsipc: %s: container %s: nothing to clean: its IPC namespace is gone\n", verb, l->id);
      census_free (&c);
      return 0;
    }
  *keep_record = l->kind == NS_KIND_SHARED;
  struct nsipc_evidence ev;
  struct nsipc_scene s;
  struct nsipc_reap reap = { 0 };
  int r = census_scene (ns, &base, &ev, &s, &err);
  s.preexisting = l->preexisting;
  s.n_preexisting = l->n_preexisting;
  if (r == 0 && (census_enter (ns, &err) < 0 || reaper_reap (&s, false, &reap, &err) < 0))
    r = -1;
  evidence_free (&ev);
  inventory_open_files_free (&open);
  if (r < 0)
    {
      cli_error (verb, "container %s: %s", l->id, err.msg);
      census_free (&c);
      return EXIT_RUNTIME;
    }
  log_removals (l, &reap);
  char summary[256];
  snprintf (summary, sizeof summary,
            "container %s: removed %zu orphan%s, kept %zu in use, in IPC namespace %" PRIu64 "%s%s", l->id,
            reap.n_removed, reap.n_removed == 1 ? "" : "s", reap.kept, l->ns_inode, ns->name ? " " : "",
            ns->name ? ns->name : "");
  fprintf (stderr, "nsipc: %s: %s\n", verb, summary);
  if (logging)
    syslog (LOG_INFO, "%s", summary);
  for (size_t i = 0; i < reap.errors.n; i++)
    cli_error (verb, "container %s: %s", l->id, reap.errors.lines[i]);
  r = reap.errors.n ? EXIT_RUNTIME : 0;
  reaper_free (&reap);
  census_free (&c);
  return r;
}

/* Reads the ledger of ID under the containers lock, released at once: the
   reaping that follows may take a while and must not hold up other
   containers' starts.  1: there is none (or it is unreadable and dropped). */
static int
take_ledger (const struct nsipc_globals *g, const char *verb, const char *id, struct nsipc_ledger *l)
{
  nsipc_error err = { 0 };
  _cleanup_close_ int dir = state_open_dir (g->state_dir, "containers", false, &err);
  if (dir >= 0 && state_lock (dir, &err) == 0 && ledger_read (dir, id, l, &err) == 0)
    return 0;
  if (err.status == ENOENT)
    fprintf (stderr, "nsipc: %s: container %s: no ledger, nothing to clean\n", verb, id);
  else
    cli_error (verb, "container %s: %s; the record is dropped", id, err.msg);
  char file[LEDGER_ID_MAX + 8];
  snprintf (file, sizeof file, "%s.json", id);
  if (dir >= 0)
    state_remove (dir, file, &err);
  return 1;
}

static int
drop_ledger (const struct nsipc_globals *g, const char *verb, const char *id)
{
  nsipc_error err = { 0 };
  char file[LEDGER_ID_MAX + 8];
  snprintf (file, sizeof file, "%s.json", id);
  _cleanup_close_ int dir = state_open_dir (g->state_dir, "containers", false, &err);
  if (dir < 0 || state_lock (dir, &err) < 0 || state_remove (dir, file, &err) < 0)
    {
      cli_error (verb, "%s", err.msg);
      return EXIT_RUNTIME;
    }
  return 0;
}

static int
poststop (const struct nsipc_globals *g, const struct nsipc_oci_state *st, int64_t min_idle)
{
  const char *verb = stage_verbs[STAGE_POSTSTOP];
  nsipc_error err = { 0 };
  if (privileges_require_admin (&err) < 0)
    {
      cli_error (verb, "%s", err.msg);
      return EXIT_RUNTIME;
    }
  struct nsipc_ledger l;
  if (take_ledger (g, verb, st->id, &l) != 0)
    return 0;
  int r = 0;
  bool keep_record = false;
  bool shared = l.kind == NS_KIND_NAMED || l.kind == NS_KIND_SHARED;
  if (shared && !l.complete)
    fprintf (stderr, "nsipc: %s: container %s: its start was refused or did not finish; removed nothing\n", verb, l.id);
  else if (shared)
    r = reap_shared (g, &l, verb, min_idle, &keep_record);
  if (!keep_record && drop_ledger (g, verb, st->id) != 0)
    r = EXIT_RUNTIME;
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
  static const char usage[] = "usage: nsipc hook [--min-idle SECONDS] [createRuntime|poststop|precreate]";
  static const struct option options[] = {
    { "min-idle", required_argument, NULL, 'i' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int64_t min_idle = REAPER_MIN_IDLE_DEFAULT;
  int c;
  optind = 0;
  while ((c = getopt_long (argc, argv, ":h", options, NULL)) != -1)
    switch (c)
      {
      case 'i':
        if (cli_parse_min_idle ("hook", optarg, &min_idle) != 0)
          return EXIT_USAGE;
        break;
      case 'h':
        printf ("%s\n  (OCI state on stdin; the config for precreate)\n", usage);
        return 0;
      default:
        cli_error ("hook", "%s \"%s\" (%s)", c == ':' ? "missing argument of" : "unknown option", argv[optind - 1],
                   usage);
        return EXIT_USAGE;
      }
  if (argc - optind > 1)
    {
      cli_error ("hook", "%s", usage);
      return EXIT_USAGE;
    }
  const char *arg = optind < argc ? argv[optind] : NULL;
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
                                             : poststop (g, &st, min_idle);
  oci_state_free (&st);
  if (logging)
    closelog ();
  return r;
}
