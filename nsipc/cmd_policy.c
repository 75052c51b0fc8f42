/* nsipc policy check FILE|NAME...: validate policies without touching the
   kernel. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

#define USAGE "usage: nsipc policy check FILE|NAME..."
static const char help[]
    = USAGE "\n\n"
            "Validates each policy without touching the kernel (no privilege needed) and prints \"PATH: ok\",\n"
            "or every problem with its JSON path.  A NAME means POLICY_DIR/NAME.json; an argument with a /\n"
            "or ending in .json is a file.  Exit 0 when all are valid, else 2.\n\n"
            "Options:\n"
            "  -h, --help          show this help\n";

static int
check_one (const struct nsipc_globals *g, const char *arg)
{
  nsipc_error err = { 0 };
  _cleanup_free_ char *path = NULL;
  if (policy_locate (g->policy_dir, arg, &path, &err) < 0)
    return cli_fail ("policy check", EXIT_USAGE, "%s", err.msg);
  struct nsipc_policy policy;
  struct nsipc_problems problems;
  if (policy_load_file (path, &policy, &problems) == 0)
    {
      printf ("%s: ok\n", path);
      policy_free (&policy);
      return 0;
    }
  cli_problems ("policy check", path, &problems);
  problems_free (&problems);
  return EXIT_USAGE;
}

int
cmd_policy (const struct nsipc_globals *g, int argc, char **argv)
{
  /* "PATH: ok" on stdout and problems on stderr, in the order they happen. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      fputs (help, stdout);
      return 0;
    }
  if (argc < 2)
    return cli_fail ("policy", EXIT_USAGE, "missing subcommand (%s)", USAGE);
  if (strcmp (argv[1], "check") != 0)
    return cli_fail ("policy", EXIT_USAGE, "unknown subcommand \"%s\" (%s)", argv[1], USAGE);
  static const struct option options[] = {
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c;
  optind = 0;
  while ((c = getopt_long (argc - 1, argv + 1, ":h", options, NULL)) != -1)
    switch (c)
      {
      case 'h':
        fputs (help, stdout);
        return 0;
      default:
        return cli_bad_option ("policy check", c, argv[optind], USAGE);
      }
  if (1 + optind == argc)
    return cli_fail ("policy check", EXIT_USAGE, "no policy given (%s)", USAGE);
  int status = 0;
  for (int i = 1 + optind; i < argc; i++)
    if (check_one (g, argv[i]) != 0)
      status = EXIT_USAGE;
  return status;
}
