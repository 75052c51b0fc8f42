/* nsipc gc's work: the census, the scope, the judgement of each namespace
   in it (reaper.c), pins and records; nothing printed here. */
#include "gc.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "census.h"
#include "format.h"
#include "named.h"
#include "namespace.h"
#include "reaper.h"
#include "shm.h"
#include "state.h"
#include "util.h"

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
      return census_ledger_names (c, ns, a->container);
    }
  return census_reachable (c, ns);
}

/* One line of what failed; gc goes on with the rest. */
static void __attribute__ ((format (printf, 2, 3))) problem (struct gc_report *r, const char *fmt, ...)
{
  char line[1024];
  va_list ap;
  va_start (ap, fmt);
  format_v (line, sizeof line, fmt, ap);
  va_end (ap);
  char *colon = strstr (line, ": ");
  if (colon)
    *colon = '\0';
  problems_add (&r->errors, line, "%s", colon ? colon + 2 : "");
}

/* One gc run: where its events go, and the namespace being reaped. */
struct gc_pass
{
  struct gc_report *r;
  gc_event_fn on_event;
  void *ctx;
  const struct nsipc_census_ns *ns;
};

static void
emit (struct gc_pass *p, struct gc_event e)
{
  p->on_event (&e, p->ctx);
}

/* The scene's sink: a removal in the namespace being reaped. */
static void
removed (const struct nsipc_removal *r, void *ctx)
{
  struct gc_pass *p = ctx;
  emit (p, (struct gc_event){ .kind = GC_REMOVED,
                              .ns = p->ns->inode,
                              .name = p->ns->name,
                              .container = census_container (p->ns),
                              .removal = r });
}

static void
record_reap (const struct nsipc_census_ns *ns, struct nsipc_reap *reap, struct gc_report *r)
{
  for (size_t i = 0; i < reap->errors.n; i++)
    problem (r, "namespace %" PRIu64 ": %s", ns->inode, reap->errors.lines[i]);
  r->kept += reap->kept;
  r->removed += reap->n_removed;
  reaper_free (reap);
}

/* --pins: the named namespace NAME goes when nobody is in it and it holds
   nothing kept, or when its create or delete was cut short (INTERRUPTED). */
static void
drop_pin (const char *state_dir, const char *name, uint64_t inode, bool interrupted, const struct gc_options *a,
          struct gc_pass *p)
{
  nsipc_error err = { 0 };
  bool done = a->dry_run;
  if (!a->dry_run && named_drop (state_dir, name, inode, interrupted, &done, &err) < 0)
    problem (p->r, "namespace %s: %s", name, err.msg);
  else if (done)
    emit (p, (struct gc_event){ .kind = GC_UNPINNED, .ns = inode, .name = name, .interrupted = interrupted });
}

/* --pins: records of creates that were killed before their pin existed. */
static void
drop_interrupted (const char *state_dir, const struct gc_options *a, struct gc_pass *p)
{
  char **names = NULL;
  size_t n = !a->pins || a->container ? 0 : named_interrupted_unpinned (state_dir, &names);
  for (size_t i = 0; i < n; i++)
    {
      if (!a->ns || strcmp (a->ns, names[i]) == 0)
        drop_pin (state_dir, names[i], 0, true, a, p);
      free (names[i]);
    }
  free (names);
}

/* Ledger records of containers whose process is gone (poststop never ran,
   or it kept the record because the namespace outlived the container):
   dropped once nothing is left for them to protect, that is once their
   namespace is gone too, or when a named namespace's record holds their
   objects, or when it is the host's, where nothing is provisioned. */
