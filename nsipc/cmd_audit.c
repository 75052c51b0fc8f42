/* nsipc audit: every IPC namespace on the host, who owns it, how full it
   is, and what in it is orphaned. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "output.h"
#include "privileges.h"
#include "reaper.h"
#include "table.h"
#include "util.h"

#define USAGE                                                                                                          \
  "usage: nsipc audit [-J|--json|--prometheus|-o COLUMNS [-r] [-n]] [--container ID] [--orphans] "                     \
  "[--min-idle SECONDS] [--runtime-root DIR]"
static const char usage[] = USAGE;
static const char help[]
    = USAGE "\n\n"
            "Every IPC namespace on the host: who owns it (container, named namespace, host), its limits and\n"
            "use, its objects, and which of them are orphans and why the others are kept.  Reads only.\n\n"
            "Options:\n"
            "  -J, --json          one JSON document\n"
            "  --prometheus        Prometheus text metrics\n"
            "  -o, --output LIST   table columns, comma-separated (below)\n"
            "  -r, --raw           raw table: columns separated by one space\n"
            "  -n, --noheadings    no header line\n"
            "  --container ID      only container ID's namespace (an unknown ID is an error)\n"
            "  --orphans           only the objects gc would remove\n"
            "  --min-idle SECONDS  an object used in the last SECONDS is not an orphan (default 30)\n"
            "  --runtime-root DIR  containers' state is in DIR (runc's --root), not /run/runc and /run/crun\n"
            "  -h, --help          show this help\n";

/* The table and Prometheus are made from the whole document. */
static void
keep_namespace (json_t *ns, void *ctx)
{
  json_array_append_new (ctx, ns);
}

int
cmd_audit (const struct nsipc_globals *g, int argc, char **argv)
{
  static const struct option options[] = {
    { "json", no_argument, NULL, 'J' },
    { "output", required_argument, NULL, 'o' },
    { "raw", no_argument, NULL, 'r' },
    { "noheadings", no_argument, NULL, 'n' },
    { "prometheus", no_argument, NULL, 'p' },
    { "container", required_argument, NULL, 'c' },
    { "orphans", no_argument, NULL, 'x' },
    { "runtime-root", required_argument, NULL, 'T' },
    { "min-idle", required_argument, NULL, 'i' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct audit_options a = { .min_idle = REAPER_MIN_IDLE_DEFAULT };
  bool json = false, prometheus = false;
  struct table_options table = { 0 };
  int c;
  optind = 0;
  while ((c = getopt_long (argc, argv, ":Jo:rnh", options, NULL)) != -1)
    switch (cli_table_option (c, optarg, &table, &json) ? 0 : c)
      {
      case 0:
        break;
      case 'p':
        prometheus = true;
        break;
      case 'c':
        a.container = optarg;
        break;
      case 'x':
        a.orphans = true;
        break;
      case 'T':
        a.runtime_root = optarg;
        break;
      case 'i':
        if (cli_parse_min_idle ("audit", optarg, &a.min_idle) != 0)
          return EXIT_USAGE;
        break;
      case 'h':
        fputs (help, stdout);
        puts ("\nColumns for -o (one row per object):");
        table_help (stdout, output_audit_columns, output_audit_n_columns);
        return 0;
      default:
        return cli_bad_option ("audit", c, argv[optind - 1], usage);
      }
  bool rows = table.columns || table.raw || table.noheadings;
  if (optind != argc)
    return cli_unexpected ("audit", argv[optind], usage);
  if (json + prometheus + rows > 1)
    return cli_fail ("audit", EXIT_USAGE, "--json, --prometheus and -o, -r, -n exclude each other (%s)", usage);
  nsipc_error err = { 0 };
  if (table_check_columns (output_audit_columns, output_audit_n_columns, table.columns, &err) < 0)
    return cli_fail ("audit", EXIT_USAGE, "%s", err.msg);
  if (cli_check_names ("audit", NULL, a.container) != 0)
    return EXIT_USAGE;
  if (privileges_require_host_root ("audit", &err) < 0)
    return cli_fail ("audit", EXIT_RUNTIME, "%s", err.msg);
  size_t skipped;
  if (json)
    {
      /* Each namespace written as it is judged, then let go. */
      struct output_audit_json w = { .out = stdout };
      a.json = &w;
      if (audit_run (g->state_dir, &a, NULL, NULL, &skipped, &err) < 0)
        return cli_fail ("audit", EXIT_RUNTIME, "%s", err.msg);
      output_audit_json_end (&w, skipped);
      return 0;
    }
  json_t *namespaces = json_array ();
  if (audit_run (g->state_dir, &a, keep_namespace, namespaces, &skipped, &err) < 0)
    {
      json_decref (namespaces);
      return cli_fail ("audit", EXIT_RUNTIME, "%s", err.msg);
    }
  _cleanup_json_ json_t *top = json_pack ("{s:o, s:I}", "namespaces", namespaces, "skipped", (json_int_t)skipped);
  /* Formatted in memory, written at once: stdout is line-buffered. */
  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream (&text, &len);
  if (prometheus)
    output_audit_prometheus (mem, top);
  else if (rows && output_audit_objects (mem, top, &table, &err) < 0)
    cli_error ("audit", "%s", err.msg);
  else if (!rows)
    output_audit_table (mem, top);
  fclose (mem);
  fwrite (text, 1, len, stdout);
  free (text);
  return 0;
}
