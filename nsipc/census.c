/* The census: one pass over /proc, mountinfo and the state directory.
   Processes whose namespace link cannot be read are counted, never fatal. */
#include "census.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mountinfo.h"
#include "named.h"
#include "owners.h"
#include "namespace.h"
#include "procfs.h"
#include "state.h"
#include "util.h"

static struct nsipc_census_ns *
entry (struct nsipc_census *c, uint64_t inode)
{
  for (size_t i = 0; i < c->n; i++)
    if (c->ns[i].inode == inode)
      return &c->ns[i];
  c->ns = xgrow (c->ns, c->n, sizeof *c->ns);
  struct nsipc_census_ns *ns = &c->ns[c->n++];
  memset (ns, 0, sizeof *ns);
  ns->inode = inode;
  return ns;
}

static void
scan_processes (struct nsipc_census *c)
{
  struct nsipc_ns_member *m = NULL;
  size_t n = 0;
  nsipc_error err;
  if (namespace_scan (&m, &n, &c->skipped, &err) < 0)
    return;
  struct nsipc_census_ns *ns = NULL;
  for (size_t i = 0; i < n; i++)
    {
      /* Sorted by inode: look the entry up once per namespace. */
      if (ns == NULL || ns->inode != m[i].inode)
        ns = entry (c, m[i].inode);
      /* A thread's link, when only a thread is there (or its process's
         main thread has exited): the process's own names another. */
      if (ns->path == NULL)
        ns->path = m[i].tid ? xasprintf ("/proc/%d/task/%d/ns/ipc", (int)m[i].pid, (int)m[i].tid)
                            : xasprintf ("/proc/%d/ns/ipc", (int)m[i].pid);
      ns->pids = xgrow (ns->pids, ns->n_pids, sizeof *ns->pids);
      ns->guests = xgrow (ns->guests, ns->n_pids, sizeof *ns->guests);
      ns->guests[ns->n_pids] = m[i].guest;
      ns->pids[ns->n_pids++] = m[i].pid;
    }
  free (m);
}

/* Pins: nsfs bind mounts of IPC namespaces, whoever made them.  A pin is
   preferred to a process for entering: it cannot be recycled. */
static int
add_pin (const struct mountinfo_entry *m, void *data)
{
  struct nsipc_census *c = data;
  uint64_t inode;
  if (strcmp (m->fstype, "nsfs") != 0 || !namespace_parse_name (m->root, &inode))
    return 0;
  struct nsipc_census_ns *ns = entry (c, inode);
  free (ns->path);
  ns->path = xstrdup (m->target);
  return 0;
}

static void
add_keep (struct nsipc_census_ns *ns, const struct nsipc_ledger_object *list, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      ns->keep = xgrow (ns->keep, ns->n_keep, sizeof *ns->keep);
      ns->keep[ns->n_keep] = list[i];
      ns->keep[ns->n_keep++].name = list[i].name ? xstrdup (list[i].name) : NULL;
    }
}

/* Each policy on a namespace has its say; the most careful wins. */
static void
add_cleanup (struct nsipc_census_ns *ns, enum nsipc_cleanup mode)
{
  ns->cleanup = ns->cleanup_set ? policy_cleanup_stricter (ns->cleanup, mode) : mode;
  ns->cleanup_set = true;
}

