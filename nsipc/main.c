/* nsipc: global options, then one verb. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[]
    = "usage: nsipc [--state-dir DIR] [--policy-dir DIR] COMMAND [ARGS]\n"
      "\n"
      "Container-aware IPC namespace manager: private IPC namespaces shaped by a JSON policy.\n"
      "\n"
      "Commands:\n"
      "  run [--policy FILE|NAME] -- CMD [ARG...]\n"
      "                       run CMD in a new IPC namespace with the policy's limits and objects\n"
      "  run --ns NAME [--policy FILE|NAME] -- CMD [ARG...]\n"
      "                       run CMD in the named namespace NAME (applying the policy first)\n"
      "  exec NAME|--pid PID|--container ID -- CMD [ARG...]\n"
      "                       run CMD in an existing IPC namespace\n"
      "  ns create NAME [--policy FILE|NAME]\n"
      "                       create a named IPC namespace, pinned at STATE_DIR/ns/NAME\n"
      "  ns apply NAME --policy FILE|NAME\n"
      "                       apply a policy to a named namespace, idempotently\n"
      "  ns list [--json]     list named namespaces\n"
      "  ns delete NAME [--force]\n"
      "                       unpin a named namespace\n"
      "  hook [createRuntime|poststop|precreate]\n"
      "                       OCI runtime hook: the container state on stdin\n"
      "  oci-config --policy NAME [--ns NAME]\n"
      "                       amend a bundle's config.json (stdin to stdout) for a policy\n"
      "  audit [--json|--prometheus] [--container ID] [--orphans] [--runtime-root DIR]\n"
      "                       every IPC namespace: owners, usage, objects, orphans\n"
      "  gc [--dry-run] [--json] [--container ID|--ns NAME] [--host] [--pins]\n"
      "                       remove orphaned objects, stale records, unused pins\n"
      "  audit [--json|--prometheus] [--container ID] [--orphans] [--runtime-root DIR]\n"
      "                       every IPC namespace: owners, usage, objects, orphans\n"
      "  gc [--dry-run] [--json] [--container ID|--ns NAME] [--host] [--pins]\n"
      "                       remove orphaned objects, stale records, unused pins\n"
      "  policy check FILE... validate policies\n"
      "\n"
      "Options:\n"
      "  --state-dir DIR      state directory (default /run/nsipc, env NSIPC_STATE_DIR)\n"
      "  --policy-dir DIR     where policy NAMEs are found (default /etc/nsipc/policies,\n"
      "                       env NSIPC_POLICY_DIR); NAME means DIR/NAME.json\n"
      "  -h, --help           show this help\n"
      "  -V, --version        show the version\n"
      "\n"
      "Exit status: the command's own for run (126 cannot execute, 127 not found,\n"
      "128+N killed by signal N); 1 runtime failure; 2 usage or policy error.\n";

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
    { "state-dir", required_argument, NULL, 's' },
    { "policy-dir", required_argument, NULL, 'p' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  struct nsipc_globals g = {
    .state_dir = env_or ("NSIPC_STATE_DIR", "/run/nsipc"),
    .policy_dir = env_or ("NSIPC_POLICY_DIR", "/etc/nsipc/policies"),
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
      case 'h':
        fputs (help, stdout);
        return 0;
      case 'V':
        puts ("nsipc " NSIPC_VERSION);
        return 0;
      case ':':
        return cli_fail (NULL, EXIT_USAGE, "option \"%s\" needs an argument (see nsipc --help)", argv[optind - 1]);
      default:
        return cli_fail (NULL, EXIT_USAGE, "unknown option \"%s\" (see nsipc --help)", argv[optind - 1]);
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
  int status = dispatch (argc, argv);
  cli_flush ();
  return status;
}
