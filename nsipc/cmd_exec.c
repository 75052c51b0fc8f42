/* nsipc exec NAME|--pid PID|--container ID -- CMD: run a command in an
   existing IPC namespace, with /dev/mqueue showing that namespace. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "named.h"
#include "ledger.h"
#include "namespace.h"
#include "privileges.h"
#include "state.h"
#include "util.h"

#define USAGE "usage: nsipc exec NAME|--pid PID|--container ID [--user UID[:GID]] [--keep-caps] -- CMD [ARG...]"
static const char usage[] = USAGE;
static const char help[]
    = USAGE "\n\n"
            "Runs CMD in an existing IPC namespace, with /dev/mqueue and /dev/shm of that namespace in a private\n"
            "mount namespace, and becomes CMD: its exit status is nsipc's.\n\n"
            "  NAME                the named namespace NAME (nsipc ns create)\n"
            "  --pid PID           the IPC namespace of process PID\n"
            "  --container ID      the IPC namespace of running container ID (its ledger)\n"
            "  --user UID[:GID]    switch CMD to these ids, with no capabilities\n"
            "  --keep-caps         CMD keeps nsipc's capabilities (said on stderr; not with --user)\n"
            "  -h, --help          show this help\n";

static int
enter_container (const struct nsipc_globals *g, const char *id, pid_t *pid, nsipc_error *err)
{
  if (!state_valid_name (id, LEDGER_ID_MAX))
    return nsipc_error_set (err, 0, "\"%s\" is not a container id", id);
  _cleanup_close_ int containers = state_open_dir (g->state_dir, "containers", false, err);
  if (containers < 0)
    return nsipc_error_prefix (err, "container %s", id);
  struct nsipc_ledger l;
  if (ledger_read (containers, id, &l, err) < 0)
    return err->status == ENOENT ? nsipc_error_set (err, 0, "no container %s recorded", id) : -1;
  _cleanup_close_ int ns_dir = l.kind == NS_KIND_NAMED ? state_open_dir (g->state_dir, "ns", false, err) : -1;
  int r = (l.kind == NS_KIND_NAMED && ns_dir < 0) ? -1 : ledger_enter (&l, ns_dir, err);
  *pid = l.pid;
  ledger_free (&l);
  return r;
}

int
cmd_exec (const struct nsipc_globals *g, int argc, char **argv)
{
  static const struct option options[] = {
    { "pid", required_argument, NULL, 'p' },  { "container", required_argument, NULL, 'c' },
    { "user", required_argument, NULL, 'u' }, { "keep-caps", no_argument, NULL, 'k' },
    { "help", no_argument, NULL, 'h' },       { NULL, 0, NULL, 0 },
  };
  const char *pid_arg = NULL, *container = NULL, *name = NULL;
  struct nsipc_sandbox sb = { 0 };
  int c;
  /* Options go anywhere before "--" (after NAME too, as the synopsis
     writes them); everything after it is the command's. */
  int dashes = cli_find_dashes (argc, argv);
  optind = 0;
  while ((c = getopt_long (dashes, argv, ":h", options, NULL)) != -1)
    switch (c)
      {
      case 'p':
        pid_arg = optarg;
        break;
      case 'c':
        container = optarg;
        break;
      case 'u':
      case 'k':
        if (cli_parse_sandbox ("exec", c, optarg, &sb) != 0)
          return EXIT_USAGE;
        break;
      case 'h':
        fputs (help, stdout);
        return 0;
      default:
        return cli_bad_option ("exec", c, argv[optind - 1], usage);
      }
  if (dashes == argc || dashes + 1 == argc)
    return cli_fail ("exec", EXIT_USAGE, "missing \"--\" and a command (%s)", usage);
  if (optind < dashes)
    name = argv[optind++];
  if (optind < dashes)
    return cli_unexpected ("exec", argv[optind], usage);
  optind = dashes + 1;
  if ((name != NULL) + (pid_arg != NULL) + (container != NULL) != 1)
    return cli_fail ("exec", EXIT_USAGE, "give exactly one of NAME, --pid and --container (%s)", usage);
  if (cli_check_names ("exec", name, container) != 0)
    return EXIT_USAGE;
  uint64_t pid_number = 0;
  if (pid_arg && (!parse_u64_whole (pid_arg, INT32_MAX, &pid_number) || pid_number == 0))
    return cli_fail ("exec", EXIT_USAGE, "\"%s\" is not a pid", pid_arg);
  pid_t pid = (pid_t)pid_number;

  nsipc_error err = { 0 };
  struct nsipc_policy seal = { 0 };
  int held = -1; /* a named namespace's directory, locked until /dev/shm is bound */
  if (privileges_require_admin (&err) < 0
      || (name  ? (held = named_enter (g->state_dir, name, &err))
          : pid ? namespace_enter_pid (pid, &err)
                : enter_container (g, container, &pid, &err))
             < 0
      || cli_namespace_seal (g, &seal, &err) < 0 || namespace_unshare_mount (&err) < 0
      || namespace_mount_dev (0, &err) < 0 || cli_bind_dev_shm (g, name, pid, &err) < 0)
    {
      if (held >= 0)
        close (held);
      policy_free (&seal);
      return cli_fail ("exec", EXIT_RUNTIME, "%s", err.msg);
    }
  if (held >= 0)
    close (held);
  sb.seal = seal.seal ? &seal : NULL;
  sb.state_dir = g->state_dir;
  int status = cli_become ("exec", &sb, argv + optind);
  policy_free (&seal);
  return status;
}