static void
drop_stale_records (const char *state_dir, const struct nsipc_census *c, const struct gc_options *a, struct gc_pass *p)
{
  nsipc_error err = { 0 };
  for (size_t i = 0; i < c->n_ledgers; i++)
    {
      const struct nsipc_ledger *l = &c->ledgers[i];
      if ((a->container && strcmp (a->container, l->id) != 0) || a->ns || ledger_container_alive (l)
          || (l->kind != NS_KIND_NAMED && l->kind != NS_KIND_HOST && census_find (c, l->ns_inode)))
        continue;
      if (!a->dry_run && ledger_drop_same (state_dir, l, &err) < 0)
        problem (p->r, "record %s: %s", l->id, err.msg);
      else
        emit (p, (struct gc_event){ .kind = GC_DROPPED, .ns = l->ns_inode, .container = l->id });
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

/* Named namespaces gc holds open for their unpin at most (census_hold). */
#define GC_UNPINS_MAX 256

int
gc_run (const char *state_dir, const struct gc_options *a, gc_event_fn on_event, void *ctx, struct gc_report *r,
        nsipc_error *err)
{
  memset (r, 0, sizeof *r);
  struct nsipc_census c;
  struct nsipc_open_files open = { 0 };
  char why[160];
  struct gc_pass p = { r, on_event, ctx, NULL };
  struct nsipc_scene base = { .min_idle = a->min_idle, .open = &open, .removed = removed, .removed_ctx = &p };
  reaper_scene_live (&base, why, sizeof why);
  /* Every pid would be a guess: nothing is removed, not even records. */
  if (base.blind)
    return nsipc_error_set (err, 0, "%s: cannot tell live processes from dead ones, removed nothing", base.blind);
  enum census_owners owners = a->container ? CENSUS_OWNERS_ALL : CENSUS_OWNERS_FIRST;
  /* The records hold still from the census to the last removal: an ns
     apply or a container start waits (DESIGN.md §6, rule 1). */
  int held[2];
  if (namespace_unshare_mount (err) < 0 || state_hold (state_dir, !a->dry_run, held, err) < 0)
    return -1;
  if (census_take (state_dir, a->runtime_root, owners, &c, err) < 0)
    return state_release (held), -1;
  inventory_keep_queue_mounts ();
  /* A typo must not pass for "nothing to do". */
  if (!census_knows (&c, a->ns, a->container))
    {
      state_release (held);
      census_free (&c);
      return nsipc_error_set (err, 0, a->ns ? "no namespace %s" : "no container %s", a->ns ? a->ns : a->container);
    }
  /* Pins go after the locks are let go: unpinning takes one again. */
  struct unpin
  {
    const struct nsipc_census_ns *ns;
    bool interrupted;
    int held; /* the namespace judged, open until its unpin (census_hold) */
  } *unpins = xcalloc (c.n + 1, sizeof *unpins);
  size_t n_unpins = 0, n_held = 0;
  for (size_t i = 0; i < c.n; i++)
    {
      const struct nsipc_census_ns *ns = &c.ns[i];
      if (!in_scope (&c, ns, a))
        continue;
      /* Half-made: its create or delete was cut short, or is under way.
         Anything else not finished is judged, and keeps every object. */
      if (ns->discardable)
        {
          if (a->pins && ns->n_pids == 0)
            unpins[n_unpins++] = (struct unpin){ ns, true, -1 };
          continue;
        }
      /* Held from before its judgement: the unpin checks the pin against
         this namespace, not one deleted and made again meanwhile with its
         inode number.  A few hundred at most, for the fd limit: the rest
         go at the next gc. */
      nsipc_error ignored;
      int hold = a->pins && ns->name && ns->n_pids == 0 && n_held < GC_UNPINS_MAX ? census_hold (ns, &ignored) : -1;
      n_held += hold >= 0;
      struct nsipc_reap reap;
      p.ns = ns;
      bool failed = census_reap (&c, ns, &base, NULL, 0, a->dry_run, &reap, err) < 0;
      if (failed)
        problem (r, "namespace %" PRIu64 ": %s", ns->inode, err->msg);
      size_t kept = reap.kept;
      record_reap (ns, &reap, r); /* what went before a failure went */
      if (!failed && hold >= 0 && kept == 0 && !ns->incomplete && !shm_named_holds_files (state_dir, ns->name))
        unpins[n_unpins++] = (struct unpin){ ns, false, steal_fd (&hold) };
      else if (hold >= 0)
        {
          close (hold);
          n_held--;
        }
    }
  state_release (held);
  for (size_t i = 0; i < n_unpins; i++)
    {
      drop_pin (state_dir, unpins[i].ns->name, unpins[i].ns->inode, unpins[i].interrupted, a, &p);
      if (unpins[i].held >= 0)
        close (unpins[i].held);
    }
  free (unpins);
  drop_interrupted (state_dir, a, &p);
  drop_stale_records (state_dir, &c, a, &p);
  if (!a->dry_run)
    sweep_temp (state_dir);
  inventory_open_files_free (&open);
  census_free (&c);
  return 0;
}

void
gc_report_free (struct gc_report *r)
{
  problems_free (&r->errors);
  memset (r, 0, sizeof *r);
}
