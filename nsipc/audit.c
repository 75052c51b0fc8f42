/* nsipc audit's work: every IPC namespace on the host, who owns it, how
   full it is, and each object judged as gc would judge it, as the JSON of
   DESIGN.md §7.  Nothing printed here. */
#include "audit.h"

#include <string.h>

#include "census.h"
#include "namespace.h"
#include "output.h"
#include "reaper.h"
#include "util.h"

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
  const struct audit_options *args;
  const struct nsipc_scene *scene;
  struct limits_reader *limits;
  json_t *out;      /* without --json */
  size_t n_objects; /* listed */
};

/* Inside NS: its limits, objects and verdicts, as JSON: written as text
   into args->json, else a tree in a->out. */
static int
audit_here (void *ctx, nsipc_error *err)
{
  struct auditing *a = ctx;
  struct nsipc_inventory inv;
  struct nsipc_limit_set limits = { 0 };
  if (inventory_read (&inv, true, err) < 0)
    return -1;
  limits_read_all (&limits, a->limits);
  struct output_audit_json *text = a->args->json;
  json_t *objects = text ? NULL : json_array ();
  if (text)
    output_audit_json_begin (text, a->ns, &limits, &inv);
  for (size_t i = 0; i < inv.n; i++)
    {
      const struct nsipc_ipc_object *o = &inv.objects[i];
      const char *label = label_of (a->ns, o);
      struct nsipc_verdict v;
      reaper_judge_live (o, a->scene, &v);
      if (a->args->orphans && v.rule != RULE_ORPHAN)
        continue;
      label = label && *label ? label : NULL;
      a->n_objects++;
      if (text)
        output_audit_json_object (text, o, label, reaper_rule_name (v.rule), v.reason);
      else
        json_array_append_new (objects, output_object (o, label, reaper_rule_name (v.rule), v.reason));
    }
  if (text)
    output_audit_json_finish (text, a->ns, a->args->orphans && a->n_objects == 0);
  else
    a->out = output_namespace (a->ns, &limits, &inv, objects);
  inventory_free (&inv);
  return 0;
}

/* Judged from inside NS as gc would judge it: false when it could not be
   (*OUT is then NULL). */
static bool
audit_ns (const struct nsipc_census *c, const struct nsipc_census_ns *ns, const struct audit_options *args,
          const struct nsipc_scene *base, struct limits_reader *limits, json_t **out, size_t *n_objects,
          nsipc_error *err)
{
  struct nsipc_evidence ev;
  struct nsipc_scene s;
  struct auditing a = { ns, args, &s, limits, NULL, 0 };
  census_scene (ns, base, &ev, &s);
  bool done = census_visit (c, ns, audit_here, &a, err) == 0;
  evidence_free (&ev);
  *out = a.out;
  *n_objects = a.n_objects;
  return done;
}

/* --orphans: only where gc goes unasked, as it lists what gc removes. */
static bool
selected (const struct nsipc_census *c, const struct nsipc_census_ns *ns, const struct audit_options *a)
{
  if (a->orphans && !census_reachable (c, ns))
    return false;
  if (a->container == NULL)
    return true;
  for (size_t i = 0; i < ns->n_owners; i++)
    if (ns->owners[i].container && strcmp (ns->owners[i].container, a->container) == 0)
      return true;
  return false;
}

int
audit_run (const char *state_dir, const struct audit_options *a, audit_namespace_fn on_namespace, void *ctx,
           size_t *skipped, nsipc_error *err)
{
  struct nsipc_census c;
  struct nsipc_open_files open = { 0 };
  char why[160];
  struct nsipc_scene base = { .min_idle = a->min_idle, .open = &open };
  reaper_scene_live (&base, why, sizeof why);
  if (namespace_unshare_mount (err) < 0 || census_take (state_dir, a->runtime_root, CENSUS_OWNERS_ALL, &c, err) < 0)
    return -1;
  inventory_keep_queue_mounts ();
  if (!census_knows (&c, NULL, a->container))
    {
      census_free (&c);
      return nsipc_error_set (err, 0, "no container %s", a->container);
    }
  *skipped = c.skipped;
  struct limits_reader limits = { 0 };
  for (size_t i = 0; i < c.n; i++)
    {
      if (!selected (&c, &c.ns[i], a))
        continue;
      /* A namespace that vanished meanwhile, or cannot be entered, counts
         as skipped like an unreadable process. */
      size_t n_objects;
      json_t *j;
      if (!audit_ns (&c, &c.ns[i], a, &base, &limits, &j, &n_objects, err))
        ++*skipped;
      else if (j && (!a->orphans || n_objects > 0))
        on_namespace (j, ctx);
      else
        json_decref (j);
    }
  limits_reader_close (&limits);
  inventory_open_files_free (&open);
  census_free (&c);
  return 0;
}
