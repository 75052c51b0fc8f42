/* nsipc log: the last events of the hook and gc, from the event log. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eventlog.h"
#include "format.h"
#include "util.h"

#define USAGE "usage: nsipc log [--container ID] [-n|--lines N] [-J|--json]"
static const char help[]
    = USAGE "\n\n"
            "The last events the hook and gc wrote to the event log (--log FILE, env NSIPC_LOG; FILE.1 too):\n"
            "containers created or refused, objects removed, poststop's summaries.  One line each: time, verb,\n"
            "message.\n\n"
            "Options:\n"
            "  --container ID      only container ID's events\n"
            "  -n, --lines N       the last N events (default 20)\n"
            "  -J, --json          a JSON array of the events as logged\n"
            "  -h, --help          show this help\n";

int
cmd_log (const struct nsipc_globals *g, int argc, char **argv)
{
  static const struct option options[] = {
    { "container", required_argument, NULL, 'c' },
    { "lines", required_argument, NULL, 'n' },
    { "json", no_argument, NULL, 'J' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *container = NULL;
  size_t last = 20;
  bool json = false;
  int c;
  uint64_t lines;
  optind = 0;
  while ((c = getopt_long (argc, argv, ":n:Jh", options, NULL)) != -1)
    switch (c)
      {
      case 'c':
        container = optarg;
        break;
      case 'n':
        if (!parse_u64_whole (optarg, SIZE_MAX, &lines))
          return cli_fail ("log", EXIT_USAGE, "--lines \"%s\": not a number", optarg);
        last = (size_t)lines;
        break;
      case 'J':
        json = true;
        break;
      case 'h':
        fputs (help, stdout);
        return 0;
      default:
        return cli_bad_option ("log", c, argv[optind - 1], USAGE);
      }
  if (optind != argc)
    return cli_unexpected ("log", argv[optind], USAGE);
  if (cli_check_names ("log", NULL, container) != 0)
    return EXIT_USAGE;
  if (g->log_path == NULL)
    return cli_fail ("log", EXIT_USAGE, "no event log: give --log FILE or set NSIPC_LOG");
  nsipc_error err = { 0 };
  _cleanup_json_ json_t *events = eventlog_read (g->log_path, container, last, &err);
  if (events == NULL)
    return cli_fail ("log", EXIT_RUNTIME, "%s", err.msg);
  if (json)
    {
      cli_print_json (stdout, events);
      return 0;
    }
  size_t i;
  json_t *e;
  json_array_foreach (events, i, e)
  {
    const char *message = json_string_value (json_object_get (e, "message"));
    char line[2048], safe[4096];
    format (line, sizeof line, "%s %s %s%s%s", json_string_value (json_object_get (e, "time")) ?: "-",
              json_string_value (json_object_get (e, "verb")) ?: "-", json_string_value (json_object_get (e, "event")) ?: "",
              message || json_object_get (e, "container") ? ": " : "",
              message ?: json_string_value (json_object_get (e, "container")) ?: "");
    escape_controls (line, safe, sizeof safe); /* the log holds names others chose */
    puts (safe);
  }
  return 0;
}
