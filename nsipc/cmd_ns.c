/* nsipc ns create|apply|list|delete: named IPC namespaces pinned under
   STATE_DIR/ns, each with a record NAME.json beside its pin. */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "inventory.h"
#include "namespace.h"
#include "privileges.h"
#include "ledger.h"
#include "named.h"
#include "provision.h"
#include "state.h"
#include "util.h"

static const char usage[] = "usage: nsipc ns create NAME [--policy FILE|NAME]\n"
                            "       nsipc ns apply NAME --policy FILE|NAME\n"
                            "       nsipc ns list [--json]\n"
                            "       nsipc ns delete NAME [--force]";

struct ns_args
{
  const char *verb; /* "ns create" … for messages */
  const char *name;
  const char *policy;
  bool json, force;
};

static void
iso_time (time_t t, char buf[32])
{
  strftime (buf, 32, "%Y-%m-%dT%H:%M:%SZ", gmtime (&t));
}

/* Adds the objects of P now in the caller's namespace to RECORD's list:
   gc never removes them. */
static int
record_provisioned (const struct nsipc_policy *p, json_t *record, nsipc_error *err)
{
  struct nsipc_ledger_object *now;
  size_t n_now;
  if (provision_snapshot (&now, &n_now, err) < 0)
    return -1;
  provision_keep_policy_objects (p, now, &n_now);
  int r = named_merge_provisioned (record, now, n_now, err);
  ledger_objects_free (now, n_now);
  return r;
}

/* The record beside the pin: what `ns list` shows without entering. */
static json_t *
new_record (const char *name, uint64_t inode, const char *policy, const struct nsipc_policy *p, const char *created)
{
  json_t *j = json_pack ("{s:s, s:I, s:s?, s:s?, s:s, s:s, s:s, s:[]}", "name", name, "inode", (json_int_t)inode,
                         "policy", policy, "policy_digest", policy ? p->digest : NULL, "created", created, "cleanup",
                         policy_cleanup_name (p->cleanup), "state", "creating", "provisioned");
  if (j == NULL)
    abort ();
  return j;
}

/* The policy a named namespace gets: --policy, else default.json if any. */
static int
load_ns_policy (const struct nsipc_globals *g, const struct ns_args *a, struct nsipc_policy *p, char **label)
{
  /* Without the privilege nothing else is worth saying. */
  nsipc_error err;
  if (privileges_require_admin (&err) < 0)
    {
      cli_error (a->verb, "%s", err.msg);
      return EXIT_RUNTIME;
    }
  int r = cli_load_policy (g, a->verb, a->policy, p);
  if (r != 0)
    return r;
  *label = NULL;
  if (a->policy)
    *label = xstrdup (a->policy);
  else if (p->digest[0])
    *label = xstrdup ("default");
  return 0;
}

/* STATE_DIR/ns, locked; CREATE also makes it and its shared mount. */
static int
open_ns_dir (const struct nsipc_globals *g, const struct ns_args *a, bool create, nsipc_error *err)
{
  _cleanup_close_ int dirfd = state_open_dir (g->state_dir, "ns", create, err);
  _cleanup_free_ char *path = NULL;
  if (dirfd >= 0 && create)
    {
      if (asprintf (&path, "%s/ns", g->state_dir) < 0)
        abort ();
      close (steal_fd (&dirfd));
      if (namespace_share_dir (path, err) == 0)
        dirfd = state_open_dir (g->state_dir, "ns", false, err);
    }
  if (dirfd < 0 || state_lock (dirfd, err) < 0)
    {
      cli_error (a->verb, "%s", err->msg);
      return -1;
    }
  return steal_fd (&dirfd);
}

