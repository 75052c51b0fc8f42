/* nsipc run: a private IPC namespace shaped by a policy, around one command. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "named.h"
#include "namespace.h"
#include "provision.h"
#include "privileges.h"
#include "util.h"

#define USAGE "usage: nsipc run [--policy FILE|NAME | --ns NAME] [--user UID[:GID]] [--keep-caps] -- CMD [ARG...]"
static const char usage[] = USAGE;
static const char help[]
    = USAGE "\n\n"
            "Runs CMD in a new IPC namespace (and a private mount namespace) shaped by the policy, or in the\n"
            "named namespace NAME, and becomes CMD: its exit status is nsipc's.\n\n"
            "Options:\n"
            "  --policy FILE|NAME  the policy; NAME means POLICY_DIR/NAME.json (default: POLICY_DIR/default.json,\n"
            "                      if it exists, else the kernel's defaults and no objects)\n"
            "  --ns NAME           join the named namespace NAME instead (its policy, seal and /dev/shm)\n"
            "  --user UID[:GID]    switch CMD to these ids, with no capabilities\n"
            "  --keep-caps         CMD keeps nsipc's capabilities (said on stderr; not with --user)\n"
            "  -h, --help          show this help\n";

/* Everything between the checks and the command: a failure here leaves
   nothing behind, since the namespaces die with us. */
static int
build_namespace (const struct nsipc_policy *policy, nsipc_error *err)
{
  if (namespace_unshare_private (err) < 0 || namespace_mount_dev (policy->dev_shm_size, err) < 0)
    return -1;
  return provision_fresh (policy, false, err);
}

/* --ns: the named namespace has its policy (and seal) already; only the
   mounts are ours. */
static int
join_namespace (const struct nsipc_globals *g, const char *name, struct nsipc_policy *seal, nsipc_error *err)
{
  _cleanup_close_ int held = named_enter (g->state_dir, name, err); /* until /dev/shm is bound */
  if (held < 0 || cli_namespace_seal (g, seal, err) < 0 || namespace_unshare_mount (err) < 0
      || namespace_mount_dev (0, err) < 0)
    return -1;
  return cli_bind_dev_shm (g, name, 0, err);
}

int
cmd_run (const struct nsipc_globals *g, int argc, char **argv)
{
  static const struct option options[] = {
    { "policy", required_argument, NULL, 'p' }, { "ns", required_argument, NULL, 'n' },
    { "user", required_argument, NULL, 'u' },   { "keep-caps", no_argument, NULL, 'k' },
    { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
  };
  const char *policy_arg = NULL, *ns = NULL;
  struct nsipc_sandbox sb = { 0 };
  int c;
  optind = 0;
  while ((c = getopt_long (argc, argv, "+:h", options, NULL)) != -1)
    switch (c)
      {
      case 'p':
        policy_arg = optarg;
        break;
      case 'n':
        ns = optarg;
        break;
      case 'u':
      case 'k':
        if (cli_parse_sandbox ("run", c, optarg, &sb) != 0)
          return EXIT_USAGE;
        break;
      case 'h':
        fputs (help, stdout);
        return 0;
      default:
        return cli_bad_option ("run", c, argv[optind - 1], usage);
      }
  if (optind == 0 || strcmp (argv[optind - 1], "--") != 0)
    return cli_fail ("run", EXIT_USAGE, "missing \"--\" before the command (%s)", usage);
  if (optind >= argc)
    return cli_fail ("run", EXIT_USAGE, "missing command after \"--\" (%s)", usage);

  if (ns && policy_arg)
    return cli_fail ("run", EXIT_USAGE,
                     "--policy and --ns exclude each other: a named namespace has its policy (nsipc ns apply)");

  if (cli_check_names ("run", ns, NULL) != 0)
    return EXIT_USAGE;
  /* Without the privilege nothing else is worth saying. */
  nsipc_error err = { 0 };
  if (privileges_require_admin (&err) < 0)
    return cli_fail ("run", EXIT_RUNTIME, "%s", err.msg);
  struct nsipc_policy policy = { 0 };
  int r = ns ? 0 : cli_load_policy (g, "run", policy_arg, &policy);
  if (r != 0)
    return r;

  if ((ns ? join_namespace (g, ns, &policy, &err) : build_namespace (&policy, &err)) < 0)
    r = cli_fail ("run", EXIT_RUNTIME, "%s", err.msg);
  else
    {
      sb.seal = policy.seal ? &policy : NULL;
      sb.state_dir = g->state_dir;
      r = cli_become ("run", &sb, argv + optind);
    }
  policy_free (&policy);
  return r;
}
