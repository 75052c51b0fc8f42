/* nsipc: global options, then one verb (dispatch.c). */
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
      "                       OCI runtime hook: the container state on stdin (nsipc-hook: the\n"
      "                       same, statically linked, for the runtime to run)\n"
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

static const struct cli_verb verbs[] = {
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

int
main (int argc, char **argv)
{
  return cli_main (argc, argv, "nsipc", help, verbs, sizeof verbs / sizeof verbs[0]);
}
