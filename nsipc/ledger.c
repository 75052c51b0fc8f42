/* Ledger records: JSON in, JSON out, and reaching the namespace they name. */
#include "ledger.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "namespace.h"
#include "procfs.h"
#include "state.h"
#include "util.h"

json_t *
ledger_objects_to_json (const struct nsipc_ledger_object *objs, size_t n)
{
  json_t *a = json_array ();
  for (size_t i = 0; i < n; i++)
    json_array_append_new (a, objs[i].type == OBJECT_MQUEUE
                                  ? json_pack ("{s:s, s:s}", "type", "mqueue", "name", objs[i].name)
                                  : json_pack ("{s:s, s:i, s:I, s:I, s:s?}", "type", policy_type_name (objs[i].type),
                                               "id", objs[i].id, "key", (json_int_t)objs[i].key, "ctime",
                                               (json_int_t)objs[i].ctime, "label", objs[i].name));
  return a;
}

bool
ledger_object_listed (const struct nsipc_ledger_object *list, size_t n, enum nsipc_object_type type, int id,
                      uint32_t key, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (list[i].type == type
        && (type == OBJECT_MQUEUE ? name && list[i].name && strcmp (name, list[i].name) == 0
                                  : list[i].id == id && list[i].key == key))
      return true;
  return false;
}

int
ledger_objects_from_json (json_t *a, struct nsipc_ledger_object **objs, size_t *n)
{
  *n = 0;
  *objs = xcalloc (json_array_size (a) + 1, sizeof **objs);
  if (a && !json_is_array (a))
    return -1; /* not silently an empty list: it may be what protects objects */
  size_t i;
  json_t *v;
  json_array_foreach (a, i, v)
  {
    struct nsipc_ledger_object *o = &(*objs)[*n];
    const char *type = json_string_value (json_object_get (v, "type"));
    int t = 0;
    while (type && t < OBJECT_TYPE_COUNT && strcmp (type, policy_type_name (t)) != 0)
      t++;
    if (type == NULL || t == OBJECT_TYPE_COUNT)
      return -1;
    o->type = t;
    o->id = json_integer_value (json_object_get (v, "id"));
    o->ctime = json_integer_value (json_object_get (v, "ctime"));
    o->key = json_integer_value (json_object_get (v, "key"));
    const char *name = json_string_value (json_object_get (v, t == OBJECT_MQUEUE ? "name" : "label"));
    if ((t == OBJECT_MQUEUE && name == NULL) || (name && (o->name = xstrdup (name)) == NULL))
      return -1;
    (*n)++;
  }
  return 0;
}

void
ledger_objects_seal (const struct nsipc_ledger_object *list, size_t n, struct nsipc_policy *seal)
{
  seal->seal = true;
  seal->objects = xrealloc (seal->objects, (seal->n_objects + n + 1) * sizeof *seal->objects);
  for (size_t i = 0; i < n; i++)
    if (list[i].type != OBJECT_MQUEUE)
      seal->objects[seal->n_objects++] = (struct nsipc_object){ .type = list[i].type, .key = list[i].key };
}

size_t
ledger_seal_list (const struct nsipc_policy *p, struct nsipc_ledger_object **list)
{
  size_t n = 0;
  *list = xcalloc (p->n_objects + 1, sizeof **list);
  for (size_t i = 0; i < p->n_objects; i++)
    if (p->objects[i].type != OBJECT_MQUEUE)
      (*list)[n++] = (struct nsipc_ledger_object){ .type = p->objects[i].type, .key = p->objects[i].key };
  return n;
}

json_t *
ledger_to_json (const struct nsipc_ledger *l)
{
  json_t *j = json_pack ("{s:s, s:s?, s:s?, s:s?, s:s, s:s?, s:s?, s:I, s:i, s:I, s:I, s:b, s:s, s:o, s:o}", "id",
                         l->id, "bundle", l->bundle, "policy", l->policy, "policy_digest", l->policy_digest, "ns_kind",
                         namespace_kind_name (l->kind), "ns_name", l->ns_name, "ns_path", l->ns_path, "ns_inode",
                         (json_int_t)l->ns_inode, "pid", (int)l->pid, "pid_start", (json_int_t)l->pid_start, "created",
                         (json_int_t)l->created, "complete", l->complete, "cleanup", policy_cleanup_name (l->cleanup),
                         "preexisting", ledger_objects_to_json (l->preexisting, l->n_preexisting), "provisioned",
                         ledger_objects_to_json (l->provisioned, l->n_provisioned));
  if (j && l->sealed)
    json_object_set_new (j, "sealed", ledger_objects_to_json (l->sealed, l->n_sealed));
  if (j && l->ns_handle)
    json_object_set_new (j, "ns_handle", json_string (l->ns_handle));
  return j;
}

