/* nsipc ns create|apply|list|delete: named IPC namespaces pinned under
   STATE_DIR/ns, each with a record NAME.json beside its pin (named.c does
   the work; ns list is in cmd_ns_list.c). */
#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "format.h"
#include "privileges.h"
#include "named.h"
#include "state.h"
#include "util.h"

static const char usage[] = "usage: nsipc ns create NAME [--policy FILE|NAME]\n"
                            "       nsipc ns apply NAME --policy FILE|NAME\n"
                            "       nsipc ns list [-J|--json] [-o COLUMNS] [-r] [-n]\n"
                            "       nsipc ns delete NAME [--force]\n"
                            "Named IPC namespaces, pinned at STATE_DIR/ns/NAME; nsipc ns COMMAND --help for each.\n";

/* Each sub-verb's help, in the order of subs[] (ns list has its own). */
static const char *const helps[] = {
  "usage: nsipc ns create NAME [--policy FILE|NAME]\n\n"
  "Creates the IPC namespace NAME, pins it at STATE_DIR/ns/NAME, applies the policy (limits, objects, a\n"
  "/dev/shm tmpfs of dev_shm at STATE_DIR/shm/NAME) and records it.  A NAME that exists is an error.\n\n"
  "Options:\n"
  "  --policy FILE|NAME  the policy; NAME means POLICY_DIR/NAME.json (default: POLICY_DIR/default.json,\n"
  "                      if it exists)\n"
  "  -h, --help          show this help\n",
  "usage: nsipc ns apply NAME --policy FILE|NAME\n\n"
  "Applies a policy to the named namespace NAME idempotently: what exists and agrees is kept, with its\n"
  "data; a conflicting object is reported and nothing changes (exit 1).\n\n"
  "Options:\n"
  "  --policy FILE|NAME  the policy; NAME means POLICY_DIR/NAME.json\n"
  "  -h, --help          show this help\n",
  NULL,
  "usage: nsipc ns delete NAME [--force]\n\n"
  "Unpins the named namespace NAME, unmounts its /dev/shm and removes its record.  While processes are\n"
  "in it, refuses and names them (exit 1).\n\n"
  "Options:\n"
  "  --force             unpin anyway: the namespace lives until its last process exits\n"
  "  -h, --help          show this help\n",
};

struct ns_args
{
  const char *verb; /* "ns create" … for messages */
  const char *name;
  const char *policy;
  bool force;
};

/* ns create and ns apply: the policy (--policy, else default.json if
   any) into a new namespace, or into the one that exists. */
static int
ns_provision (const struct nsipc_globals *g, const struct ns_args *a, bool create)
{
  nsipc_error err = { 0 };
  if (!create && a->policy == NULL)
    return cli_fail (a->verb, EXIT_USAGE, "--policy is required (see nsipc ns apply --help)");
  /* Without the privilege nothing else is worth saying. */
  if (privileges_require_host_root (a->verb, &err) < 0)
    return cli_fail (a->verb, EXIT_RUNTIME, "%s", err.msg);
  struct nsipc_policy p;
  int r = cli_load_policy (g, a->verb, a->policy, &p);
  if (r != 0)
    return r;
  const char *label = a->policy ? a->policy : p.digest[0] ? "default" : NULL;
  struct nsipc_problems conflicts = { 0 };
  r = (create ? named_create (g->state_dir, a->name, &p, label, &err)
              : named_apply (g->state_dir, a->name, &p, label, &conflicts, &err))
              < 0
          ? EXIT_RUNTIME
          : 0;
  char where[STATE_NAME_MAX + 16];
  format (where, sizeof where, "namespace %s", a->name);
  cli_problems (a->verb, where, &conflicts);
  if (r)
    cli_error (a->verb, "%s", err.msg);
  problems_free (&conflicts);
  policy_free (&p);
  return r;
}

static int
ns_delete (const struct nsipc_globals *g, const struct ns_args *a)
{
  nsipc_error err = { 0 };
  if (privileges_require_host_root (a->verb, &err) < 0 || named_delete (g->state_dir, a->name, a->force, &err) < 0)
    return cli_fail (a->verb, EXIT_RUNTIME, "%s", err.msg);
  return 0;
}

int
cmd_ns (const struct nsipc_globals *g, int argc, char **argv)
{
  static const struct option options[] = {
    { "policy", required_argument, NULL, 'p' },
    { "force", no_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  static const char *const subs[] = { "create", "apply", "list", "delete" };
  if (argc < 2)
    return cli_fail ("ns", EXIT_USAGE, "missing subcommand (see nsipc ns --help)");
  int sub = 0;
  while (sub < 4 && strcmp (argv[1], subs[sub]) != 0)
    sub++;
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      fputs (usage, stdout);
      return 0;
    }
  if (sub == 4)
    return cli_fail ("ns", EXIT_USAGE, "unknown subcommand \"%s\" (see nsipc ns --help)", argv[1]);
  if (sub == 2)
    return cmd_ns_list (g, argc - 1, argv + 1);
  char verb[16], see[32];
  format (verb, sizeof verb, "ns %s", subs[sub]);
  format (see, sizeof see, "see nsipc %s --help", verb);
  struct ns_args a = { .verb = verb };
  int c;
  optind = 0;
  while ((c = getopt_long (argc - 1, argv + 1, ":h", options, NULL)) != -1)
    switch (c)
      {
      case 'p':
        a.policy = optarg;
        break;
      case 'f':
        a.force = true;
        break;
      case 'h':
        fputs (helps[sub], stdout);
        return 0;
      default:
        return cli_bad_option (verb, c, argv[optind], see);
      }
  if (a.policy && sub > 1)
    return cli_fail (verb, EXIT_USAGE, "--policy is not an option of %s (%s)", verb, see);
  if (a.force && sub != 3)
    return cli_fail (verb, EXIT_USAGE, "--force is not an option of %s (%s)", verb, see);
  if (argc - 1 - optind < 1)
    return cli_fail (verb, EXIT_USAGE, "missing NAME (%s)", see);
  if (argc - 1 - optind > 1)
    return cli_unexpected (verb, argv[2 + optind], see);
  a.name = argv[1 + optind];
  if (cli_check_names (verb, a.name, NULL) != 0)
    return EXIT_USAGE;
  return sub == 0 ? ns_provision (g, &a, true) : sub == 1 ? ns_provision (g, &a, false) : ns_delete (g, &a);
}
