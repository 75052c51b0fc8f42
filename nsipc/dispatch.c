/* The global options, then one verb: nsipc's command line, and
   nsipc-hook's, which has the hook verb alone. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <jansson.h>

#include "cli.h"
#include "config.h"
#include "format.h"

static const char *
env_or (const char *name, const char *fallback)
{
  const char *v = getenv (name);
  return v && *v ? v : fallback;
}

static int
dispatch (int argc, char **argv, const char *program, const char *help, const struct cli_verb *verbs, size_t n)
{
  static const struct option options[] = {
    { "state-dir", required_argument, NULL, 's' }, { "policy-dir", required_argument, NULL, 'p' },
    { "log", required_argument, NULL, 'l' },       { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },         { NULL, 0, NULL, 0 },
  };
  struct nsipc_globals g = {
    .state_dir = env_or ("NSIPC_STATE_DIR", NSIPC_STATE_DIR_DEFAULT),
    .policy_dir = env_or ("NSIPC_POLICY_DIR", NSIPC_POLICY_DIR_DEFAULT),
    .log_path = env_or ("NSIPC_LOG", NULL),
  };
  int c;
  opterr = 0;
  while ((c = getopt_long (argc, argv, "+:hV", options, NULL)) != -1)
    switch (c)
      {
      case 's':
        g.state_dir = optarg;
        break;
      case 'p':
        g.policy_dir = optarg;
        break;
      case 'l':
        g.log_path = optarg;
        break;
      case 'h':
        fputs (help, stdout);
        return 0;
      case 'V':
        printf ("%s %s\n", program, NSIPC_VERSION);
        return 0;
      default:
        {
          char see[64];
          format (see, sizeof see, "see %s --help", program);
          return cli_bad_option (NULL, c, argv[optind - 1], see);
        }
      }
  if (optind >= argc)
    return cli_fail (NULL, EXIT_USAGE, "missing command (see %s --help)", program);
  const char *verb = argv[optind];
  for (size_t i = 0; i < n; i++)
    if (strcmp (verbs[i].name, verb) == 0)
      return verbs[i].fn (&g, argc - optind, argv + optind);
  return cli_fail (NULL, EXIT_USAGE, "unknown command \"%s\" (see %s --help)", verb, program);
}

/* The one place that writes what nsipc has to say on stderr. */
int
cli_main (int argc, char **argv, const char *program, const char *help, const struct cli_verb *verbs, size_t n)
{
  /* jansson seeds its hash tables on first use from /dev/urandom: an
     open, a read and a close in every hook; one getrandom is as random. */
  size_t seed;
  if (getrandom (&seed, sizeof seed, GRND_NONBLOCK) == sizeof seed && seed != 0)
    json_object_seed (seed);
  int status = dispatch (argc, argv, program, help, verbs, n);
  cli_flush ();
  return status;
}