int
ledger_write (int dirfd, const struct nsipc_ledger *l, nsipc_error *err)
{
  char file[LEDGER_ID_MAX + 8];
  state_record_file (l->id, file, sizeof file);
  _cleanup_json_ json_t *j = ledger_to_json (l);
  if (j == NULL)
    return nsipc_error_set (err, ENOMEM, "ledger of %s", l->id);
  return state_write_json (dirfd, file, j, err);
}

static char *
dup_or_null (json_t *j, const char *key)
{
  const char *s = json_string_value (json_object_get (j, key));
  return s ? xstrdup (s) : NULL;
}

int
ledger_from_json (json_t *j, const char *id, struct nsipc_ledger *l, nsipc_error *err)
{
  memset (l, 0, sizeof *l);
  enum nsipc_ns_kind k;
  if (!namespace_kind_parse (json_string_value (json_object_get (j, "ns_kind")), &k) || k == NS_KIND_PINNED
      || !json_is_integer (json_object_get (j, "ns_inode")))
    return nsipc_error_set (err, 0, "ledger of %s: no namespace recorded", id);
  /* Names become paths and file names: checked again, as when written. */
  const char *ns_name = json_string_value (json_object_get (j, "ns_name"));
  const char *ns_path = json_string_value (json_object_get (j, "ns_path"));
  if (ns_name && !state_valid_name (ns_name, STATE_NAME_MAX))
    return nsipc_error_set (err, 0, "ledger of %s: \"ns_name\" is not a namespace name", id);
  if (ns_path && ns_path[0] != '/')
    return nsipc_error_set (err, 0, "ledger of %s: \"ns_path\" is not an absolute path", id);
  l->kind = k;
  l->id = xstrdup (id);
  l->bundle = dup_or_null (j, "bundle");
  l->policy = dup_or_null (j, "policy");
  l->policy_digest = dup_or_null (j, "policy_digest");
  l->ns_name = dup_or_null (j, "ns_name");
  l->ns_path = dup_or_null (j, "ns_path");
  l->ns_inode = json_integer_value (json_object_get (j, "ns_inode"));
  l->ns_handle = dup_or_null (j, "ns_handle");
  l->pid = json_integer_value (json_object_get (j, "pid"));
  l->pid_start = json_integer_value (json_object_get (j, "pid_start"));
  l->created = json_integer_value (json_object_get (j, "created"));
  l->complete = json_is_true (json_object_get (j, "complete"));
  /* An unreadable mode is the default, never a laxer one. */
  if (!policy_cleanup_parse (json_string_value (json_object_get (j, "cleanup")), &l->cleanup))
    l->cleanup = CLEANUP_SAFE;
  if (ledger_objects_from_json (json_object_get (j, "preexisting"), &l->preexisting, &l->n_preexisting) < 0
      || ledger_objects_from_json (json_object_get (j, "provisioned"), &l->provisioned, &l->n_provisioned) < 0
      || (json_object_get (j, "sealed")
          && ledger_objects_from_json (json_object_get (j, "sealed"), &l->sealed, &l->n_sealed) < 0))
    {
      ledger_free (l);
      return nsipc_error_set (err, 0, "ledger of %s: malformed object list", id);
    }
  return 0;
}

int
ledger_read (int dirfd, const char *id, struct nsipc_ledger *l, nsipc_error *err)
{
  memset (l, 0, sizeof *l);
  if (!state_valid_name (id, LEDGER_ID_MAX))
    return nsipc_error_set (err, 0, "\"%s\" is not a container id", id);
  char file[LEDGER_ID_MAX + 8];
  state_record_file (id, file, sizeof file);
  _cleanup_json_ json_t *j = state_read_json (dirfd, file, err);
  if (j == NULL)
    return -1;
  return ledger_from_json (j, id, l, err);
}

int
ledger_each (int dirfd, int (*fn) (void *ctx, int dirfd, const struct nsipc_ledger *l), void *ctx, nsipc_error *err)
{
  char **files = NULL;
  ssize_t n = state_list_records (dirfd, &files, err);
  if (n < 0)
    return -1;
  int stop = 0;
  for (ssize_t i = 0; i < n; i++)
    {
      files[i][strlen (files[i]) - 5] = '\0'; /* the id: NAME of NAME.json */
      struct nsipc_ledger l;
      nsipc_error ignored;
      if (stop == 0 && ledger_read (dirfd, files[i], &l, &ignored) == 0)
        {
          stop = fn (ctx, dirfd, &l);
          ledger_free (&l);
        }
      free (files[i]);
    }
  free (files);
  return 0;
}

