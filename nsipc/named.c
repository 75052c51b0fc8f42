/* Named namespaces: pins and records under STATE_DIR/ns.  Every change
   holds the directory's flock; a record's provisioned list grows as
   policies are applied and never shrinks while the namespace lives. */
#include "named.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "format.h"
#include "inventory.h"
#include "namespace.h"
#include "output.h"
#include "provision.h"
#include "shm.h"
#include "state.h"
#include "util.h"

/* ---- records, pure ---------------------------------------------------- */

const char *
named_record_name (json_t *record, const char *file)
{
  const char *name = json_string_value (json_object_get (record, "name"));
  size_t len = name ? strlen (name) : 0;
  if (name == NULL || !state_valid_name (name, STATE_NAME_MAX) || strncmp (file, name, len) != 0
      || strcmp (file + len, ".json") != 0)
    return NULL;
  return name;
}

bool
named_record_complete (json_t *record)
{
  const char *state = json_string_value (json_object_get (record, "state"));
  return state == NULL || strcmp (state, "ready") == 0;
}

/* Only a create or a delete that did not finish may be discarded: an
   apply that did not finish left a namespace whose objects and /dev/shm
   hold data. */
bool
named_record_discardable (json_t *record)
{
  const char *state = json_string_value (json_object_get (record, "state"));
  return state && (strcmp (state, "creating") == 0 || strcmp (state, "deleting") == 0);
}

void
named_record_set_state (json_t *record, const char *state)
{
  json_object_set_new (record, "state", json_string (state));
}

int
named_merge_provisioned (json_t *record, const struct nsipc_ledger_object *list, size_t n, nsipc_error *err)
{
  json_t *old = json_object_get (record, "provisioned");
  struct nsipc_ledger_object *have = NULL;
  size_t n_have = 0;
  if (!json_is_object (record) || ledger_objects_from_json (old, &have, &n_have) < 0)
    {
      ledger_objects_free (have, n_have);
      return nsipc_error_set (err, 0, "the record's provisioned list is malformed");
    }
  json_t *merged = old ? json_copy (old) : json_array ();
  for (size_t i = 0; merged && i < n; i++)
    if (!ledger_object_listed (have, n_have, list[i].type, list[i].id, list[i].key, list[i].name)
        && !ledger_object_listed (list, i, list[i].type, list[i].id, list[i].key, list[i].name))
      {
        _cleanup_json_ json_t *one = ledger_objects_to_json (&list[i], 1);
        json_array_extend (merged, one);
      }
  ledger_objects_free (have, n_have);
  if (merged == NULL)
    return nsipc_error_set (err, ENOMEM, "record");
  json_object_set_new (record, "provisioned", merged);
  return 0;
}

/* Where the policy file is, for ns list to compare it with what was
   applied from any directory later. */
static json_t *
policy_path (const struct nsipc_policy *p)
{
  _cleanup_free_ char *path = p->source ? realpath (p->source, NULL) : NULL;
  return path ? json_string (path) : json_null ();
}

