/* nsipc audit: every IPC namespace on the host, who owns it, how full it
   is, and what in it is orphaned. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "census.h"
#include "namespace.h"
#include "output.h"
#include "privileges.h"
#include "reaper.h"
#include "util.h"

static const char usage[]
    = "usage: nsipc audit [--json|--prometheus] [--container ID] [--orphans] [--min-idle SECONDS] [--runtime-root DIR]";

struct audit_args
{
  bool json, prometheus, orphans;
  const char *container, *runtime_root;
  int64_t min_idle;
};

static const char *
label_of (const struct nsipc_census_ns *ns, const struct nsipc_ipc_object *o)
{
  for (size_t i = 0; i < ns->n_keep; i++)
    if (ledger_object_listed (&ns->keep[i], 1, o->type, o->id, o->key, o->name))
      return ns->keep[i].name ? ns->keep[i].name : "";
  return NULL;
}

struct auditing
{
  const struct nsipc_census_ns *ns;
  const struct audit_args *args;
  const struct nsipc_scene *scene;
  json_t *out;
};

/* Inside NS: its limits, objects and verdicts, as JSON. */
static int
audit_here (void *ctx, nsipc_error *err)
{
  struct auditing *a = ctx;
  struct nsipc_inventory inv;
  struct nsipc_limit_set limits = { 0 };
  if (inventory_read (&inv, true, err) < 0)
    return -1;
  limits_read_all (&limits);
  json_t *objects = json_array ();
  for (size_t i = 0; i < inv.n; i++)
    {
      const struct nsipc_ipc_object *o = &inv.objects[i];
      const char *label = label_of (a->ns, o);
      struct nsipc_verdict v;
      reaper_judge_live (o, a->scene, &v);
      if (!a->args->orphans || v.rule == RULE_ORPHAN)
        json_array_append_new (objects,
                               output_object (o, label && *label ? label : NULL, reaper_rule_name (v.rule), v.reason));
    }
  a->out = output_namespace (a->ns, &limits, &inv, objects);
  inventory_free (&inv);
  return 0;
}

/* Judged from inside NS as gc would judge it. */
static json_t *
audit_ns (const struct nsipc_census_ns *ns, const struct audit_args *args, const struct nsipc_scene *base,
          nsipc_error *err)
{
  struct nsipc_evidence ev;
  struct nsipc_scene s;
  struct auditing a = { ns, args, &s, NULL };
  if (census_scene (ns, base, &ev, &s, err) == 0)
    census_visit (ns, audit_here, &a, err);
  evidence_free (&ev);
  return a.out;
}

static bool
selected (const struct nsipc_census_ns *ns, const struct audit_args *a)
{
  if (a->container == NULL)
    return true;
  for (size_t i = 0; i < ns->n_owners; i++)
    if (ns->owners[i].container && strcmp (ns->owners[i].container, a->container) == 0)
      return true;
  return false;
}

static int
audit (const struct nsipc_globals *g, const struct audit_args *a, json_t *namespaces, size_t *skipped)
{
  nsipc_error err = { 0 };
  struct nsipc_census c;
  struct nsipc_open_files open = { 0 };
  char why[160];
  struct nsipc_scene base = { .min_idle = a->min_idle, .open = &open };
  reaper_scene_live (&base, why, sizeof why);
  if (cli_take_census (g, "audit", a->runtime_root, &c) < 0)
    return EXIT_RUNTIME;
  if (!census_knows (&c, NULL, a->container))
    {
      cli_error ("audit", "no container %s", a->container);
      census_free (&c);
      return EXIT_RUNTIME;
    }
  *skipped = c.skipped;
  for (size_t i = 0; i < c.n; i++)
    {
      if (!selected (&c.ns[i], a))
        continue;
      json_t *j = NULL;
      /* A namespace that vanished meanwhile, or cannot be entered, counts
         as skipped like an unreadable process. */
      j = audit_ns (&c.ns[i], a, &base, &err);
      if (j && (!a->orphans || json_array_size (json_object_get (j, "objects")) > 0))
        json_array_append_new (namespaces, j);
      else if (j)
        json_decref (j);
      else
        (*skipped)++;
    }
  inventory_open_files_free (&open);
  census_free (&c);
  return 0;
}

int
cmd_audit (const struct nsipc_globals *g, int argc, char **argv)
{
  static const struct option options[] = {
    { "json", no_argument, NULL, 'j' },
    { "prometheus", no_argument, NULL, 'p' },
    { "container", required_argument, NULL, 'c' },
    { "orphans", no_argument, NULL, 'o' },
    { "runtime-root", required_argument, NULL, 'r' },
    { "min-idle", required_argument, NULL, 'i' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct audit_args a = { .min_idle = REAPER_MIN_IDLE_DEFAULT };
  int c;
  optind = 0;
  while ((c = getopt_long (argc, argv, ":", options, NULL)) != -1)
    switch (c)
      {
      case 'j':
        a.json = true;
        break;
      case 'p':
        a.prometheus = true;
        break;
      case 'c':
        a.container = optarg;
        break;
      case 'o':
        a.orphans = true;
        break;
      case 'r':
        a.runtime_root = optarg;
        break;
      case 'i':
        if (cli_parse_min_idle ("audit", optarg, &a.min_idle) != 0)
          return EXIT_USAGE;
        break;
      case 'h':
        puts (usage);
        return 0;
      default:
        cli_error ("audit", "%s \"%s\" (%s)", c == ':' ? "missing argument of" : "unknown option", argv[optind - 1],
                   usage);
        return EXIT_USAGE;
      }
  if (optind != argc || (a.json && a.prometheus))
    {
      cli_error ("audit", "%s", usage);
      return EXIT_USAGE;
    }
  if (cli_check_names ("audit", NULL, a.container) != 0)
    return EXIT_USAGE;
  _cleanup_json_ json_t *namespaces = json_array ();
  size_t skipped = 0;
  int r = audit (g, &a, namespaces, &skipped);
  if (r != 0)
    return r;
  _cleanup_json_ json_t *top = json_pack ("{s:O, s:I}", "namespaces", namespaces, "skipped", (json_int_t)skipped);
  /* Formatted in memory, written at once: stdout is line-buffered. */
  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream (&text, &len);
  if (a.json)
    cli_print_json (mem, top);
  else if (a.prometheus)
    output_audit_prometheus (mem, top);
  else
    output_audit_table (mem, top);
  fclose (mem);
  fwrite (text, 1, len, stdout);
  free (text);
  return 0;
}