static bool
exists_at (int dirfd, const char *file)
{
  struct stat st;
  return fstatat (dirfd, file, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Pins a new namespace and provisions it; the caller is back in its own
   IPC namespace afterwards, whatever happened. */
static int
create_pinned (int dirfd, const char *name, const struct nsipc_policy *p, json_t *record, nsipc_error *err)
{
  _cleanup_close_ int home = namespace_open_current (err);
  uint64_t inode;
  if (home < 0 || namespace_pin_new (dirfd, name, &inode, err) < 0)
    return -1;
  json_object_set_new (record, "inode", json_integer ((json_int_t)inode));
  char file[STATE_NAME_MAX + 8];
  snprintf (file, sizeof file, "%s.json", name);
  int r = state_write_json (dirfd, file, record, err);
  if (r == 0)
    r = provision_fresh (p, true, err);
  if (r == 0)
    r = record_provisioned (p, record, err);
  nsipc_error back;
  if (namespace_enter (home, &back) < 0)
    abort (); /* cannot happen: we came from there */
  return r;
}

/* Makes room for a new namespace NAME: an existing one is an error, the
   leftovers of a create that was killed are cleaned up. */
static int
clear_the_way (int dirfd, const char *name, const char *record, nsipc_error *err)
{
  if (!exists_at (dirfd, name) && !exists_at (dirfd, record))
    return 0;
  _cleanup_json_ json_t *j = exists_at (dirfd, record) ? state_read_json (dirfd, record, err) : NULL;
  if ((j && named_record_complete (j)) || (!j && !named_pin_leftover (dirfd, name)))
    return nsipc_error_set (err, 0, "namespace %s exists", name);
  if (j == NULL && exists_at (dirfd, record))
    return nsipc_error_prefix (err, "namespace %s exists, but", name);
  if (named_discard (dirfd, name, err) < 0)
    return nsipc_error_prefix (err, "namespace %s: an interrupted create left it", name);
  return 0;
}

static int
ns_create (const struct nsipc_globals *g, const struct ns_args *a)
{
  struct nsipc_policy p;
  _cleanup_free_ char *label = NULL;
  int r = load_ns_policy (g, a, &p, &label);
  if (r != 0)
    return r;
  nsipc_error err = { 0 };
  _cleanup_close_ int dirfd = -1;
  char record[STATE_NAME_MAX + 8], created[32];
  snprintf (record, sizeof record, "%s.json", a->name);
  iso_time (time (NULL), created);
  _cleanup_json_ json_t *rec = new_record (a->name, 0, label, &p, created);
  r = EXIT_RUNTIME;
  if ((dirfd = open_ns_dir (g, a, true, &err)) < 0)
    ;
  else if (clear_the_way (dirfd, a->name, record, &err) < 0)
    cli_error (a->verb, "%s", err.msg);
  /* The record first, as "creating": a kill at any later point leaves
     something ns list shows and create, delete and gc --pins clean up. */
  else if (state_write_json (dirfd, record, rec, &err) < 0)
    cli_error (a->verb, "%s: %s", a->name, err.msg);
  else if (create_pinned (dirfd, a->name, &p, rec, &err) < 0
           || (named_record_set_state (rec, "ready"), state_write_json (dirfd, record, rec, &err)) < 0)
    {
      cli_error (a->verb, "%s: %s", a->name, err.msg);
      named_discard (dirfd, a->name, &err);
    }
  else
    r = 0;
  policy_free (&p);
  return r;
}

/* Enters the pinned namespace NAME, provisions, comes back. */
static int
apply_pinned (int dirfd, const char *name, const struct nsipc_policy *p, json_t *record,
              struct nsipc_problems *conflicts, nsipc_error *err)
{
  _cleanup_close_ int home = namespace_open_current (err);
  _cleanup_close_ int nsfd = home < 0 ? -1 : namespace_open_pin (dirfd, name, err);
  if (nsfd < 0 || namespace_enter (nsfd, err) < 0)
    return -1;
  int r = provision_apply (p, true, conflicts, err);
  if (r == 0)
    r = record_provisioned (p, record, err);
  nsipc_error back;
  if (namespace_enter (home, &back) < 0)
    abort ();
  return r;
}

static int
ns_apply (const struct nsipc_globals *g, const struct ns_args *a)
{
  if (a->policy == NULL)
    {
      cli_error (a->verb, "--policy is required (see nsipc ns --help)");
      return EXIT_USAGE;
    }
  struct nsipc_policy p;
  _cleanup_free_ char *label = NULL;
  int r = load_ns_policy (g, a, &p, &label);
  if (r != 0)
    return r;
  nsipc_error err = { 0 };
  struct nsipc_problems conflicts = { 0 };
  _cleanup_close_ int dirfd = -1;
  _cleanup_json_ json_t *record = NULL;
  char file[STATE_NAME_MAX + 8];
  snprintf (file, sizeof file, "%s.json", a->name);
  r = EXIT_RUNTIME;
  if ((dirfd = open_ns_dir (g, a, false, &err)) < 0)
    ;
  else if ((record = state_read_json (dirfd, file, &err)) == NULL)
    cli_error (a->verb, err.status == ENOENT ? "no namespace %s" : "%s: %s", a->name, err.msg);
  else if (strcmp (json_string_value (json_object_get (record, "state")) ?: "", "creating") == 0)
    cli_error (a->verb, "namespace %s is incomplete (its create was interrupted): run ns create %s again, or ns delete",
               a->name, a->name);
  else if ((named_record_set_state (record, "applying"), state_write_json (dirfd, file, record, &err)) < 0)
    cli_error (a->verb, "%s", err.msg);
  else if (apply_pinned (dirfd, a->name, &p, record, &conflicts, &err) < 0)
    {
      char where[STATE_NAME_MAX + 16];
      snprintf (where, sizeof where, "namespace %s", a->name);
      cli_problems (a->verb, where, &conflicts);
      cli_error (a->verb, "%s: %s", a->name, err.msg);
      nsipc_error ignored;
      if (conflicts.n > 0) /* nothing changed: as it was */
        named_record_set_state (record, "ready"), state_write_json (dirfd, file, record, &ignored);
    }
  else
    {
      char now[32];
      iso_time (time (NULL), now);
      json_object_set_new (record, "policy", json_string (label));
      json_object_set_new (record, "policy_digest", json_string (p.digest));
      json_object_set_new (record, "cleanup", json_string (policy_cleanup_name (p.cleanup)));
      json_object_set_new (record, "applied", json_string (now));
      named_record_set_state (record, "ready");
      r = state_write_json (dirfd, file, record, &err) < 0 ? EXIT_RUNTIME : 0;
      if (r)
        cli_error (a->verb, "%s", err.msg);
    }
  problems_free (&conflicts);
  policy_free (&p);
  return r;
}

static int
ns_delete (const struct nsipc_globals *g, const struct ns_args *a)
{
  nsipc_error err = { 0 };
  if (privileges_require_admin (&err) < 0)
    {
      cli_error (a->verb, "%s", err.msg);
      return EXIT_RUNTIME;
    }
  _cleanup_close_ int dirfd = open_ns_dir (g, a, false, &err);
  if (dirfd < 0)
    return EXIT_RUNTIME;
  char record[STATE_NAME_MAX + 8];
  snprintf (record, sizeof record, "%s.json", a->name);
  if (!exists_at (dirfd, a->name) && !exists_at (dirfd, record))
    {
      cli_error (a->verb, "no namespace %s", a->name);
      return EXIT_RUNTIME;
    }

  _cleanup_close_ int nsfd = namespace_open_pin (dirfd, a->name, &err);
  uint64_t inode;
  /* An empty file where a create was killed before its bind mount goes
     too; anything else that is not a namespace (a symlink) is refused. */
  if (nsfd < 0 && err.status != ENOENT && !named_pin_leftover (dirfd, a->name))
    {
      cli_error (a->verb, "%s", err.msg);
      return EXIT_RUNTIME;
    }
  if (nsfd >= 0 && !a->force)
    {
      _cleanup_free_ pid_t *pids = NULL;
      size_t n, skipped;
      if (namespace_inode (nsfd, &inode, &err) < 0 || namespace_members (inode, &pids, &n, &skipped, &err) < 0)
        {
          cli_error (a->verb, "%s", err.msg);
          return EXIT_RUNTIME;
        }
      if (n > 0)
        {
          char list[256] = "";
          for (size_t i = 0, len = 0; i < n && len < sizeof list - 16; i++)
            len += snprintf (list + len, sizeof list - len, "%s%d", i ? " " : "", (int)pids[i]);
          cli_error (a->verb, "namespace %s is in use by %zu process%s (pid%s %s%s); --force unpins it anyway", a->name,
                     n, n == 1 ? "" : "es", n == 1 ? "" : "s", list, strlen (list) > 230 ? " …" : "");
          return EXIT_RUNTIME;
        }
    }
  if (namespace_unpin (dirfd, a->name, &err) < 0 || state_remove (dirfd, record, &err) < 0)
    {
      cli_error (a->verb, "%s", err.msg);
      return EXIT_RUNTIME;
    }
  return 0;
}

/* One namespace as `ns list` shows it: the record, plus what is inside. */
static json_t *
describe (int dirfd, const char *file, int home, nsipc_error *err)
{
  json_t *j = state_read_json (dirfd, file, err);
  const char *name = named_record_name (j, file);
  if (name == NULL)
    {
      json_decref (j);
      return NULL;
    }
  json_object_set_new (j, "complete", json_boolean (named_record_complete (j)));
  _cleanup_close_ int nsfd = namespace_open_pin (dirfd, name, err);
  struct nsipc_inventory inv = { 0 };
  uint64_t inode = 0;
  _cleanup_free_ pid_t *pids = NULL;
  size_t n_pids = 0, skipped;
  bool pinned = nsfd >= 0 && namespace_inode (nsfd, &inode, err) == 0;
  if (pinned && namespace_enter (nsfd, err) == 0)
    {
      inventory_read (&inv, true, err);
      if (namespace_enter (home, err) < 0)
        abort ();
      namespace_members (inode, &pids, &n_pids, &skipped, err);
    }
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

static void
print_table (json_t *list)
{
  printf ("%-20s %-12s %-16s %5s %5s %5s %6s %5s  %s\n", "NAME", "INODE", "POLICY", "MSG", "SEM", "SHM", "MQUEUE",
          "PROCS", "CREATED");
  size_t i;
  json_t *ns;
  json_array_foreach (list, i, ns)
  {
    json_t *o = json_object_get (ns, "objects");
    const char *policy = json_string_value (json_object_get (ns, "policy"));
    printf ("%-20s %-12" JSON_INTEGER_FORMAT " %-16s %5" JSON_INTEGER_FORMAT " %5" JSON_INTEGER_FORMAT
            " %5" JSON_INTEGER_FORMAT " %6" JSON_INTEGER_FORMAT " %5" JSON_INTEGER_FORMAT "  %s%s\n",
            json_string_value (json_object_get (ns, "name")), json_integer_value (json_object_get (ns, "inode")),
            policy ? policy : "-", json_integer_value (json_object_get (o, "msg")),
            json_integer_value (json_object_get (o, "sem")), json_integer_value (json_object_get (o, "shm")),
            json_integer_value (json_object_get (o, "mqueue")), json_integer_value (json_object_get (ns, "processes")),
            json_string_value (json_object_get (ns, "created")),
            !json_is_true (json_object_get (ns, "complete")) ? "  (incomplete: interrupted; run it again, or delete)"
            : json_is_true (json_object_get (ns, "pinned"))  ? ""
                                                             : "  (pin missing)");
  }
}

static int
ns_list (const struct nsipc_globals *g, const struct ns_args *a)
{
  nsipc_error err = { 0 };
  _cleanup_json_ json_t *list = json_array ();
  _cleanup_close_ int dirfd = state_open_dir (g->state_dir, "ns", false, &err);
  if (dirfd < 0 && err.status != ENOENT)
    {
      cli_error (a->verb, "%s", err.msg);
      return EXIT_RUNTIME;
    }
  /* Counting POSIX queues mounts mqueue filesystems: in a mount namespace
     of our own. */
  _cleanup_close_ int home = -1;
  if (dirfd >= 0
      && (privileges_require_admin (&err) < 0 || namespace_unshare_mount (&err) < 0
          || (home = namespace_open_current (&err)) < 0))
    {
      cli_error (a->verb, "%s", err.msg);
      return EXIT_RUNTIME;
    }
  char **files = NULL;
  size_t n = dirfd >= 0 ? state_list_records (dirfd, &files) : 0;
  for (size_t i = 0; i < n; i++)
    {
      json_t *ns = describe (dirfd, files[i], home, &err);
      if (ns)
        json_array_append_new (list, ns);
      free (files[i]);
    }
  free (files);
  if (a->json)
    {
      _cleanup_json_ json_t *top = json_pack ("{s:O}", "namespaces", list);
      cli_print_json (stdout, top);
    }
  else
    print_table (list);
  return 0;
}

int
cmd_ns (const struct nsipc_globals *g, int argc, char **argv)
{
  static const struct option options[] = {
    { "policy", required_argument, NULL, 'p' },
    { "json", no_argument, NULL, 'j' },
    { "force", no_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  static const char *const subs[] = { "create", "apply", "list", "delete" };
  if (argc < 2)
    {
      cli_error ("ns", "missing subcommand (see nsipc ns --help)");
      return EXIT_USAGE;
    }
  int sub = 0;
  while (sub < 4 && strcmp (argv[1], subs[sub]) != 0)
    sub++;
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      puts (usage);
      return 0;
    }
  if (sub == 4)
    {
      cli_error ("ns", "unknown subcommand \"%s\" (see nsipc ns --help)", argv[1]);
      return EXIT_USAGE;
    }
  char verb[16];
  snprintf (verb, sizeof verb, "ns %s", subs[sub]);
  struct ns_args a = { .verb = verb };
  int c;
  optind = 0;
  while ((c = getopt_long (argc - 1, argv + 1, ":", options, NULL)) != -1)
    switch (c)
      {
      case 'p':
        a.policy = optarg;
        break;
      case 'j':
        a.json = true;
        break;
      case 'f':
        a.force = true;
        break;
      case 'h':
        puts (usage);
        return 0;
      case ':':
        cli_error (verb, "option \"%s\" needs an argument", argv[optind]);
        return EXIT_USAGE;
      default:
        cli_error (verb, "unknown option \"%s\" (see nsipc ns --help)", argv[optind]);
        return EXIT_USAGE;
      }
  int operands = argc - 1 - optind;
  bool wants_name = sub != 2;
  bool option_ok = (a.policy == NULL || sub <= 1) && (!a.json || sub == 2) && (!a.force || sub == 3);
  if (!option_ok || operands != (wants_name ? 1 : 0))
    {
      cli_error (verb, "wrong arguments (see nsipc ns --help)");
      return EXIT_USAGE;
    }
  if (wants_name)
    {
      a.name = argv[1 + optind];
      if (!state_valid_name (a.name, STATE_NAME_MAX))
        {
          cli_error (verb, "\"%s\" is not a namespace name ([A-Za-z0-9][A-Za-z0-9_.-], at most %d characters)", a.name,
                     STATE_NAME_MAX);
          return EXIT_USAGE;
        }
    }
  switch (sub)
    {
    case 0:
      return ns_create (g, &a);
    case 1:
      return ns_apply (g, &a);
    case 2:
      return ns_list (g, &a);
    default:
      return ns_delete (g, &a);
    }
}
