/* nsipc gc: removes orphans (DESIGN.md §6) in every container and named
   namespace it can reach, stale ledger records and, with --pins, pins
   nobody uses.  The host namespace only with --host. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "cli.h"
#include "census.h"
#include "named.h"
#include "namespace.h"
#include "privileges.h"
#include "procfs.h"
#include "reaper.h"
#include "state.h"
#include "util.h"

static const char usage[]
    = "usage: nsipc gc [--dry-run] [--json] [--container ID|--ns NAME] [--host] [--pins] [--min-idle SECONDS] "
      "[--runtime-root DIR]";

struct gc_args
{
  bool dry_run, json, host, pins;
  bool log; /* syslog is there */
  const char *container, *ns, *runtime_root;
  int64_t min_idle;
};

struct gc_result
{
  json_t *removed, *errors, *pins, *records; /* removed: filled only for --json */
  size_t n_removed, kept;
};

/* Whether a ledger of container ID (any, with ID NULL) names NS: a
   stopped container's ledger outlives it in a namespace that does. */
static bool
ledger_names (const struct nsipc_census *c, const struct nsipc_census_ns *ns, const char *id)
{
  for (size_t i = 0; i < c->n_ledgers; i++)
    if (c->ledgers[i].ns_inode == ns->inode && (id == NULL || strcmp (c->ledgers[i].id, id) == 0))
      return true;
  return false;
}

/* Which namespaces gc may touch: containers' and named ones, the host's
   only when asked, within --container / --ns. */
static bool
in_scope (const struct nsipc_census *c, const struct nsipc_census_ns *ns, const struct gc_args *a)
{
  if (ns->kind == NS_KIND_HOST)
    return a->host && !a->container && !a->ns;
  if (a->ns)
    return ns->name && strcmp (ns->name, a->ns) == 0;
  if (a->container)
    {
      for (size_t i = 0; i < ns->n_owners; i++)
        if (ns->owners[i].container && strcmp (ns->owners[i].container, a->container) == 0)
          return true;
      return ledger_names (c, ns, a->container);
    }
  return ns->name || census_container (ns) || ledger_names (c, ns, NULL);
}

static void
report (const struct nsipc_census_ns *ns, const struct nsipc_reap *reap, const struct gc_args *a, struct gc_result *r)
{
  const char *container = census_container (ns);
  for (size_t i = 0; i < reap->n_removed; i++)
    {
      const struct nsipc_ipc_object *o = &reap->removed[i].object;
      char key[16];
      snprintf (key, sizeof key, "0x%08" PRIx32, o->key);
      if (a->json)
        json_array_append_new (
            r->removed, json_pack ("{s:I, s:s?, s:s?, s:s, s:o, s:o, s:o?, s:s}", "namespace", (json_int_t)ns->inode,
                                   "name", ns->name, "container", container, "type", policy_type_name (o->type), "key",
                                   o->type == OBJECT_MQUEUE ? json_null () : json_string (key), "id",
                                   o->type == OBJECT_MQUEUE ? json_null () : json_integer (o->id), "mqueue",
                                   o->name ? json_string_bytes (o->name) : NULL, "reason", reap->removed[i].reason));
      char line[512], what[320];
      if (o->type == OBJECT_MQUEUE) /* a queue has a name, no key or id */
        snprintf (what, sizeof what, "mqueue %s", o->name);
      else
        snprintf (what, sizeof what, "%s key %s id %d", policy_type_name (o->type), key, o->id);
      snprintf (line, sizeof line, "%s %s from IPC namespace %" PRIu64 "%s%s: %s",
                a->dry_run ? "would remove" : "removed", what, ns->inode,
                ns->name    ? " "
                : container ? " container "
                            : "",
                ns->name    ? ns->name
                : container ? container
                            : "",
                reap->removed[i].reason);
      char safe[1024];
      escape_controls (line, safe, sizeof safe); /* a queue's name is anyone's */
      if (!a->json)
        puts (safe);
      if (!a->dry_run && a->log)
        syslog (LOG_INFO, "%s", safe);
    }
  for (size_t i = 0; i < reap->errors.n; i++)
    json_array_append_new (r->errors, json_sprintf ("namespace %" PRIu64 ": %s", ns->inode, reap->errors.lines[i]));
  r->kept += reap->kept;
  r->n_removed += reap->n_removed;
}

/* --pins: the named namespace NAME goes when nobody is in it and it holds
   nothing kept, or when its create was interrupted (INTERRUPTED). */
