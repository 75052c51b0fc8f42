/* nsipc ns list [-J|--json] [-o COLUMNS] [-r] [-n]: each named namespace,
   its record and what is inside, as lsipc prints its tables. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "named.h"
#include "namespace.h"
#include "output.h"
#include "privileges.h"
#include "table.h"
#include "util.h"

static const char help[]
    = "usage: nsipc ns list [-J|--json] [-o COLUMNS] [-r] [-n]\n\n"
      "Each named namespace: its record (policy, creation), whether it is complete and pinned, the\n"
      "processes in it and its objects per type.\n\n"
      "Options:\n"
      "  -J, --json          one JSON document\n"
      "  -o, --output LIST   table columns, comma-separated (below)\n"
      "  -r, --raw           raw table: columns separated by one space\n"
      "  -n, --noheadings    no header line\n"
      "  -h, --help          show this help\n";

int
cmd_ns_list (const struct nsipc_globals *g, int argc, char **argv)
{
  static const struct option options[] = {
    { "json", no_argument, NULL, 'J' }, { "output", required_argument, NULL, 'o' },
    { "raw", no_argument, NULL, 'r' },  { "noheadings", no_argument, NULL, 'n' },
    { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
  };
  const char *verb = "ns list";
  struct table_options table = { 0 };
  bool json = false;
  int c;
  optind = 0;
  while ((c = getopt_long (argc, argv, ":Jo:rnh", options, NULL)) != -1)
    switch (cli_table_option (c, optarg, &table, &json) ? 0 : c)
      {
      case 0:
        break;
      case 'h':
        printf ("%s\nColumns for -o:\n", help);
        table_help (stdout, output_ns_columns, output_ns_n_columns);
        return 0;
      default:
        return cli_bad_option (verb, c, argv[optind - 1], "see nsipc ns list --help");
      }
  nsipc_error err = { 0 };
  if (optind != argc)
    return cli_unexpected (verb, argv[optind], "see nsipc ns list --help");
  if (json && (table.columns || table.raw || table.noheadings))
    return cli_fail (verb, EXIT_USAGE, "--json and -o, -r, -n exclude each other (see nsipc ns list --help)");
  if (table_check_columns (output_ns_columns, output_ns_n_columns, table.columns, &err) < 0)
    return cli_fail (verb, EXIT_USAGE, "%s", err.msg);
  /* Counting what is inside needs the privilege, and on kernels without
     fsmount a mount namespace of our own. */
  _cleanup_json_ json_t *list = NULL;
  if (privileges_require_host_root (verb, &err) < 0 || namespace_unshare_mount (&err) < 0
      || (list = named_list (g->state_dir, &err)) == NULL)
    return cli_fail (verb, EXIT_RUNTIME, "%s", err.msg);
  if (json)
    {
      _cleanup_json_ json_t *top = json_pack ("{s:O}", "namespaces", list);
      cli_print_json (stdout, top);
    }
  else if (output_ns_table (stdout, list, &table, &err) < 0)
    return cli_fail (verb, EXIT_USAGE, "%s", err.msg);
  return 0;
}