/* nsipc's named namespaces: their names and provisioned objects. */
static int
scan_named (struct nsipc_census *c, const char *state_dir, nsipc_error *err)
{
  struct nsipc_named *all;
  size_t n;
  if (named_read_all (state_dir, &all, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      struct nsipc_census_ns *ns = entry (c, all[i].inode);
      ns->name = xstrdup (all[i].name);
      ns->incomplete = !all[i].complete;
      ns->discardable = all[i].discardable;
      ns->policy_changed = all[i].policy_changed;
      free (ns->path);
      ns->path = xasprintf ("%s/ns/%s", state_dir, all[i].name);
      add_keep (ns, all[i].provisioned, all[i].n_provisioned);
      add_cleanup (ns, all[i].cleanup);
    }
  named_free_all (all, n);
  return 0;
}

/* Every ledger; -1 when one cannot be read: it may keep objects nobody
   can tell, so nothing is judged (the state directory refused, too). */
static int
read_ledgers (struct nsipc_census *c, const char *state_dir, nsipc_error *err)
{
  _cleanup_close_ int dirfd = state_open_records (state_dir, "containers", err);
  if (dirfd < 0)
    return err->status == ENOENT ? 0 : -1;
  char **files = NULL;
  ssize_t n_files = state_list_records (dirfd, &files, err);
  if (n_files < 0)
    return nsipc_error_prefix (err, "%s/containers", state_dir);
  int r = 0;
  for (size_t i = 0; i < (size_t)n_files; i++)
    {
      files[i][strlen (files[i]) - 5] = '\0'; /* the id: NAME of NAME.json */
      c->ledgers = xgrow (c->ledgers, c->n_ledgers, sizeof *c->ledgers);
      nsipc_error why;
      if (ledger_read (dirfd, files[i], &c->ledgers[c->n_ledgers], &why) == 0)
        c->n_ledgers++;
      /* Dropped since the listing (audit reads without the lock): by a
         poststop, and with it what it kept. */
      else if (why.status == ENOENT)
        ;
      else if (r == 0 && state_valid_name (files[i], LEDGER_ID_MAX))
        r = nsipc_error_set (err, 0,
                             "%s; it may keep objects, so nothing is judged: remove %s/containers/%s.json once its "
                             "container is gone",
                             why.msg, state_dir, files[i]);
      free (files[i]);
    }
  free (files);
  if (r < 0)
    return -1;
  for (size_t i = 0; i < c->n_ledgers; i++)
    for (size_t k = 0; k < c->n; k++)
      if (c->ns[k].inode == c->ledgers[i].ns_inode)
        {
          /* A createRuntime under way, or killed: what it provisioned is
             not listed yet (DESIGN.md §6, rule 1: complete or not). */
          c->ns[k].incomplete |= !c->ledgers[i].complete;
          add_keep (&c->ns[k], c->ledgers[i].provisioned, c->ledgers[i].n_provisioned);
          /* The host's is the admin's, judged by every rule: a container
             sharing it names its policy, and "by-pid" would drop rule 6
             for every program of the host. */
          if (c->ns[k].inode != c->host)
            add_cleanup (&c->ns[k], c->ledgers[i].cleanup);
        }
  return 0;
}

static void
add_owner (struct nsipc_census_ns *ns, const char *id, const char *runtime, pid_t pid)
{
  struct nsipc_owner *o = NULL;
  for (size_t i = 0; i < ns->n_owners && !o; i++)
    if ((ns->owners[i].container == NULL && id[0] == '\0')
        || (ns->owners[i].container && strcmp (ns->owners[i].container, id) == 0))
      o = &ns->owners[i];
  if (o == NULL)
    {
      ns->owners = xgrow (ns->owners, ns->n_owners, sizeof *ns->owners);
      o = &ns->owners[ns->n_owners++];
      *o = (struct nsipc_owner){ .container = id[0] ? xstrdup (id) : NULL, .runtime = runtime };
    }
  o->pids = xgrow (o->pids, o->n_pids, sizeof *o->pids);
  o->pids[o->n_pids++] = pid;
}

static void
find_owners (struct nsipc_census *c, const char *runtime_root, bool all)
{
  struct nsipc_owners owners;
  owners_load (runtime_root, c->ledgers, c->n_ledgers, &owners);
  for (size_t k = 0; k < c->n; k++)
    {
      struct nsipc_census_ns *ns = &c->ns[k];
      if (ns->inode == c->host)
        continue; /* every host process: no owner worth listing */
      if (!all && ns->name)
        continue; /* its name says whose it is */
      for (size_t i = 0; i < ns->n_pids; i++)
        {
          /* A thread that visits says nothing of whose namespace it is:
             a node agent's thread would make any namespace its
             container's, for gc to judge. */
          if (ns->guests[i])
            continue;
          char id[LEDGER_ID_MAX + 1];
          const char *runtime;
          owners_of (&owners, ns->pids[i], id, sizeof id, &runtime);
          add_owner (ns, id, runtime, ns->pids[i]);
          if (!all && id[0]) /* a cgroup read per process is what gc with 1000 of them pays for */
            break;
        }
    }
  owners_free (&owners);
}

static void
classify (struct nsipc_census *c)
{
  for (size_t k = 0; k < c->n; k++)
    {
      struct nsipc_census_ns *ns = &c->ns[k];
      bool pinned = ns->name || (ns->path && strncmp (ns->path, "/proc/", 6) != 0);
      if (ns->inode == c->host)
        ns->kind = NS_KIND_HOST;
      else if (pinned)
        ns->kind = NS_KIND_PINNED;
      else
        ns->kind = ns->n_owners > 1 ? NS_KIND_SHARED : NS_KIND_PRIVATE;
    }
}

int
census_take (const char *state_dir, const char *runtime_root, enum census_owners owners, struct nsipc_census *c,
             nsipc_error *err)
{
  memset (c, 0, sizeof *c);
  c->home = namespace_open_current (err);
  if (c->home < 0 || namespace_inode (c->home, &c->host, err) < 0 || namespace_check_host (c->host, err) < 0)
    {
      census_free (c);
      return -1;
    }
  scan_processes (c);
  if (mountinfo_each (add_pin, c, err) < 0 || scan_named (c, state_dir, err) < 0
      || read_ledgers (c, state_dir, err) < 0)
    {
      census_free (c);
      return -1;
    }
  if (owners != CENSUS_OWNERS_NONE)
    {
      find_owners (c, runtime_root, owners == CENSUS_OWNERS_ALL);
      classify (c);
    }
  return 0;
}

void
census_scene (const struct nsipc_census_ns *ns, const struct nsipc_scene *base, struct nsipc_evidence *ev,
              struct nsipc_scene *s)
{
  *s = *base;
  s->keep = ns->keep;
  s->n_keep = ns->n_keep;
  s->cleanup = ns->cleanup;
  s->unrecorded = ns->incomplete;
  s->evidence = ev;
  evidence_defer (ns->pids, ns->n_pids, ev);
  /* Who holds queues open is read again here, on first need: a set read
     for an earlier namespace is as old as all the judging since, and a
     queue opened meanwhile would pass for one nobody holds. */
  if (s->open)
    inventory_open_files_free (s->open);
}

int
census_hold (const struct nsipc_census_ns *ns, nsipc_error *err)
{
  _cleanup_close_ int fd = namespace_open_path (ns->path, err);
  uint64_t inode;
  if (fd < 0 || namespace_inode (fd, &inode, err) < 0)
    return -1;
  if (inode != ns->inode)
    return nsipc_error_set (err, 0, "%s is no longer IPC namespace %" PRIu64, ns->path, ns->inode);
  return steal_fd (&fd);
}

int
census_visit (const struct nsipc_census *c, const struct nsipc_census_ns *ns, int (*fn) (void *ctx, nsipc_error *err),
              void *ctx, nsipc_error *err)
{
  _cleanup_close_ int fd = census_hold (ns, err);
  return fd < 0 ? -1 : namespace_visit_from (c->home, fd, fn, ctx, err);
}

struct reaping
{
  const struct nsipc_scene *scene;
  bool dry_run;
  struct nsipc_reap *out;
};

static int
reap_here (void *ctx, nsipc_error *err)
{
  struct reaping *r = ctx;
  return reaper_reap (r->scene, r->dry_run, r->out, err);
}

int
census_reap (const struct nsipc_census *c, const struct nsipc_census_ns *ns, const struct nsipc_scene *base,
             const struct nsipc_ledger_object *pre, size_t n_pre, bool dry_run, struct nsipc_reap *out,
             nsipc_error *err)
{
  struct nsipc_evidence ev;
  struct nsipc_scene s;
  memset (out, 0, sizeof *out);
  census_scene (ns, base, &ev, &s);
  s.preexisting = pre;
  s.n_preexisting = n_pre;
  struct reaping reaping = { &s, dry_run, out };
  int r = census_visit (c, ns, reap_here, &reaping, err);
  evidence_free (&ev);
  return r;
}

const struct nsipc_census_ns *
census_find (const struct nsipc_census *c, uint64_t inode)
{
  for (size_t i = 0; i < c->n; i++)
    if (c->ns[i].inode == inode)
      return &c->ns[i];
  return NULL;
}

bool
census_knows (const struct nsipc_census *c, const char *name, const char *id)
{
  bool name_ok = name == NULL, id_ok = id == NULL;
  for (size_t k = 0; k < c->n; k++)
    {
      name_ok |= name && c->ns[k].name && strcmp (c->ns[k].name, name) == 0;
      for (size_t i = 0; id && i < c->ns[k].n_owners; i++)
        id_ok |= c->ns[k].owners[i].container && strcmp (c->ns[k].owners[i].container, id) == 0;
    }
  for (size_t i = 0; id && i < c->n_ledgers; i++)
    id_ok |= strcmp (c->ledgers[i].id, id) == 0;
  return name_ok && id_ok;
}

bool
census_ledger_names (const struct nsipc_census *c, const struct nsipc_census_ns *ns, const char *id)
{
  for (size_t i = 0; i < c->n_ledgers; i++)
    if (c->ledgers[i].ns_inode == ns->inode && (id == NULL || strcmp (c->ledgers[i].id, id) == 0))
      return true;
  return false;
}

bool
census_reachable (const struct nsipc_census *c, const struct nsipc_census_ns *ns)
{
  return ns->kind != NS_KIND_HOST && (ns->name || census_container (ns) || census_ledger_names (c, ns, NULL));
}

const char *
census_container (const struct nsipc_census_ns *ns)
{
  for (size_t i = 0; i < ns->n_owners; i++)
    if (ns->owners[i].container)
      return ns->owners[i].container;
  return NULL;
}

void
census_free (struct nsipc_census *c)
{
  if (c->home >= 0)
    close (c->home);
  for (size_t k = 0; k < c->n; k++)
    {
      struct nsipc_census_ns *ns = &c->ns[k];
      free (ns->name);
      free (ns->path);
      free (ns->pids);
      free (ns->guests);
      for (size_t i = 0; i < ns->n_owners; i++)
        {
          free (ns->owners[i].container);
          free (ns->owners[i].pids);
        }
      free (ns->owners);
      ledger_objects_free (ns->keep, ns->n_keep);
    }
  free (c->ns);
  for (size_t i = 0; i < c->n_ledgers; i++)
    ledger_free (&c->ledgers[i]);
  free (c->ledgers);
  memset (c, 0, sizeof *c);
  c->home = -1;
}
