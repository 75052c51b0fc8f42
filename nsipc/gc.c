/* nsipc gc's work: the census, the scope, the judgement of each namespace
   in it (reaper.c), pins and records; nothing printed here. */
#include "gc.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "census.h"
#include "named.h"
#include "namespace.h"
#include "procfs.h"
#include "reaper.h"
#include "state.h"
#include "util.h"

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
in_scope (const struct nsipc_census *c, const struct nsipc_census_ns *ns, const struct gc_options *a)
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

/* One line of what failed; gc goes on with the rest. */
static void __attribute__ ((format (printf, 2, 3))) problem (struct gc_report *r, const char *fmt, ...)
{
  char line[1024];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (line, sizeof line, fmt, ap);
  va_end (ap);
  char *colon = strstr (line, ": ");
  if (colon)
    *colon = '\0';
  problems_add (&r->errors, line, "%s", colon ? colon + 2 : "");
}

/* Powers of two: amortised appends without a capacity field. */
static void *
grow (void *p, size_t n, size_t size)
{
  return n && (n & (n - 1)) ? p : xrealloc (p, (n ? 2 * n : 16) * size);
}

/* S kept for the report's events; consecutive events share one copy. */
static const char *
hold (struct gc_report *r, const char *s)
{
  if (s == NULL)
    return NULL;
  if (r->n_strings && strcmp (r->strings[r->n_strings - 1], s) == 0)
    return r->strings[r->n_strings - 1];
  r->strings = grow (r->strings, r->n_strings, sizeof *r->strings);
  return r->strings[r->n_strings++] = xstrdup (s);
}

static struct gc_event *
add_event (struct gc_report *r, enum gc_event_kind kind, uint64_t ns, const char *name, const char *container)
{
  r->events = grow (r->events, r->n, sizeof *r->events);
  struct gc_event *e = &r->events[r->n++];
  *e = (struct gc_event){ .kind = kind, .ns = ns, .name = hold (r, name), .container = hold (r, container) };
  return e;
}

/* REAP's removals become events; the report keeps REAP. */
static void
record_reap (const struct nsipc_census_ns *ns, struct nsipc_reap *reap, struct gc_report *r)
{
  const char *container = census_container (ns);
  for (size_t i = 0; i < reap->errors.n; i++)
    problem (r, "namespace %" PRIu64 ": %s", ns->inode, reap->errors.lines[i]);
  problems_free (&reap->errors);
  for (size_t i = 0; i < reap->n_removed; i++)
    add_event (r, GC_REMOVED, ns->inode, ns->name, container)->removal = &reap->removed[i];
  r->kept += reap->kept;
  r->removed += reap->n_removed;
  r->reaps = grow (r->reaps, r->n_reaps, sizeof *r->reaps);
  r->reaps[r->n_reaps++] = *reap;
}

/* --pins: the named namespace NAME goes when nobody is in it and it holds
   nothing kept, or when its create was interrupted (INTERRUPTED). */
static void
drop_pin (const char *state_dir, const char *name, uint64_t inode, bool interrupted, const struct gc_options *a,
          struct gc_report *r)
{
  nsipc_error err = { 0 };
  bool done = a->dry_run;
  if (!a->dry_run && named_drop (state_dir, name, interrupted, &done, &err) < 0)
    problem (r, "namespace %s: %s", name, err.msg);
  else if (done)
    add_event (r, GC_UNPINNED, inode, name, NULL)->interrupted = interrupted;
}

/* --pins: records of creates that were killed before their pin existed. */
static void
drop_interrupted (const char *state_dir, const struct gc_options *a, struct gc_report *r)
{
  char **names = NULL;
  size_t n = !a->pins || a->container ? 0 : named_interrupted_unpinned (state_dir, &names);
  for (size_t i = 0; i < n; i++)
    {
      if (!a->ns || strcmp (a->ns, names[i]) == 0)
        drop_pin (state_dir, names[i], 0, true, a, r);
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
drop_stale_records (const char *state_dir, const struct nsipc_census *c, const struct gc_options *a,
                    struct gc_report *r)
{
  nsipc_error err = { 0 };
  for (size_t i = 0; i < c->n_ledgers; i++)
    {
      const struct nsipc_ledger *l = &c->ledgers[i];
      uint64_t start;
      if ((a->container && strcmp (a->container, l->id) != 0) || a->ns
          || (procfs_start_time (l->pid, &start, &err) == 0 && start == l->pid_start)
          || (l->kind != NS_KIND_NAMED && census_find (c, l->ns_inode)))
        continue;
      if (!a->dry_run && ledger_drop (state_dir, l->id, &err) < 0)
        problem (r, "record %s: %s", l->id, err.msg);
      else
        add_event (r, GC_DROPPED, l->ns_inode, NULL, l->id);
    }
}

/* Temp files of writers killed before their rename. */
static void
sweep_temp (const char *state_dir)
{
  static const char *const subs[] = { "ns", "containers" };
  for (size_t i = 0; i < 2; i++)
    {
      nsipc_error err;
      _cleanup_close_ int dirfd = state_open_dir (state_dir, subs[i], false, &err);
      if (dirfd >= 0 && state_lock (dirfd, &err) == 0)
        state_sweep_temp (dirfd);
    }
}

int
gc_run (const char *state_dir, const struct gc_options *a, struct gc_report *r, nsipc_error *err)
{
  memset (r, 0, sizeof *r);
  struct nsipc_census c;
  struct nsipc_open_files open = { 0 };
  char why[160];
  struct nsipc_scene base = { .min_idle = a->min_idle, .open = &open };
  reaper_scene_live (&base, why, sizeof why);
  /* Every pid would be a guess: nothing is removed, not even records. */
  if (base.blind)
    return nsipc_error_set (err, 0, "%s: cannot tell live processes from dead ones, removed nothing", base.blind);
  enum census_owners owners = a->container ? CENSUS_OWNERS_ALL : CENSUS_OWNERS_FIRST;
  if (namespace_unshare_mount (err) < 0 || census_take (state_dir, a->runtime_root, owners, &c, err) < 0)
    return -1;
  inventory_keep_queue_mounts ();
  /* A typo must not pass for "nothing to do". */
  if (!census_knows (&c, a->ns, a->container))
    {
      census_free (&c);
      return nsipc_error_set (err, 0, a->ns ? "no namespace %s" : "no container %s", a->ns ? a->ns : a->container);
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
            drop_pin (state_dir, ns->name, ns->inode, true, a, r);
          continue;
        }
      struct nsipc_reap reap;
      if (census_reap (ns, &base, NULL, 0, a->dry_run, &reap, err) < 0)
        {
          problem (r, "namespace %" PRIu64 ": %s", ns->inode, err->msg);
          continue;
        }
      size_t kept = reap.kept;
      record_reap (ns, &reap, r);
      if (a->pins && ns->name && ns->n_pids == 0 && kept == 0)
        drop_pin (state_dir, ns->name, ns->inode, false, a, r);
    }
  drop_interrupted (state_dir, a, r);
  drop_stale_records (state_dir, &c, a, r);
  if (!a->dry_run)
    sweep_temp (state_dir);
  inventory_open_files_free (&open);
  census_free (&c);
  return 0;
}

void
gc_report_free (struct gc_report *r)
{
  for (size_t i = 0; i < r->n_reaps; i++)
    reaper_free (&r->reaps[i]);
  for (size_t i = 0; i < r->n_strings; i++)
    free (r->strings[i]);
  free (r->reaps);
  free (r->strings);
  free (r->events);
  problems_free (&r->errors);
  memset (r, 0, sizeof *r);
}