static void
drop_pin (const struct nsipc_globals *g, const char *name, uint64_t inode, bool interrupted, const struct gc_args *a,
          struct gc_result *r)
{
  nsipc_error err = { 0 };
  bool done = a->dry_run;
  if (!a->dry_run && named_drop (g->state_dir, name, interrupted, &done, &err) < 0)
    {
      json_array_append_new (r->errors, json_sprintf ("namespace %s: %s", name, err.msg));
      return;
    }
  if (!done)
    return;
  if (!a->dry_run && a->log)
    syslog (LOG_INFO, "unpinned %s IPC namespace %s (%" PRIu64 ")", interrupted ? "half-created" : "unused", name,
            inode);
  json_array_append_new (r->pins, json_pack ("{s:s, s:I}", "name", name, "namespace", (json_int_t)inode));
  if (!a->json)
    printf ("%s %s pinned namespace %s (%" PRIu64 ")\n", a->dry_run ? "would unpin" : "unpinned",
            interrupted ? "half-created" : "unused", name, inode);
}

/* --pins: records of creates that were killed before their pin existed. */
static void
drop_interrupted (const struct nsipc_globals *g, const struct gc_args *a, struct gc_result *r)
{
  char **names = NULL;
  size_t n = !a->pins || a->container ? 0 : named_interrupted_unpinned (g->state_dir, &names);
  for (size_t i = 0; i < n; i++)
    {
      if (!a->ns || strcmp (a->ns, names[i]) == 0)
        drop_pin (g, names[i], 0, true, a, r);
      free (names[i]);
    }
  free (names);
}

/* Ledger records of containers whose process is gone (poststop never ran,
   or it kept the record because the namespace outlived the container):
   dropped once nothing is left for them to protect, that is once their
   namespace is gone too, or when a named namespace's record holds their
   objects. */
static void
drop_stale_records (const struct nsipc_globals *g, const struct nsipc_census *c, const struct gc_args *a,
                    struct gc_result *r)
{
  nsipc_error err = { 0 };
  _cleanup_close_ int dirfd = state_open_dir (g->state_dir, "containers", false, &err);
  if (dirfd < 0 || (!a->dry_run && state_lock (dirfd, &err) < 0))
    return;
  for (size_t i = 0; i < c->n_ledgers; i++)
    {
      const struct nsipc_ledger *l = &c->ledgers[i];
      uint64_t start;
      if ((a->container && strcmp (a->container, l->id) != 0) || a->ns
          || (procfs_start_time (l->pid, &start, &err) == 0 && start == l->pid_start)
          || (l->kind != NS_KIND_NAMED && census_find (c, l->ns_inode)))
        continue;
      char file[LEDGER_ID_MAX + 8];
      snprintf (file, sizeof file, "%s.json", l->id);
      if (!a->dry_run && state_remove (dirfd, file, &err) < 0)
        {
          json_array_append_new (r->errors, json_sprintf ("record %s: %s", l->id, err.msg));
          continue;
        }
      json_array_append_new (r->records, json_string (l->id));
      if (!a->json)
        printf ("%s stale record of container %s\n", a->dry_run ? "would drop" : "dropped", l->id);
    }
}

/* Temp files of writers killed before their rename. */
static void
sweep_temp (const struct nsipc_globals *g)
{
  static const char *const subs[] = { "ns", "containers" };
  for (size_t i = 0; i < 2; i++)
    {
      nsipc_error err;
      _cleanup_close_ int dirfd = state_open_dir (g->state_dir, subs[i], false, &err);
      if (dirfd >= 0 && state_lock (dirfd, &err) == 0)
        state_sweep_temp (dirfd);
    }
}