/* STATE_DIR/containers, locked. */
static int
open_dir (const char *state_dir, bool create, nsipc_error *err)
{
  _cleanup_close_ int dir = state_open_dir (state_dir, "containers", create, err);
  if (dir < 0 || state_lock (dir, err) < 0)
    return -1;
  return steal_fd (&dir);
}

int
ledger_store (const char *state_dir, const struct nsipc_ledger *l, nsipc_error *err)
{
  _cleanup_close_ int dir = open_dir (state_dir, true, err);
  return dir < 0 ? -1 : ledger_write (dir, l, err);
}

bool
ledger_container_alive (const struct nsipc_ledger *l)
{
  uint64_t start;
  nsipc_error ignored;
  return l->pid > 0 && procfs_start_time (l->pid, &start, &ignored) == 0 && start == l->pid_start;
}

/* Whether the namespace a stopped container joined is still where its
   ledger says, or its own namespace is still held (a pod's sandbox that
   stopped before the containers that joined it), as poststop asks: then
   what its policy made there is still to protect. */
static bool
shared_remains (const struct nsipc_ledger *l)
{
  nsipc_error ignored;
  uint64_t inode;
  size_t n;
  bool pin;
  if (l->kind == NS_KIND_PRIVATE)
    return namespace_held (l->ns_handle, l->ns_inode, &n, &pin, &ignored) != 0;
  _cleanup_close_ int fd = l->kind == NS_KIND_SHARED && l->ns_path ? namespace_open_path (l->ns_path, &ignored) : -1;
  return fd >= 0 && namespace_inode (fd, &inode, &ignored) == 0 && inode == l->ns_inode;
}

/* OLD's record, kept as ID.stopped-START: a valid id, so gc and audit read
   it as any stopped container's, and gc drops it once its namespace is gone. */
static int
retire (int dir, const struct nsipc_ledger *old, nsipc_error *err)
{
  char suffix[32], name[LEDGER_ID_MAX + 1], from[LEDGER_ID_MAX + 8], to[LEDGER_ID_MAX + 8];
  int n = snprintf (suffix, sizeof suffix, ".stopped-%" PRIu64, old->pid_start);
  format (name, sizeof name, "%.*s%s", LEDGER_ID_MAX - n, old->id, suffix);
  state_record_file (old->id, from, sizeof from);
  state_record_file (name, to, sizeof to);
  if (renameat (dir, from, dir, to) < 0)
    return nsipc_error_set (err, errno, "keep the ledger of the stopped container %s as %s", old->id, name);
  return 0;
}

/* An earlier ledger of L's id: a running container's stays, and L's start
   is refused; a stopped one's that still protects objects in a namespace
   others share is kept under another name; any other is replaced.  1 when
   it is this very process's, complete, of the same policy: the hook ran
   to the end for it already (runc runs createRuntime twice for a container
   without a mount namespace of its own). */
static int
make_room (int dir, const struct nsipc_ledger *l, nsipc_error *err)
{
  struct nsipc_ledger old;
  nsipc_error ignored;
  if (ledger_read (dir, l->id, &old, &ignored) < 0)
    return 0; /* none, or unreadable: it protects nothing gc could read */
  int r = 0;
  if (old.pid == l->pid && old.pid_start == l->pid_start)
    r = old.complete && old.policy_digest && l->policy_digest && strcmp (old.policy_digest, l->policy_digest) == 0;
  else if (ledger_container_alive (&old))
    r = nsipc_error_set (err, 0,
                         "a running container (process %d, bundle %s) has this id: ids must be unique among the "
                         "runtimes that share a state directory",
                         (int)old.pid, old.bundle ? old.bundle : "unknown");
  else if (shared_remains (&old))
    r = retire (dir, &old, err);
  ledger_free (&old);
  return r;
}

int
ledger_begin (const char *state_dir, const struct nsipc_ledger *l, nsipc_error *err)
{
  _cleanup_close_ int dir = open_dir (state_dir, true, err);
  int r = dir < 0 ? -1 : make_room (dir, l, err);
  return r != 0 ? r : ledger_write (dir, l, err);
}

int
ledger_take (const char *state_dir, const char *id, struct nsipc_ledger *l, int *held, nsipc_error *err)
{
  memset (l, 0, sizeof *l);
  _cleanup_close_ int dir = open_dir (state_dir, false, err);
  if (dir < 0 || ledger_read (dir, id, l, err) < 0)
    return -1;
  if (held)
    *held = steal_fd (&dir);
  return 0;
}

