/* nsipc policy check FILE...: validate policies without touching the kernel. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int
check_files (int argc, char **argv)
{
  if (argc == 0)
    return cli_fail ("policy check", EXIT_USAGE, "no policy file given (usage: nsipc policy check FILE...)");
  int status = 0;
  for (int i = 0; i < argc; i++)
    {
      struct nsipc_policy policy;
      struct nsipc_problems problems;
      if (policy_load_file (argv[i], &policy, &problems) == 0)
        {
          printf ("%s: ok\n", argv[i]);
          policy_free (&policy);
          continue;
        }
      cli_problems ("policy check", argv[i], &problems);
      problems_free (&problems);
      status = EXIT_USAGE;
    }
  return status;
}

int
cmd_policy (const struct nsipc_globals *g, int argc, char **argv)
{
  (void)g;
  /* "FILE: ok" on stdout and problems on stderr, in the order they happen. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (argc >= 2 && strcmp (argv[1], "check") == 0)
    {
      if (argc >= 3 && (strcmp (argv[2], "--help") == 0 || strcmp (argv[2], "-h") == 0))
        {
          puts ("usage: nsipc policy check FILE...\n"
                "Validates each policy; prints \"FILE: ok\" or every problem. Exit 0 when all are valid, else 2.");
          return 0;
        }
      return check_files (argc - 2, argv + 2);
    }
  if (argc < 2)
    cli_error ("policy", "missing subcommand (usage: nsipc policy check FILE...)");
  else
    cli_error ("policy", "unknown subcommand \"%s\" (usage: nsipc policy check FILE...)", argv[1]);
  return EXIT_USAGE;
}
