/* nsipc gc: removes orphans (DESIGN.md §6) in every container and named
   namespace it can reach, stale ledger records and, with --pins, pins
   nobody uses.  The host namespace only with --host. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "cli.h"
#include "gc.h"
#include "output.h"
#include "privileges.h"
#include "reaper.h"
#include "util.h"

#define USAGE                                                                                                          \
  "usage: nsipc gc [--dry-run] [--json] [--container ID|--ns NAME] [--host] [--pins] [--min-idle SECONDS] "            \
  "[--runtime-root DIR]"
static const char usage[] = USAGE;
static const char help[]
    = USAGE "\n\n"
            "Removes orphaned IPC objects (those no rule of nsipc-policy(5)'s cleanup keeps) in containers' and\n"
            "named namespaces, the ledgers of containers that are gone, and with --pins, pins nobody uses.\n"
            "Prints one line per removal and a summary; logs removals to syslog.\n\n"
            "Options:\n"
            "  --dry-run           say what would be removed, remove nothing\n"
            "  --json              one JSON document instead of lines\n"
            "  --container ID      only container ID's namespace (an unknown ID is an error)\n"
            "  --ns NAME           only the named namespace NAME (an unknown NAME is an error)\n"
            "  --host              the host's IPC namespace too\n"
            "  --pins              also unpin named namespaces nobody is in and that hold nothing kept (nor\n"
            "                      files in their /dev/shm), and half-made ones (a create or delete cut short)\n"
            "  --min-idle SECONDS  keep objects used in the last SECONDS (default 30)\n"
            "  --runtime-root DIR  containers' state is in DIR (runc's --root), not /run/runc and /run/crun\n"
            "  -h, --help          show this help\n";

/* What gc's events become, each as it happens. */
struct gc_out
{
  const struct nsipc_globals *g;
  bool dry_run, json, syslog;
  struct gc_json collected;
  struct output_gc_seen seen;
};

static void
on_event (const struct gc_event *e, void *ctx)
{
  struct gc_out *o = ctx;
  if (o->g->log_path && !o->dry_run) /* the JSON only for a log: 10 000 removals are 10 000 objects */
    cli_log_event (o->g, "gc", output_gc_event_json (e));
  if (o->json)
    output_gc_json_add (&o->collected, e);
  if (o->json && !o->syslog)
    return;
  /* Every removal is logged (DESIGN §6), whatever stdout gets. */
  char line[1024];
  size_t len;
  if (e->kind == GC_REMOVED)
    len = output_gc_removal (&o->seen, e, o->dry_run, line, sizeof line);
  else
    {
      output_gc_line (e, o->dry_run, line, sizeof line);
      len = strlen (line);
    }
  if (!o->json)
    {
      line[len] = '\n';
      fwrite_unlocked (line, 1, len + 1, stdout);
      line[len] = '\0';
    }
  if (o->syslog)
    syslog (LOG_INFO, "%s", line);
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
  while ((c = getopt_long (argc, argv, ":h", options, NULL)) != -1)
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
        fputs (help, stdout);
        return 0;
      default:
        return cli_bad_option ("gc", c, argv[optind - 1], usage);
      }
  if (optind != argc)
    return cli_unexpected ("gc", argv[optind], usage);
  if (a.container && a.ns)
    return cli_fail ("gc", EXIT_USAGE, "--container and --ns exclude each other (%s)", usage);
  if (cli_check_names ("gc", a.ns, a.container) != 0)
    return EXIT_USAGE;
  nsipc_error err = { 0 };
  struct gc_report r;
  struct gc_out out = { .g = g, .dry_run = a.dry_run, .json = json };
  if (privileges_require_host_root ("gc", &err) < 0)
    return cli_fail ("gc", EXIT_RUNTIME, "%s", err.msg);
  /* A line per removal: in 64 KiB writes, not the 4 KiB a pipe or file
     gets by default. */
  static char buffer[65536];
  if (!isatty (STDOUT_FILENO))
    setvbuf (stdout, buffer, _IOFBF, sizeof buffer);
  out.syslog = !a.dry_run && cli_log_open ();
  if (gc_run (g->state_dir, &a, on_event, &out, &r, &err) < 0)
    {
      if (out.syslog)
        closelog ();
      return cli_fail ("gc", EXIT_RUNTIME, "%s", err.msg); /* before any event */
    }
  for (size_t i = 0; g->log_path && !a.dry_run && i < r.errors.n; i++)
    cli_log_event (g, "gc", json_pack ("{s:s, s:s}", "event", "error", "message", r.errors.lines[i]));
  if (json)
    output_gc_json (stdout, &out.collected, &r, a.dry_run);
  else
    printf ("%s %zu orphan%s, kept %zu in use\n", a.dry_run ? "would remove" : "removed", r.removed,
            r.removed == 1 ? "" : "s", r.kept);
  if (out.syslog)
    closelog ();
  for (size_t i = 0; i < r.errors.n; i++)
    cli_error ("gc", "%s", r.errors.lines[i]);
  int status = r.errors.n ? EXIT_RUNTIME : 0;
  gc_report_free (&r);
  return status;
}
