/* nsipc: global options, then one verb. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <jansson.h>

#include "cli.h"
#include "config.h"

static const char help[]
    = "usage: nsipc [--state-dir DIR] [--policy-dir DIR] [--log FILE] COMMAND [ARGS]\n"
      "\n"
      "Container-aware IPC namespace manager: IPC namespaces shaped by a JSON policy (nsipc-policy(5)),\n"
      "an OCI runtime hook, audit, and cleanup of orphaned IPC objects.\n"
      "\n"
      "Commands (nsipc COMMAND --help for each):\n"
      "  run [--policy FILE|NAME] -- CMD [ARG...]\n"
      "                       run CMD in a new IPC namespace with the policy's limits and objects\n"
      "  run --ns NAME -- CMD [ARG...]\n"
      "                       run CMD in the named namespace NAME (its own policy)\n"
      "  exec NAME|--pid PID|--container ID -- CMD [ARG...]\n"
      "                       run CMD in an existing IPC namespace\n"
      "  ns create NAME [--policy FILE|NAME]\n"
      "                       create a named IPC namespace, pinned at STATE_DIR/ns/NAME\n"
      "  ns apply NAME --policy FILE|NAME\n"
      "                       apply a policy to a named namespace, idempotently\n"
      "  ns list [-J|--json]  list named namespaces\n"
      "  ns delete NAME [--force]\n"
      "                       unpin a named namespace\n"
      "  policy check FILE|NAME...\n"
      "                       validate policies\n"
      "  hook [createRuntime|poststop|precreate]\n"
      "                       OCI runtime hook: the container state on stdin\n"
      "  oci-config --policy NAME [--ns NAME]\n"
      "                       amend a bundle's config.json (stdin to stdout) for a policy\n"
      "  audit [-J|--json|--prometheus] [--container ID] [--orphans]\n"
      "                       every IPC namespace: owners, usage, objects, orphans\n"
      "  gc [--dry-run] [--json] [--container ID|--ns NAME] [--host] [--pins]\n"
      "                       remove orphaned objects, stale records, unused pins\n"
      "  log [--container ID] [-n N] [-J|--json]\n"
      "                       the last events of the hook and gc, from the event log\n"
      "\n"
      "Options:\n"
      "  --state-dir DIR      state directory (default " NSIPC_STATE_DIR_DEFAULT ", env NSIPC_STATE_DIR)\n"
      "  --policy-dir DIR     where policy NAMEs are found (default " NSIPC_POLICY_DIR_DEFAULT ",\n"
      "                       env NSIPC_POLICY_DIR); NAME means DIR/NAME.json\n"
      "  --log FILE           append what the hook and gc do to FILE, one JSON line per event\n"
      "                       (env NSIPC_LOG; rotated to FILE.1 past 1MiB; nsipc log shows it)\n"
      "  -h, --help           show this help\n"
      "  -V, --version        show the version\n"
      "\n"
      "Exit status: run and exec: the command's own (126 cannot execute, 127 not found, 128+N killed by\n"
      "signal N); otherwise 0 success, 1 runtime failure, 2 usage or policy error.\n";

static const struct
{
  const char *name;
  int (*fn) (const struct nsipc_globals *, int, char **);
} verbs[] = {
  { "run", cmd_run },
  { "exec", cmd_exec },
  { "ns", cmd_ns },
  { "hook", cmd_hook },
  { "oci-config", cmd_oci_config },
  { "audit", cmd_audit },
  { "gc", cmd_gc },
  { "policy", cmd_policy },
  { "log", cmd_log },
};

static const char *
env_or (const char *name, const char *fallback)
{
  const char *v = getenv (name);
  return v && *v ? v : fallback;
}

static int
dispatch (int argc, char **argv)
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
        puts ("nsipc " NSIPC_VERSION);
        return 0;
      default:
        return cli_bad_option (NULL, c, argv[optind - 1], "see nsipc --help");
      }
  if (optind >= argc)
    {
      return cli_fail (NULL, EXIT_USAGE, "missing command (see nsipc --help)");
    }
  const char *verb = argv[optind];
  for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
    if (strcmp (verbs[i].name, verb) == 0)
      return verbs[i].fn (&g, argc - optind, argv + optind);
  return cli_fail (NULL, EXIT_USAGE, "unknown command \"%s\" (see nsipc --help)", verb);
}

/* The one place that writes what nsipc has to say on stderr. */
int
main (int argc, char **argv)
{
  /* jansson seeds its hash tables on first use from /dev/urandom: an
     open, a read and a close in every hook; one getrandom is as random. */
  size_t seed;
  if (getrandom (&seed, sizeof seed, GRND_NONBLOCK) == sizeof seed && seed != 0)
    json_object_seed (seed);
  int status = dispatch (argc, argv);
  cli_flush ();
  return status;
}
