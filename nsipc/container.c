/* One container's IPC life (DESIGN.md §8): createRuntime classifies its
   namespace, provisions the policy and writes the ledger; poststop, which
   gets no pid, works from the ledger and removes the orphans the container
   left in a namespace that outlives it.  Nothing here prints. */
#include "container.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "census.h"
#include "format.h"
#include "inventory.h"
#include "limits.h"
#include "named.h"
#include "namespace.h"
#include "objects.h"
#include "procfs.h"
#include "provision.h"
#include "reaper.h"
#include "shm.h"
#include "state.h"
#include "util.h"

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
  if (userns && map_owners (p, l->pid, err) < 0)
    return -1;
  /* Made by this hook (or its helper), which exits: with shm_rmid_forced
     the kernel would remove each segment then. */
  if (l->kind == NS_KIND_PRIVATE && provision_outlives_us (p, err) < 0)
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
provision_container (const char *state_dir, struct nsipc_ledger *l, struct nsipc_policy *p, const char *other,
                     bool userns, nsipc_error *err)
{
  if (l->kind == NS_KIND_HOST) /* refuse_host let nothing through */
    return 0;
  if (provision_objects (l, p, other, userns, err) < 0)
    return -1;
  if (provision_policy_objects (p, &l->provisioned, &l->n_provisioned, err) < 0)
    return -1;
  if (l->kind != NS_KIND_NAMED)
    return 0;
  return named_add_provisioned (state_dir, l->ns_name, l->provisioned, l->n_provisioned, err);
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
      /* By processes' links only: a stat of every process's task
         directory would cost each container start a quarter of the scan,
         for a thread that joined a namespace made a moment ago. */
      if (namespace_members (l->ns_inode, false, &pids, &n, &skipped, err) < 0)
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
classify (const char *state_dir, struct nsipc_ledger *l, const struct nsipc_policy *p, const char *bundle,
          uint64_t home, char **rootfs, nsipc_error *err)
{
  enum nsipc_oci_ipc ipc;
  _cleanup_free_ char *path = NULL;
  if (oci_bundle_ipc (bundle, p, &ipc, &path, rootfs, err) < 0)
    return -1;
  l->ns_name = named_by_inode (state_dir, l->ns_inode, NULL);
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
describe_shared (const char *state_dir, const struct nsipc_ledger *l, char *buf, size_t len)
{
  if (l->ns_name == NULL)
    {
      format (buf, len, "IPC namespace %s", l->ns_path ? l->ns_path : "");
      return;
    }
  _cleanup_free_ char *policy = NULL;
  free (named_by_inode (state_dir, l->ns_inode, &policy)); /* for its policy */
  format (buf, len, "namespace %s, policy %s", l->ns_name, policy ? policy : "none");
}

/* The container's /dev/shm as the policy says: its named namespace's
   tmpfs when that has one (whose size the policy must agree with), else
   its own, in a namespace of its own, resized to dev_shm; in a namespace
   others share, or the host's, one of that size already (a pod's, which
   its own container sized), or the container does not start.  Changes
   only the container's mounts, which go with it. */
static int
fit_dev_shm (const char *state_dir, const struct nsipc_ledger *l, const struct nsipc_policy *p, const char *rootfs,
             nsipc_error *err)
{
  _cleanup_close_ int tree = l->kind == NS_KIND_NAMED ? shm_named_tree (state_dir, l->ns_name, err) : -1;
  if (tree < 0 && l->kind == NS_KIND_NAMED && err->status != ENOENT)
    return -1;
  if (tree >= 0 && p->dev_shm_size && shm_size_differs (tree, p->dev_shm_size, err))
    return nsipc_error_prefix (err, "namespace %s", l->ns_name);
  if (tree < 0 && p->dev_shm_size == 0)
    return 0;
  if (rootfs == NULL)
    return nsipc_error_set (err, 0, "bundle %s: config.json has no root.path, where /dev/shm would be", l->bundle);
  if (tree < 0 && l->kind != NS_KIND_PRIVATE && l->kind != NS_KIND_NAMED)
    return shm_check_container (l->pid, rootfs, p->dev_shm_size, err);
  return shm_fit_container (l->pid, l->id, rootfs, p->dev_shm_size, tree, err);
}

/* A seal binds its own container's workload only: a sealed one that
   joins a namespace where a container of an unsealed policy runs would
   have its objects removed or re-owned by that one's workload.  The
   running containers nsipc knows of are those with a ledger. */
struct neighbours
{
  const struct nsipc_ledger *self;
  const char *other;
  nsipc_error *err;
  int r;
};

static int
refuse_unsealed (void *ctx, int dirfd, const struct nsipc_ledger *l)
{
  struct neighbours *nb = ctx;
  (void)dirfd;
  /* One still being provisioned counts: its hook wrote this ledger first. */
  if (l->ns_inode != nb->self->ns_inode || l->sealed || strcmp (l->id, nb->self->id) == 0
      || !ledger_container_alive (l))
    return 0;
  nb->r = nsipc_error_set (nb->err, 0,
                           "container %s of policy %s, which is not sealed, runs in the shared namespace (%s): its "
                           "workload could remove the objects of policy %s; a sealed policy joins only a namespace "
                           "whose containers are sealed",
                           l->id, l->policy ? l->policy : "?", nb->other, nb->self->policy);
  return 1;
}

static int
check_unsealed_neighbours (const char *state_dir, const struct nsipc_ledger *self, const char *other, nsipc_error *err)
{
  nsipc_error ignored;
  _cleanup_close_ int dirfd = state_open_dir (state_dir, "containers", false, &ignored);
  struct neighbours nb = { self, other, err, 0 };
  if (dirfd >= 0 && ledger_each (dirfd, refuse_unsealed, &nb, err) < 0)
    return nsipc_error_prefix (err, "%s/containers", state_dir);
  return nb.r;
}

/* The seal holds for every way in (DESIGN.md §4), a container's too: one
   joining a namespace a sealed policy provisioned must be sealed itself
   (its config carries the seal, which the bundle check saw), or its
   workload could remove or re-own the sealed policy's objects; and a
   sealed one joins no namespace an unsealed container runs in. */
static int
check_sealed_join (const char *state_dir, const struct nsipc_ledger *l, const struct nsipc_policy *p, const char *other,
                   nsipc_error *err)
{
  if (l->kind != NS_KIND_SHARED && l->kind != NS_KIND_NAMED)
    return 0;
  if (p->seal)
    return check_unsealed_neighbours (state_dir, l, other, err);
  struct nsipc_policy seal = { 0 };
  int r = container_namespace_seal (state_dir, l->ns_inode, &seal, err);
  if (r == 0 && seal.seal)
    r = nsipc_error_set (err, 0,
                         "the shared namespace (%s) is sealed, but policy %s is not: a container that joins a sealed "
                         "namespace needs a sealed policy",
                         other, l->policy);
  policy_free (&seal);
  return r;
}

/* Classifies, snapshots what exists (in a namespace others share), writes
   the ledger, provisions and writes it complete; the caller is in the
   container's IPC namespace. */
static int
create_in (const char *state_dir, struct nsipc_ledger *l, struct nsipc_policy *p, uint64_t home_inode, nsipc_error *err)
{
  _cleanup_close_ int ns = namespace_open_current (err);
  _cleanup_free_ char *rootfs = NULL;
  char other[160];
  if (ns < 0 || namespace_inode (ns, &l->ns_inode, err) < 0
      || classify (state_dir, l, p, l->bundle, home_inode, &rootfs, err) < 0
      || (l->kind == NS_KIND_HOST && refuse_host (p, err) < 0) || fit_dev_shm (state_dir, l, p, rootfs, err) < 0)
    return -1;
  describe_shared (state_dir, l, other, sizeof other);
  if (l->kind == NS_KIND_PRIVATE) /* for poststop to tell whether it outlives the container */
    l->ns_handle = namespace_handle (ns);
  /* Who else joined is checked, and this ledger written, while no other
     container's hook does the same. */
  bool shared = l->kind == NS_KIND_NAMED || l->kind == NS_KIND_SHARED;
  _cleanup_close_ int joining = shared ? state_lock_top (state_dir, err) : -1;
  if ((shared && joining < 0) || check_sealed_join (state_dir, l, p, other, err) < 0)
    return -1;
  /* What existed before the container, then the ledger, both before any
     change: poststop finds a partial one, and removes nothing then. */
  if (shared && provision_snapshot (&l->preexisting, &l->n_preexisting, true, err) < 0)
    return -1;
  int begun = ledger_begin (state_dir, l, err);
  if (joining >= 0) /* the ledger shows this container now */
    close (joining), joining = -1;
  if (begun == 1) /* provisioned already, by an earlier run for this process */
    return 0;
  if (begun < 0 || provision_container (state_dir, l, p, other, procfs_identity_map (l->pid) == 0, err) < 0)
    return -1;
  l->complete = true;
  if (ledger_store (state_dir, l, err) < 0)
    return -1;
  nsipc_error ignored; /* tidying: a record left is only kept longer */
  ledger_drop_covered (state_dir, l, &ignored);
  return 0;
}

int
container_create (const char *state_dir, const struct nsipc_oci_state *st, struct nsipc_policy *p, const char *label,
                  nsipc_error *err)
{
  if (st->pid <= 0)
    return nsipc_error_set (err, 0, "the state has no pid; createRuntime needs the container's");
  if (st->bundle == NULL)
    return nsipc_error_set (err, 0, "the state has no bundle; createRuntime needs the container's config");
  /* clock_gettime, not time (): in Debian 12's glibc, time () is alone in
     64 KiB of code the hook would map for it (its peak RSS is mostly the
     libc code it touches; tests/bench/README.md). */
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  /* The ledger borrows from the state and the policy. */
  struct nsipc_ledger l = { .id = st->id,
                            .bundle = st->bundle,
                            .policy = (char *)label,
                            .policy_digest = p->digest,
                            .pid = st->pid,
                            .created = now.tv_sec,
                            .cleanup = p->cleanup };
  if (p->seal)
    l.n_sealed = ledger_seal_list (p, &l.sealed);
  _cleanup_close_ int home = -1;
  uint64_t home_inode;
  int r = -1;
  /* No mount namespace of our own: nothing here mounts where the host
     would see it (queues are listed through a detached mount, /dev/shm is
     fitted inside the container's), and making one costs more than the
     rest of the hook. */
  if (procfs_start_time (st->pid, &l.pid_start, err) == 0 && (home = namespace_open_current (err)) >= 0
      && namespace_inode (home, &home_inode, err) == 0 && namespace_enter_pid (st->pid, err) == 0)
    {
      r = create_in (state_dir, &l, p, home_inode, err);
      nsipc_error back;
      if (namespace_enter (home, &back) < 0)
        abort (); /* we came from there */
    }
  l.id = l.bundle = l.policy = l.policy_digest = NULL;
  ledger_free (&l);
  return r;
}

/* Removes the orphans of a namespace that outlives the container, judged
   by every rule (DESIGN.md §6) as gc judges them; what existed before the
   container is outside poststop's scope. */
static int
reap_shared (const char *state_dir, const struct nsipc_ledger *l, int64_t min_idle, struct nsipc_poststop *out,
             nsipc_error *err)
{
  struct nsipc_open_files open = { 0 };
  char why[160];
  struct nsipc_scene base = { .min_idle = min_idle, .open = &open };
  reaper_scene_live (&base, why, sizeof why);
  if (base.blind)
    {
      out->keep_record = true;
      format (out->note, sizeof out->note, "container %s: %s: removed nothing", l->id, base.blind);
      return 0;
    }
  struct nsipc_census c;
  int held[2]; /* the records hold still while it reaps, as for gc */
  if (namespace_unshare_mount (err) < 0 || state_hold (state_dir, true, held, err) < 0)
    return -1;
  if (census_take (state_dir, NULL, CENSUS_OWNERS_NONE, &c, err) < 0)
    return state_release (held), -1;
  const struct nsipc_census_ns *ns = census_find (&c, l->ns_inode);
  if (ns == NULL)
    {
      format (out->note, sizeof out->note, "container %s: nothing to clean: its IPC namespace is gone", l->id);
      state_release (held);
      census_free (&c);
      return 0;
    }
  out->keep_record = l->kind == NS_KIND_SHARED;
  int r = census_reap (&c, ns, &base, l->preexisting, l->n_preexisting, false, &out->reap, err);
  state_release (held);
  inventory_open_files_free (&open);
  if (r == 0)
    {
      out->reaped = true;
      format (out->note, sizeof out->note,
              "container %s: removed %zu orphan%s, kept %zu in use, in IPC namespace %" PRIu64 "%s%s", l->id,
              out->reap.n_removed, out->reap.n_removed == 1 ? "" : "s", out->reap.kept, l->ns_inode,
              ns->name ? " " : "", ns->name ? ns->name : "");
    }
  census_free (&c);
  return r;
}

/* A container's own namespace that others still hold (a pod's sandbox
   stopped before the containers that joined it, or a pin): its ledger
   stays, since it alone lists what the policy provisioned there, which
   gc and the others' poststops would otherwise judge as orphans; gc
   drops it once the namespace is gone.  Processes and pins are what gc
   reaches a namespace by. */
static void
keep_if_outlived (const struct nsipc_ledger *l, struct nsipc_poststop *out)
{
  nsipc_error err;
  size_t n;
  bool pin;
  int held = namespace_held (l->ns_handle, l->ns_inode, &n, &pin, &err);
  if (held < 0)
    {
      out->keep_record = true;
      format (out->note, sizeof out->note,
              "container %s: cannot tell whether its IPC namespace outlives it (%s); the record stays", l->id, err.msg);
    }
  else if (held)
    {
      out->keep_record = true;
      format (out->note, sizeof out->note,
              "container %s: its IPC namespace %" PRIu64 " outlives it (%zu process%s in it%s); removed nothing, the "
              "record stays to keep the policy's objects",
              l->id, l->ns_inode, n, n == 1 ? "" : "es", pin ? ", pinned" : "");
    }
  else
    {
      format (out->note, sizeof out->note, "container %s: its own IPC namespace went with it; the record is dropped",
              l->id);
      out->routine = true;
    }
}

int
container_poststop (const char *state_dir, const char *id, const char *bundle, int64_t min_idle,
                    struct nsipc_poststop *out, nsipc_error *err)
{
  memset (out, 0, sizeof *out);
  struct nsipc_ledger l;
  /* Held while a private container's is judged (a handle's open): it is
     dropped as read, never a new container's that took the id meanwhile. */
  _cleanup_close_ int held = -1;
  if (ledger_take (state_dir, id, &l, &held, err) < 0)
    {
      /* None, or unreadable: a note, not a failure.  Dropping it also
         removes a temp file a killed createRuntime left. */
      if (err->status == ENOENT)
        format (out->note, sizeof out->note, "container %s: no ledger, nothing to clean", id);
      else
        format (out->note, sizeof out->note, "container %s: %s; the record is dropped", id, err->msg);
      nsipc_error ignored;
      ledger_drop (state_dir, id, &ignored);
      return 0;
    }
  /* Another container's, running under the same id in another runtime:
     its own poststop comes after its process. */
  if (bundle && l.bundle && strcmp (bundle, l.bundle) != 0 && ledger_container_alive (&l))
    {
      format (out->note, sizeof out->note,
              "container %s: its ledger is of a running container (process %d, bundle %s), left alone", id, (int)l.pid,
              l.bundle);
      ledger_free (&l);
      return 0;
    }
  int r = 0;
  out->ns_inode = l.ns_inode;
  bool shared = l.kind == NS_KIND_NAMED || l.kind == NS_KIND_SHARED;
  if (shared && !l.complete)
    format (out->note, sizeof out->note, "container %s: its start was refused or did not finish; removed nothing",
            l.id);
  else if (shared)
    {
      close (steal_fd (&held)); /* a long reap must not hold up starts */
      r = reap_shared (state_dir, &l, min_idle, out, err);
    }
  else if (l.kind == NS_KIND_PRIVATE)
    keep_if_outlived (&l, out);
  else /* the host's: nothing was provisioned there */
    {
      format (out->note, sizeof out->note, "container %s: it shared the host's IPC namespace; the record is dropped",
              l.id);
      out->routine = true;
    }
  if (r < 0)
    nsipc_error_prefix (err, "container %s", l.id);
  nsipc_error drop_err;
  char file[LEDGER_ID_MAX + 8];
  state_record_file (l.id, file, sizeof file);
  int dropped = out->keep_record ? 0
                : held >= 0      ? state_remove (held, file, &drop_err)
                                 : ledger_drop_same (state_dir, &l, &drop_err);
  if (dropped < 0 && r == 0)
    r = -1, *err = drop_err;
  ledger_free (&l);
  return r;
}

void
container_poststop_free (struct nsipc_poststop *out)
{
  reaper_free (&out->reap);
}

int
container_check_policyless (const char *state_dir, const struct nsipc_oci_state *st, nsipc_error *err)
{
  if (st->pid <= 0 || st->bundle == NULL)
    return 0;
  /* Only a namespace the config joins can be sealed already: a new one is
     empty, the runtime's own is the host's.  Read the cheap way first. */
  enum nsipc_oci_ipc ipc;
  _cleanup_free_ char *path = NULL, *rootfs = NULL;
  nsipc_error ignored;
  if (oci_bundle_ipc (st->bundle, NULL, &ipc, &path, &rootfs, &ignored) == 0 && ipc != OCI_IPC_PATH)
    return 0;
  char link[64];
  format (link, sizeof link, "/proc/%d/ns/ipc", (int)st->pid);
  uint64_t inode;
  _cleanup_close_ int fd = namespace_open_path (link, err);
  if (fd < 0 || namespace_inode (fd, &inode, err) < 0)
    return -1;
  struct nsipc_policy seal = { 0 };
  int r = container_namespace_seal (state_dir, inode, &seal, err);
  if (r == 0 && seal.seal)
    {
      _cleanup_free_ char *name = named_by_inode (state_dir, inode, NULL);
      r = nsipc_error_set (err, 0,
                           "it joins a sealed namespace (%s%s) without an nsipc policy: a container that joins a "
                           "sealed namespace needs a sealed policy (annotation %s)",
                           name ? "namespace " : "IPC namespace ",
                           name   ? name
                           : path ? path
                                  : link,
                           OCI_POLICY_ANNOTATION);
    }
  policy_free (&seal);
  return r;
}

struct seal_of
{
  uint64_t inode;
  struct nsipc_policy *seal;
};

static int
add_seal (void *ctx, int dirfd, const struct nsipc_ledger *l)
{
  struct seal_of *s = ctx;
  (void)dirfd;
  if (l->ns_inode == s->inode && l->sealed)
    ledger_objects_seal (l->sealed, l->n_sealed, s->seal);
  return 0;
}

int
container_namespace_seal (const char *state_dir, uint64_t inode, struct nsipc_policy *seal, nsipc_error *err)
{
  _cleanup_free_ char *name = named_by_inode (state_dir, inode, NULL);
  if (name && named_seal (state_dir, name, seal, err) < 0)
    return -1;
  _cleanup_close_ int dirfd = state_open_dir (state_dir, "containers", false, err);
  struct seal_of s = { inode, seal };
  if (dirfd >= 0 && ledger_each (dirfd, add_seal, &s, err) < 0)
    return nsipc_error_prefix (err, "%s/containers", state_dir);
  return 0;
}
