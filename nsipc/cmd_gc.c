/* nsipc gc: removes orphans (DESIGN.md §6) in every container and named
   namespace it can reach, stale ledger records and, with --pins, pins
   nobody uses.  The host namespace only with --host. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "cli.h"
#include "gc.h"
#include "privileges.h"
#include "reaper.h"
#include "util.h"

static const char usage[]
    = "usage: nsipc gc [--dry-run] [--json] [--container ID|--ns NAME] [--host] [--pins] [--min-idle SECONDS] "
      "[--runtime-root DIR]";

/* One line per event, as the log and a person read it: "removed shm key
   0x00000501 id 3 from IPC namespace 4026532177 pod1: not attached, …". */
static void
event_line (const struct gc_event *e, bool dry_run, char *out, size_t len)
{
  char line[1024], what[320];
  const struct nsipc_ipc_object *o = &e->object;
  if (e->kind == GC_UNPINNED)
    snprintf (line, sizeof line, "%s %s pinned namespace %s (%" PRIu64 ")", dry_run ? "would unpin" : "unpinned",
              e->interrupted ? "half-created" : "unused", e->name, e->ns);
  else if (e->kind == GC_DROPPED)
    snprintf (line, sizeof line, "%s stale record of container %s", dry_run ? "would drop" : "dropped", e->container);
  else
    {
      if (o->type == OBJECT_MQUEUE) /* a queue has a name, no key or id */
        snprintf (what, sizeof what, "mqueue %s", o->name);
      else
        snprintf (what, sizeof what, "%s key 0x%08" PRIx32 " id %d", policy_type_name (o->type), o->key, o->id);
      snprintf (line, sizeof line, "%s %s from IPC namespace %" PRIu64 "%s%s: %s", dry_run ? "would remove" : "removed",
                what, e->ns,
                e->name        ? " "
                : e->container ? " container "
                               : "",
                e->name        ? e->name
                : e->container ? e->container
                               : "",
                e->reason);
    }
  escape_controls (line, out, len); /* a queue's name is anyone's */
}

static json_t *
removal_json (const struct gc_event *e)
{
  const struct nsipc_ipc_object *o = &e->object;
  bool mq = o->type == OBJECT_MQUEUE;
  return json_pack ("{s:I, s:s?, s:s?, s:s, s:o, s:o, s:o?, s:s}", "namespace", (json_int_t)e->ns, "name", e->name,
                    "container", e->container, "type", policy_type_name (o->type), "key",
                    mq ? json_null () : json_sprintf ("0x%08" PRIx32, o->key), "id",
                    mq ? json_null () : json_integer (o->id), "mqueue", o->name ? json_string_bytes (o->name) : NULL,
                    "reason", e->reason);
}

static void
print_json (const struct gc_report *r, bool dry_run)
{
  json_t *removed = json_array (), *pins = json_array (), *records = json_array (), *errors = json_array ();
  for (size_t i = 0; i < r->n; i++)
    {
      const struct gc_event *e = &r->events[i];
      if (e->kind == GC_REMOVED)
        json_array_append_new (removed, removal_json (e));
      else if (e->kind == GC_UNPINNED)
        json_array_append_new (pins, json_pack ("{s:s, s:I}", "name", e->name, "namespace", (json_int_t)e->ns));
      else
        json_array_append_new (records, json_string (e->container));
    }
  for (size_t i = 0; i < r->errors.n; i++)
    json_array_append_new (errors, json_string (r->errors.lines[i]));
  _cleanup_json_ json_t *top
      = json_pack ("{s:b, s:o, s:I, s:o, s:o, s:o}", "dry_run", dry_run, "removed", removed, "kept_in_use",
                   (json_int_t)r->kept, "errors", errors, "pins_removed", pins, "records_removed", records);
  cli_print_json (stdout, top);
}

static void
print_lines (const struct gc_report *r, bool dry_run, bool log)
{
  for (size_t i = 0; i < r->n; i++)
    {
      char line[1024];
      event_line (&r->events[i], dry_run, line, sizeof line);
      puts (line);
      if (log && !dry_run)
        syslog (LOG_INFO, "%s", line);
    }
  printf ("%s %zu orphan%s, kept %zu in use\n", dry_run ? "would remove" : "removed", r->removed,
          r->removed == 1 ? "" : "s", r->kept);
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
  struct gc_options a = { .min_idle = REAPER_MIN_IDLE_DEFAULT };
  bool json = false;
  int c;
  optind = 0;
  while ((c = getopt_long (argc, argv, ":", options, NULL)) != -1)
    switch (c)
      {
      case 'n':
        a.dry_run = true;
        break;
      case 'j':
        json = true;
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
        return cli_fail ("gc", EXIT_USAGE, "%s \"%s\" (%s)", c == ':' ? "missing argument of" : "unknown option",
                         argv[optind - 1], usage);
      }
  if (optind != argc || (a.container && a.ns))
    return cli_fail ("gc", EXIT_USAGE, "%s", usage);
  if (cli_check_names ("gc", a.ns, a.container) != 0)
    return EXIT_USAGE;
  nsipc_error err = { 0 };
  struct gc_report r;
  if (privileges_require_admin (&err) < 0 || gc_run (g->state_dir, &a, &r, &err) < 0)
    return cli_fail ("gc", EXIT_RUNTIME, "%s", err.msg);
  bool log = !json && cli_log_open ();
  if (json)
    print_json (&r, a.dry_run);
  else
    print_lines (&r, a.dry_run, log);
  if (log)
    closelog ();
  for (size_t i = 0; i < r.errors.n; i++)
    cli_error ("gc", "%s", r.errors.lines[i]);
  int status = r.errors.n ? EXIT_RUNTIME : 0;
  gc_report_free (&r);
  return status;
}