static json_t *
new_record (const char *name, const char *label, const struct nsipc_policy *p)
{
  char created[32];
  time_t now = time (NULL);
  strftime (created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", gmtime (&now));
  json_t *j = json_pack ("{s:s, s:I, s:s?, s:s?, s:o, s:s, s:s, s:s, s:[]}", "name", name, "inode", (json_int_t)0,
                         "policy", label, "policy_digest", label ? p->digest : NULL, "policy_path",
                         label ? policy_path (p) : json_null (), "created", created, "cleanup",
                         policy_cleanup_name (p->cleanup), "state", "creating", "provisioned");
  if (j == NULL)
    abort (); /* only out of memory: every field is valid */
  json_object_set_new (j, "seal", json_boolean (p->seal));
  return j;
}

/* ---- the directory ---------------------------------------------------- */

static void
record_file (const char *name, char file[STATE_NAME_MAX + 8])
{
  state_record_file (name, file, STATE_NAME_MAX + 8);
}

/* STATE_DIR/ns, locked; CREATE also makes it a shared mount point, as
   `ip netns` does, so that unpinning reaches mount namespaces copied later. */
static int
open_dir (const char *state_dir, bool create, nsipc_error *err)
{
  _cleanup_close_ int dirfd = state_open_dir (state_dir, "ns", create, err);
  if (dirfd < 0 || state_lock (dirfd, err) < 0)
    return -1;
  if (!create)
    return steal_fd (&dirfd);
  /* Under the lock: two creates that both found no mount point there
     would stack two binds, and a pin would show twice.  Opened again
     after, as the bind covers what was opened before, and locked again:
     a create that gets in between finds the mount point made. */
  _cleanup_free_ char *path = xasprintf ("%s/ns", state_dir);
  if (namespace_share_dir (path, err) < 0)
    return -1;
  close (steal_fd (&dirfd));
  dirfd = state_open_dir (state_dir, "ns", false, err);
  if (dirfd < 0 || state_lock (dirfd, err) < 0)
    return -1;
  return steal_fd (&dirfd);
}

static bool
exists_at (int dirfd, const char *file)
{
  struct stat st;
  return fstatat (dirfd, file, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* A plain file where the pin belongs: the empty pin of a create killed
   before its bind mount (a mounted pin is an nsfs file). */
static bool
pin_leftover (int dirfd, const char *name)
{
  struct stat st;
  return fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG (st.st_mode);
}

static int
count_members (int nsfd, size_t *n, pid_t **pids, nsipc_error *err)
{
  uint64_t inode;
  size_t skipped;
  return namespace_inode (nsfd, &inode, err) < 0 ? -1 : namespace_members (inode, true, pids, n, &skipped, err);
}

/* The same, counted again for up to half a second while there are any,
   before a delete: an audit, which takes no lock, visits each namespace
   for a moment, and is no user to refuse the delete for. */
static int
count_staying_members (int nsfd, size_t *n, pid_t **pids, nsipc_error *err)
{
  for (int tries = 0;; tries++)
    {
      if (count_members (nsfd, n, pids, err) < 0)
        return -1;
      if (*n == 0 || tries == 10)
        return 0;
      free (*pids);
      *pids = NULL;
      nanosleep (&(struct timespec){ .tv_nsec = 50 * 1000 * 1000 }, NULL);
    }
}

/* Unpins NAME, unmounts its /dev/shm and removes its record: the record
   marked "deleting" first and removed last, so that a kill on the way
   leaves what ns delete, ns create and gc --pins find and finish. */
static int
release (const char *state_dir, int dirfd, const char *name, nsipc_error *err)
{
  char file[STATE_NAME_MAX + 8];
  record_file (name, file);
  nsipc_error unreadable;
  _cleanup_json_ json_t *record = exists_at (dirfd, file) ? state_read_json (dirfd, file, &unreadable) : NULL;
  /* A create's record is as discardable already: not written again, so
     that a create that failed for want of space leaves nothing behind. */
  if (record && !named_record_discardable (record))
    {
      named_record_set_state (record, "deleting");
      if (state_write_json (dirfd, file, record, err) < 0)
        return -1;
    }
  if (namespace_unpin (dirfd, name, err) < 0 || shm_named_release (state_dir, name, err) < 0
      || state_remove (dirfd, file, err) < 0)
    return -1;
  return 0;
}

/* Removes the pin (even an empty file), the record and its temp file of
   NAME; refuses while processes are in the namespace. */
static int
discard (const char *state_dir, int dirfd, const char *name, nsipc_error *err)
{
  _cleanup_close_ int nsfd = namespace_open_pin (dirfd, name, err);
  if (nsfd < 0 && err->status != ENOENT && !pin_leftover (dirfd, name))
    return -1; /* a symlink, a device: not ours to remove */
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (nsfd >= 0 && count_staying_members (nsfd, &n, &pids, err) < 0)
    return -1;
  if (n > 0)
    return nsipc_error_set (err, 0, "namespace %s is in use by %zu process%s", name, n, n == 1 ? "" : "es");
  return release (state_dir, dirfd, name, err);
}

/* ---- provisioning, inside the namespace ----------------------------- */

struct provisioning
{
  const struct nsipc_policy *policy;
  json_t *record;
  struct nsipc_problems *conflicts; /* NULL: a fresh namespace */
};

/* Provisions, then adds the policy's objects now in the namespace to the
   record's list. */
static int
provision_in (void *ctx, nsipc_error *err)
{
  struct provisioning *pv = ctx;
  if ((pv->conflicts ? provision_apply (pv->policy, true, pv->conflicts, err) : provision_fresh (pv->policy, true, err))
      < 0)
    return -1;
  struct nsipc_ledger_object *now;
  size_t n_now;
  if (provision_policy_objects (pv->policy, &now, &n_now, err) < 0)
    return -1;
  int r = named_merge_provisioned (pv->record, now, n_now, err);
  ledger_objects_free (now, n_now);
  return r;
}

static int
provision_pinned (int dirfd, const char *name, struct provisioning *pv, nsipc_error *err)
{
  _cleanup_close_ int nsfd = namespace_open_pin (dirfd, name, err);
  return nsfd < 0 ? -1 : namespace_visit (nsfd, provision_in, pv, err);
}

/* ---- operations --------------------------------------------------------- */

/* Makes room for a new namespace NAME: an existing one is an error, the
   leftovers of a create that was killed are cleaned up. */
static int
clear_the_way (const char *state_dir, int dirfd, const char *name, const char *file, nsipc_error *err)
{
  if (!exists_at (dirfd, name) && !exists_at (dirfd, file))
    return 0;
  _cleanup_json_ json_t *j = exists_at (dirfd, file) ? state_read_json (dirfd, file, err) : NULL;
  if (j && !named_record_discardable (j) && !named_record_complete (j))
    return nsipc_error_set (err, 0, "namespace %s exists (an apply did not finish: run ns apply again)", name);
  if ((j && !named_record_discardable (j)) || (!j && !pin_leftover (dirfd, name)))
    return nsipc_error_set (err, 0, "namespace %s exists", name);
  if (j == NULL && exists_at (dirfd, file))
    return nsipc_error_prefix (err, "namespace %s exists, but", name);
  if (discard (state_dir, dirfd, name, err) < 0)
    return nsipc_error_prefix (err, "namespace %s: an interrupted create left it", name);
  return 0;
}

int
named_create (const char *state_dir, const char *name, const struct nsipc_policy *p, const char *label,
              nsipc_error *err)
{
  _cleanup_close_ int dirfd = open_dir (state_dir, true, err);
  char file[STATE_NAME_MAX + 8];
  record_file (name, file);
  if (dirfd < 0 || clear_the_way (state_dir, dirfd, name, file, err) < 0)
    return -1;
  _cleanup_json_ json_t *record = new_record (name, label, p);
  if (state_write_json (dirfd, file, record, err) < 0)
    return nsipc_error_prefix (err, "%s", name);
  struct provisioning pv = { p, record, NULL };
  uint64_t inode;
  int r = namespace_pin_new (dirfd, name, &inode, err);
  if (r == 0)
    {
      json_object_set_new (record, "inode", json_integer ((json_int_t)inode));
      r = state_write_json (dirfd, file, record, err);
    }
  if (r == 0)
    r = provision_pinned (dirfd, name, &pv, err);
  if (r == 0 && p->dev_shm_size)
    r = shm_named_create (state_dir, name, p->dev_shm_size, err);
  if (r == 0)
    {
      named_record_set_state (record, "ready");
      r = state_write_json (dirfd, file, record, err);
    }
  if (r < 0)
    {
      nsipc_error ignored;
      nsipc_error_prefix (err, "%s", name);
      discard (state_dir, dirfd, name, &ignored);
    }
  return r;
}

int
named_apply (const char *state_dir, const char *name, const struct nsipc_policy *p, const char *label,
             struct nsipc_problems *conflicts, nsipc_error *err)
{
  _cleanup_close_ int dirfd = open_dir (state_dir, false, err);
  if (dirfd < 0)
    return -1;
  char file[STATE_NAME_MAX + 8];
  record_file (name, file);
  _cleanup_json_ json_t *record = state_read_json (dirfd, file, err);
  if (record == NULL)
    return err->status == ENOENT ? nsipc_error_set (err, 0, "no namespace %s", name)
                                 : nsipc_error_prefix (err, "%s", name);
  if (named_record_discardable (record))
    return nsipc_error_set (err, 0,
                            "namespace %s is incomplete (its create or delete was interrupted): run ns create %s "
                            "again, or ns delete",
                            name, name);
  named_record_set_state (record, "applying");
  if (state_write_json (dirfd, file, record, err) < 0)
    return -1;
  struct provisioning pv = { p, record, conflicts };
  /* /dev/shm last: a conflict changes nothing; a tmpfs that holds more
     than the new size refuses, and the record stays "applying" until an
     apply finishes. */
  if (provision_pinned (dirfd, name, &pv, err) < 0
      || (p->dev_shm_size && shm_named_create (state_dir, name, p->dev_shm_size, err) < 0))
    {
      nsipc_error ignored;
      nsipc_error_prefix (err, "%s", name);
      if (conflicts->n > 0) /* nothing changed: as it was */
        named_record_set_state (record, "ready"), state_write_json (dirfd, file, record, &ignored);
      return -1;
    }
  char now[32];
  time_t t = time (NULL);
  strftime (now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime (&t));
  json_object_set_new (record, "policy", label ? json_string (label) : json_null ());
  json_object_set_new (record, "policy_digest", json_string (p->digest));
  json_object_set_new (record, "policy_path", policy_path (p));
  json_object_set_new (record, "cleanup", json_string (policy_cleanup_name (p->cleanup)));
  json_object_set_new (record, "applied", json_string (now));
  json_object_set_new (record, "seal", json_boolean (p->seal));
  named_record_set_state (record, "ready");
  return state_write_json (dirfd, file, record, err);
}

int
named_delete (const char *state_dir, const char *name, bool force, nsipc_error *err)
{
  _cleanup_close_ int dirfd = open_dir (state_dir, false, err);
  if (dirfd < 0)
    return -1;
  char file[STATE_NAME_MAX + 8];
  record_file (name, file);
  if (!exists_at (dirfd, name) && !exists_at (dirfd, file))
    return nsipc_error_set (err, 0, "no namespace %s", name);
  _cleanup_close_ int nsfd = namespace_open_pin (dirfd, name, err);
  /* An empty file where a create was killed before its bind mount goes
     too; anything else that is not a namespace (a symlink) is refused. */
  if (nsfd < 0 && err->status != ENOENT && !pin_leftover (dirfd, name))
    return -1;
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (nsfd >= 0 && !force && count_staying_members (nsfd, &n, &pids, err) < 0)
    return -1;
  if (n > 0)
    {
      char list[256] = "";
      for (size_t i = 0, len = 0; i < n && len < sizeof list - 16; i++)
        len += format (list + len, sizeof list - len, "%s%d", i ? " " : "", (int)pids[i]);
      return nsipc_error_set (err, 0, "namespace %s is in use by %zu process%s (pid%s %s%s); --force unpins it anyway",
                              name, n, n == 1 ? "" : "es", n == 1 ? "" : "s", list, strlen (list) > 230 ? " …" : "");
    }
  return release (state_dir, dirfd, name, err);
}

static int
read_inventory (void *ctx, nsipc_error *err)
{
  return inventory_read (ctx, true, err);
}

/* Whether the policy file a record names differs now from what was
   applied: true, false, or null when there is no file to compare. */
static json_t *
policy_changed (json_t *record)
{
  const char *path = json_string_value (json_object_get (record, "policy_path"));
  const char *applied = json_string_value (json_object_get (record, "policy_digest"));
  char now[DIGEST_TEXT_LEN];
  nsipc_error err;
  if (path == NULL || applied == NULL)
    return json_null ();
  if (policy_file_digest (path, now, &err) < 0)
    return json_true (); /* gone or unreadable: not what was applied */
  return json_boolean (strcmp (now, applied) != 0);
}

/* One namespace as ns list shows it: the record, plus what is inside. */
static json_t *
describe (int dirfd, const char *file, nsipc_error *err)
{
  json_t *j = state_read_json (dirfd, file, err);
  const char *name = named_record_name (j, file);
  if (name == NULL)
    {
      json_decref (j);
      return NULL;
    }
  json_object_set_new (j, "complete", json_boolean (named_record_complete (j)));
  json_object_set_new (j, "policy_changed", policy_changed (j));
  /* Keys as audit and gc write them. */
  size_t i;
  json_t *o;
  json_array_foreach (json_object_get (j, "provisioned"), i, o)
  {
    json_t *key = json_object_get (o, "key");
    if (json_is_integer (key) && !json_is_string (json_object_get (o, "name")))
      json_object_set_new (o, "key", output_key ((uint32_t)json_integer_value (key)));
  }
  _cleanup_close_ int nsfd = namespace_open_pin (dirfd, name, err);
  struct nsipc_inventory inv = { 0 };
  _cleanup_free_ pid_t *pids = NULL;
  size_t n_pids = 0;
  bool pinned = nsfd >= 0;
  if (pinned && namespace_visit (nsfd, read_inventory, &inv, err) == 0)
    count_members (nsfd, &n_pids, &pids, err);
  json_object_set_new (j, "pinned", json_boolean (pinned));
  json_object_set_new (j, "processes", json_integer (n_pids));
  json_object_set_new (j, "objects",
                       json_pack ("{s:I, s:I, s:I, s:I}", "msg", (json_int_t)inventory_count (&inv, OBJECT_MSG), "sem",
                                  (json_int_t)inventory_count (&inv, OBJECT_SEM), "shm",
                                  (json_int_t)inventory_count (&inv, OBJECT_SHM), "mqueue",
                                  (json_int_t)inventory_count (&inv, OBJECT_MQUEUE)));
  inventory_free (&inv);
  return j;
}

json_t *
named_list (const char *state_dir, nsipc_error *err)
{
  json_t *list = json_array ();
  _cleanup_close_ int dirfd = state_open_dir (state_dir, "ns", false, err);
  if (dirfd < 0 && err->status != ENOENT)
    {
      json_decref (list);
      return NULL;
    }
  char **files = NULL;
  ssize_t n = dirfd >= 0 ? state_list_records (dirfd, &files, err) : 0;
  if (n < 0)
    {
      json_decref (list);
      nsipc_error_prefix (err, "%s/ns", state_dir);
      return NULL;
    }
  for (size_t i = 0; i < (size_t)n; i++)
    {
      json_t *ns = describe (dirfd, files[i], err);
      if (ns)
        json_array_append_new (list, ns);
      free (files[i]);
    }
  free (files);
  return list;
}

int
named_enter (const char *state_dir, const char *name, nsipc_error *err)
{
  if (!state_valid_name (name, STATE_NAME_MAX))
    return nsipc_error_set (err, 0, "\"%s\" is not a namespace name", name);
  /* Shared: joins do not wait for each other, only for what changes the
     directory. */
  _cleanup_close_ int dirfd = state_open_dir (state_dir, "ns", false, err);
  if (dirfd >= 0 && state_lock_shared (dirfd, err) < 0)
    return -1;
  _cleanup_close_ int nsfd = dirfd < 0 ? -1 : namespace_open_pin (dirfd, name, err);
  char file[STATE_NAME_MAX + 8];
  record_file (name, file);
  _cleanup_json_ json_t *record = nsfd < 0 ? NULL : state_read_json (dirfd, file, err);
  if (record == NULL && err->status == ENOENT)
    return nsipc_error_set (err, 0, "no namespace %s", name);
  if (record == NULL)
    return nsfd < 0 ? -1 : nsipc_error_prefix (err, "namespace %s", name);
  if (named_record_discardable (record))
    return nsipc_error_set (err, 0,
                            "namespace %s is incomplete (its create or delete was interrupted): run ns create %s "
                            "again, or ns delete",
                            name, name);
  if (namespace_enter (nsfd, err) < 0)
    return -1;
  return steal_fd (&dirfd);
}

/* Calls FN on each record of STATE_DIR/ns that names itself rightly, with
   its pin open (or -1).  With ERR, -1 when the directory is refused, or a
   record cannot be read while its pin is there: the objects it keeps
   nobody can tell.  One that names itself wrongly, with no pin of its
   file's name, is no record of ours: passed by. */
static int
each_record (const char *state_dir, void (*fn) (void *ctx, json_t *record, const char *name, int pin), void *ctx,
             nsipc_error *err)
{
  nsipc_error why;
  _cleanup_close_ int dirfd = state_open_records (state_dir, "ns", err ? err : &why);
  if (dirfd < 0)
    return err && err->status != ENOENT ? -1 : 0;
  char **files = NULL;
  ssize_t n = state_list_records (dirfd, &files, err ? err : &why);
  if (n < 0)
    return err ? nsipc_error_prefix (err, "%s/ns", state_dir) : 0;
  int r = 0;
  for (size_t i = 0; i < (size_t)n; i++)
    {
      _cleanup_json_ json_t *record = state_read_json (dirfd, files[i], &why);
      const char *name = named_record_name (record, files[i]);
      _cleanup_close_ int pin = name ? namespace_open_pin (dirfd, name, &why) : -1;
      if (name)
        fn (ctx, record, name, pin);
      /* Out of descriptors or memory: the namespace would pass for one
         with no pin, and what its record keeps for nothing. */
      if (name && pin < 0 && err && r == 0 && (why.status == EMFILE || why.status == ENFILE || why.status == ENOMEM))
        r = nsipc_error_set (err, 0, "namespace %s: %s; it may keep objects, so nothing is judged", name, why.msg);
      files[i][strlen (files[i]) - 5] = '\0'; /* the name its file gives */
      if (name == NULL && err && r == 0 && state_valid_name (files[i], STATE_NAME_MAX) && exists_at (dirfd, files[i]))
        r = nsipc_error_set (err, 0,
                             "the record of namespace %s cannot be read (%s); it may keep objects, so nothing is "
                             "judged: ns delete %s, or mend %s/ns/%s.json",
                             files[i], record ? "it names another" : why.msg, files[i], state_dir, files[i]);
      free (files[i]);
    }
  free (files);
  return r;
}

struct by_inode
{
  uint64_t inode;
  char *name, **policy;
};

static void
match_inode (void *ctx, json_t *record, const char *name, int pin)
{
  struct by_inode *b = ctx;
  uint64_t inode;
  nsipc_error err;
  if (b->name || pin < 0 || namespace_inode (pin, &inode, &err) < 0 || inode != b->inode)
    return;
  b->name = xstrdup (name);
  const char *policy = json_string_value (json_object_get (record, "policy"));
  if (b->policy)
    *b->policy = policy ? xstrdup (policy) : NULL;
}

char *
named_by_inode (const char *state_dir, uint64_t inode, char **policy)
{
  struct by_inode b = { inode, NULL, policy };
  if (policy)
    *policy = NULL;
  each_record (state_dir, match_inode, &b, NULL);
  return b.name;
}

struct all
{
  struct nsipc_named *list;
  size_t n;
};

static void
collect (void *ctx, json_t *record, const char *name, int pin)
{
  struct all *a = ctx;
  nsipc_error err;
  uint64_t inode;
  if (pin < 0 || namespace_inode (pin, &inode, &err) < 0)
    return;
  a->list = xrealloc (a->list, (a->n + 1) * sizeof *a->list);
  struct nsipc_named *r = &a->list[a->n++];
  *r = (struct nsipc_named){ .name = xstrdup (name),
                             .inode = inode,
                             .complete = named_record_complete (record),
                             .discardable = named_record_discardable (record) };
  /* A list we cannot read protects we know not what: incomplete, so that
     nothing in the namespace is removed. */
  if (ledger_objects_from_json (json_object_get (record, "provisioned"), &r->provisioned, &r->n_provisioned) < 0)
    r->complete = false;
  json_t *changed = policy_changed (record);
  r->policy_changed = json_is_null (changed) ? -1 : json_is_true (changed);
  json_decref (changed);
  r->cleanup = CLEANUP_SAFE; /* also for a record that names none */
  policy_cleanup_parse (json_string_value (json_object_get (record, "cleanup")), &r->cleanup);
}

int
named_read_all (const char *state_dir, struct nsipc_named **all, size_t *n, nsipc_error *err)
{
  struct all a = { NULL, 0 };
  int r = each_record (state_dir, collect, &a, err);
  *all = a.list;
  *n = a.n;
  if (r < 0)
    named_free_all (a.list, a.n), *all = NULL, *n = 0;
  return r;
}

void
named_free_all (struct nsipc_named *all, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (all[i].name);
      ledger_objects_free (all[i].provisioned, all[i].n_provisioned);
    }
  free (all);
}

int
named_add_provisioned (const char *state_dir, const char *name, const struct nsipc_ledger_object *list, size_t n,
                       nsipc_error *err)
{
  _cleanup_close_ int dirfd = open_dir (state_dir, false, err);
  char file[STATE_NAME_MAX + 8];
  record_file (name, file);
  if (dirfd < 0)
    return -1;
  _cleanup_json_ json_t *record = state_read_json (dirfd, file, err);
  if (record == NULL || named_merge_provisioned (record, list, n, err) < 0)
    return nsipc_error_prefix (err, "record of namespace %s", name);
  return state_write_json (dirfd, file, record, err);
}

/* Whether NAME, under the lock, is still the empty namespace INODE with a
   whole record: gc judged it so without the lock, and an unpin destroys
   whatever the namespace holds. */
static int
still_unused (const char *state_dir, int dirfd, const char *name, uint64_t inode, bool *unused, nsipc_error *err)
{
  char file[STATE_NAME_MAX + 8];
  record_file (name, file);
  *unused = false;
  _cleanup_json_ json_t *record = state_read_json (dirfd, file, err);
  if (record == NULL)
    return err->status == ENOENT ? 0 : -1; /* deleted meanwhile */
  _cleanup_close_ int nsfd = namespace_open_pin (dirfd, name, err);
  uint64_t now;
  if (nsfd < 0)
    return err->status == ENOENT ? 0 : -1;
  if (namespace_inode (nsfd, &now, err) < 0)
    return -1;
  if (now != inode || !named_record_complete (record) || shm_named_holds_files (state_dir, name))
    return 0;
  struct nsipc_inventory inv = { 0 };
  if (namespace_visit (nsfd, read_inventory, &inv, err) < 0)
    return -1;
  *unused = inv.n == 0;
  inventory_free (&inv);
  return 0;
}

int
named_drop (const char *state_dir, const char *name, uint64_t inode, bool only_if_interrupted, bool *done,
            nsipc_error *err)
{
  *done = false;
  _cleanup_close_ int dirfd = open_dir (state_dir, false, err);
  if (dirfd < 0)
    return -1;
  char file[STATE_NAME_MAX + 8];
  record_file (name, file);
  _cleanup_json_ json_t *record = only_if_interrupted ? state_read_json (dirfd, file, err) : NULL;
  if (only_if_interrupted && (record == NULL || !named_record_discardable (record)))
    return 0; /* finished meanwhile, or gone */
  bool unused = true;
  if (!only_if_interrupted && still_unused (state_dir, dirfd, name, inode, &unused, err) < 0)
    return -1;
  if (!unused)
    return 0; /* in use again: kept */
  if (discard (state_dir, dirfd, name, err) < 0)
    return -1;
  *done = true;
  return 0;
}

static void
interrupted_unpinned (void *ctx, json_t *record, const char *name, int pin)
{
  struct all *a = ctx;
  if (pin >= 0 || !named_record_discardable (record))
    return;
  a->list = xrealloc (a->list, (a->n + 1) * sizeof *a->list);
  a->list[a->n++] = (struct nsipc_named){ .name = xstrdup (name) };
}

size_t
named_interrupted_unpinned (const char *state_dir, char ***names)
{
  struct all a = { NULL, 0 };
  each_record (state_dir, interrupted_unpinned, &a, NULL);
  *names = xcalloc (a.n + 1, sizeof **names);
  for (size_t i = 0; i < a.n; i++)
    (*names)[i] = a.list[i].name;
  free (a.list);
  return a.n;
}

int
named_seal (const char *state_dir, const char *name, struct nsipc_policy *seal, nsipc_error *err)
{
  _cleanup_close_ int dirfd = state_open_dir (state_dir, "ns", false, err);
  char file[STATE_NAME_MAX + 8];
  record_file (name, file);
  _cleanup_json_ json_t *record = dirfd < 0 ? NULL : state_read_json (dirfd, file, err);
  /* No record: no seal, and entering the namespace says what is wrong. */
  if (record == NULL)
    return err->status == ENOENT || dirfd < 0 ? 0 : -1;
  if (!json_is_true (json_object_get (record, "seal")))
    return 0;
  struct nsipc_ledger_object *list;
  size_t n;
  if (ledger_objects_from_json (json_object_get (record, "provisioned"), &list, &n) < 0)
    {
      ledger_objects_free (list, n);
      return nsipc_error_set (err, 0, "record of namespace %s: the provisioned list is malformed", name);
    }
  ledger_objects_seal (list, n, seal);
  ledger_objects_free (list, n);
  return 0;
}