int
ledger_drop (const char *state_dir, const char *id, nsipc_error *err)
{
  char file[LEDGER_ID_MAX + 8];
  state_record_file (id, file, sizeof file);
  _cleanup_close_ int dir = open_dir (state_dir, false, err);
  return dir < 0 ? -1 : state_remove (dir, file, err);
}

/* Whether the record O says nothing L's does not: a stopped container of
   the same policy in the same namespace, whose objects L lists too. */
static bool
covered (const struct nsipc_ledger *o, const struct nsipc_ledger *l)
{
  if (!o->complete || o->kind != NS_KIND_SHARED || o->ns_inode != l->ns_inode || o->policy_digest == NULL
      || strcmp (o->policy_digest, l->policy_digest) != 0 || ledger_container_alive (o))
    return false;
  for (size_t i = 0; i < o->n_provisioned; i++)
    {
      const struct nsipc_ledger_object *x = &o->provisioned[i];
      if (!ledger_object_listed (l->provisioned, l->n_provisioned, x->type, x->id, x->key, x->name))
        return false;
    }
  return true;
}

static int
drop_if_covered (void *ctx, int dir, const struct nsipc_ledger *o)
{
  const struct nsipc_ledger *l = ctx;
  if (strcmp (o->id, l->id) != 0 && covered (o, l))
    {
      char file[LEDGER_ID_MAX + 8];
      nsipc_error ignored;
      state_record_file (o->id, file, sizeof file);
      state_remove (dir, file, &ignored);
    }
  return 0;
}

int
ledger_drop_covered (const char *state_dir, const struct nsipc_ledger *l, nsipc_error *err)
{
  if (!l->complete || l->kind != NS_KIND_SHARED || l->policy_digest == NULL)
    return 0;
  _cleanup_close_ int dir = open_dir (state_dir, false, err);
  return dir < 0 ? -1 : ledger_each (dir, drop_if_covered, (void *)l, err);
}

int
ledger_drop_same (const char *state_dir, const struct nsipc_ledger *l, nsipc_error *err)
{
  _cleanup_close_ int dir = open_dir (state_dir, false, err);
  if (dir < 0)
    return err->status == ENOENT ? 0 : -1;
  struct nsipc_ledger now;
  nsipc_error ignored;
  if (ledger_read (dir, l->id, &now, &ignored) < 0)
    return 0; /* gone, or another's we cannot read: not ours to drop */
  bool same = now.pid == l->pid && now.pid_start == l->pid_start && now.created == l->created;
  ledger_free (&now);
  if (!same)
    return 0;
  char file[LEDGER_ID_MAX + 8];
  state_record_file (l->id, file, sizeof file);
  return state_remove (dir, file, err);
}

void
ledger_objects_free (struct nsipc_ledger_object *objs, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (objs[i].name);
  free (objs);
}

void
ledger_free (struct nsipc_ledger *l)
{
  free (l->id);
  free (l->bundle);
  free (l->policy);
  free (l->policy_digest);
  free (l->ns_name);
  free (l->ns_path);
  free (l->ns_handle);
  ledger_objects_free (l->preexisting, l->n_preexisting);
  ledger_objects_free (l->provisioned, l->n_provisioned);
  ledger_objects_free (l->sealed, l->n_sealed);
  memset (l, 0, sizeof *l);
}

int
ledger_enter (const struct nsipc_ledger *l, int ns_dirfd, nsipc_error *err)
{
  _cleanup_close_ int nsfd = -1;
  /* A stopped container's ledger may outlive it (its namespace does). */
  uint64_t start;
  if (procfs_start_time (l->pid, &start, err) < 0 || start != l->pid_start)
    return nsipc_error_set (err, 0, "container %s has stopped: its process %d is gone", l->id, (int)l->pid);
  if (l->kind == NS_KIND_NAMED && l->ns_name)
    nsfd = namespace_open_pin (ns_dirfd, l->ns_name, err);
  else if (l->kind == NS_KIND_SHARED && l->ns_path)
    nsfd = namespace_open_path (l->ns_path, err);
  else
    {
      if (namespace_enter_pid (l->pid, err) < 0)
        return nsipc_error_prefix (err, "container %s", l->id);
      nsfd = namespace_open_current (err);
    }
  uint64_t inode;
  if (nsfd < 0 || namespace_inode (nsfd, &inode, err) < 0)
    return nsipc_error_prefix (err, "container %s", l->id);
  if (inode != l->ns_inode)
    return nsipc_error_set (err, 0, "container %s: its IPC namespace %" PRIu64 " is gone", l->id, l->ns_inode);
  return namespace_enter (nsfd, err);
}