static int
gc (const struct nsipc_globals *g, const struct gc_args *a, struct gc_result *r)
{
  nsipc_error err = { 0 };
  struct nsipc_census c;
  struct nsipc_open_files open = { 0 };
  char why[160];
  struct nsipc_scene base = { .min_idle = a->min_idle, .open = &open };
  reaper_scene_live (&base, why, sizeof why);
  if (base.blind)
    {
      /* Every pid would be a guess: nothing is removed, not even records. */
      cli_error ("gc", "%s: cannot tell live processes from dead ones, removed nothing", base.blind);
      return EXIT_RUNTIME;
    }
  if (cli_take_census (g, "gc", a->runtime_root, &c) < 0)
    return EXIT_RUNTIME;
  if (!census_knows (&c, a->ns, a->container))
    {
      /* A typo must not pass for "nothing to do". */
      cli_error ("gc", a->ns ? "no namespace %s" : "no container %s", a->ns ? a->ns : a->container);
      census_free (&c);
      return EXIT_RUNTIME;
    }
  for (size_t i = 0; i < c.n; i++)
    {
      const struct nsipc_census_ns *ns = &c.ns[i];
      if (!in_scope (&c, ns, a))
        continue;
      /* Half-made: its policy objects are not all recorded yet. */
      if (ns->incomplete)
        {
          if (a->pins && ns->n_pids == 0)
            drop_pin (g, ns->name, ns->inode, true, a, r);
          continue;
        }
      struct nsipc_reap reap;
      if (census_reap (ns, &base, NULL, 0, a->dry_run, &reap, &err) < 0)
        {
          json_array_append_new (r->errors, json_sprintf ("namespace %" PRIu64 ": %s", ns->inode, err.msg));
          continue;
        }
      report (ns, &reap, a, r);
      if (a->pins && ns->name && ns->n_pids == 0 && reap.kept == 0)
        drop_pin (g, ns->name, ns->inode, false, a, r);
      reaper_free (&reap);
    }
  drop_interrupted (g, a, r);
  drop_stale_records (g, &c, a, r);
  if (!a->dry_run)
    sweep_temp (g);
  inventory_open_files_free (&open);
  census_free (&c);
  return 0;
}

int
cmd_gc (const struct nsipc_globals *g, int argc, char **argv)
{
  static const struct option options[] = {
    { "dry-run", no_argument, NULL, 'n' },
    { "json", no_argument, NULL, 'j' },
    { "container", required_argument, NULL, 'c' },
    { "ns", required_argument, NULL, 's' },
    { "host", no_argument, NULL, 'H' },
    { "pins", no_argument, NULL, 'p' },
    { "runtime-root", required_argument, NULL, 'r' },
    { "min-idle", required_argument, NULL, 'i' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct gc_args a = { .min_idle = REAPER_MIN_IDLE_DEFAULT };
  int c;
  optind = 0;
  while ((c = getopt_long (argc, argv, ":", options, NULL)) != -1)
    switch (c)
      {
      case 'n':
        a.dry_run = true;
        break;
      case 'j':
        a.json = true;
        break;
      case 'c':
        a.container = optarg;
        break;
      case 's':
        a.ns = optarg;
        break;
      case 'H':
        a.host = true;
        break;
      case 'p':
        a.pins = true;
        break;
      case 'r':
        a.runtime_root = optarg;
        break;
      case 'i':
        if (cli_parse_min_idle ("gc", optarg, &a.min_idle) != 0)
          return EXIT_USAGE;
        break;
      case 'h':
        puts (usage);
        return 0;
      default:
        cli_error ("gc", "%s \"%s\" (%s)", c == ':' ? "missing argument of" : "unknown option", argv[optind - 1],
                   usage);
        return EXIT_USAGE;
      }
  if (optind != argc || (a.container && a.ns))
    {
      cli_error ("gc", "%s", usage);
      return EXIT_USAGE;
    }
  if (cli_check_names ("gc", a.ns, a.container) != 0)
    return EXIT_USAGE;
  struct gc_result r = { json_array (), json_array (), json_array (), json_array (), 0, 0 };
  a.log = cli_log_open ();
  int status = gc (g, &a, &r);
  if (a.log)
    closelog ();
  if (status == 0 && a.json)
    {
      _cleanup_json_ json_t *top
          = json_pack ("{s:b, s:O, s:I, s:O, s:O, s:O}", "dry_run", a.dry_run, "removed", r.removed, "kept_in_use",
                       (json_int_t)r.kept, "errors", r.errors, "pins_removed", r.pins, "records_removed", r.records);
      cli_print_json (stdout, top);
    }
  else if (status == 0)
    printf ("%s %zu orphan%s, kept %zu in use\n", a.dry_run ? "would remove" : "removed", r.n_removed,
            r.n_removed == 1 ? "" : "s", r.kept);
  size_t i;
  json_t *e;
  json_array_foreach (r.errors, i, e) cli_error ("gc", "%s", json_string_value (e));
  if (status == 0 && json_array_size (r.errors))
    status = EXIT_RUNTIME;
  json_decref (r.removed);
  json_decref (r.errors);
  json_decref (r.pins);
  json_decref (r.records);
  return status;
}
