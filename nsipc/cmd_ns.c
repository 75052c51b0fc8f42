/* nsipc ns create|apply|list|delete: named IPC namespaces pinned under
   STATE_DIR/ns, each with a record NAME.json beside its pin. */
#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "namespace.h"
#include "privileges.h"
#include "named.h"
#include "state.h"
#include "output.h"
#include "table.h"
#include "util.h"

static const char usage[] = "usage: nsipc ns create NAME [--policy FILE|NAME]\n"
                            "       nsipc ns apply NAME --policy FILE|NAME\n"
                            "       nsipc ns list [-J|--json] [-o COLUMNS] [-r] [-n]\n"
                            "       nsipc ns delete NAME [--force]";

struct ns_args
{
  const char *verb; /* "ns create" … for messages */
  const char *name;
  const char *policy;
  bool json, force;
  struct table_options table; /* ns list: -o, -r, -n */
};

/* The policy a named namespace gets: --policy, else default.json if any. */
static int
load_ns_policy (const struct nsipc_globals *g, const struct ns_args *a, struct nsipc_policy *p, char **label)
{
  /* Without the privilege nothing else is worth saying. */
  nsipc_error err;
  if (privileges_require_admin (&err) < 0)
    return cli_fail (a->verb, EXIT_RUNTIME, "%s", err.msg);
  int r = cli_load_policy (g, a->verb, a->policy, p);
  if (r != 0)
    return r;
  *label = NULL;
  if (a->policy)
    *label = xstrdup (a->policy);
  else if (p->digest[0])
    *label = xstrdup ("default");
  return 0;
}

static int
ns_create (const struct nsipc_globals *g, const struct ns_args *a)
{
  struct nsipc_policy p;
  _cleanup_free_ char *label = NULL;
  int r = load_ns_policy (g, a, &p, &label);
  if (r != 0)
    return r;
  nsipc_error err = { 0 };
  r = named_create (g->state_dir, a->name, &p, label, &err) < 0 ? EXIT_RUNTIME : 0;
  if (r)
    cli_error (a->verb, "%s", err.msg);
  policy_free (&p);
  return r;
}

static int
ns_apply (const struct nsipc_globals *g, const struct ns_args *a)
{
  if (a->policy == NULL)
    return cli_fail (a->verb, EXIT_USAGE, "--policy is required (see nsipc ns --help)");
  struct nsipc_policy p;
  _cleanup_free_ char *label = NULL;
  int r = load_ns_policy (g, a, &p, &label);
  if (r != 0)
    return r;
  nsipc_error err = { 0 };
  struct nsipc_problems conflicts = { 0 };
  r = named_apply (g->state_dir, a->name, &p, label, &conflicts, &err) < 0 ? EXIT_RUNTIME : 0;
  if (r)
    {
      char where[STATE_NAME_MAX + 16];
      snprintf (where, sizeof where, "namespace %s", a->name);
      cli_problems (a->verb, where, &conflicts);
      cli_error (a->verb, "%s", err.msg);
    }
  problems_free (&conflicts);
  policy_free (&p);
  return r;
}

static int
ns_delete (const struct nsipc_globals *g, const struct ns_args *a)
{
  nsipc_error err = { 0 };
  if (privileges_require_admin (&err) < 0 || named_delete (g->state_dir, a->name, a->force, &err) < 0)
    return cli_fail (a->verb, EXIT_RUNTIME, "%s", err.msg);
  return 0;
}

static int
ns_list (const struct nsipc_globals *g, const struct ns_args *a)
{
  nsipc_error err = { 0 };
  /* Counting what is inside needs the privilege, and on kernels without
     fsmount a mount namespace of our own. */
  _cleanup_json_ json_t *list = NULL;
  if (privileges_require_admin (&err) < 0 || namespace_unshare_mount (&err) < 0
      || (list = named_list (g->state_dir, &err)) == NULL)
    return cli_fail (a->verb, EXIT_RUNTIME, "%s", err.msg);
  if (a->json)
    {
      _cleanup_json_ json_t *top = json_pack ("{s:O}", "namespaces", list);
      cli_print_json (stdout, top);
    }
  else if (output_ns_table (stdout, list, &a->table, &err) < 0)
    return cli_fail (a->verb, EXIT_USAGE, "%s", err.msg);
  return 0;
}

int
cmd_ns (const struct nsipc_globals *g, int argc, char **argv)
{
  static const struct option options[] = {
    { "policy", required_argument, NULL, 'p' }, { "json", no_argument, NULL, 'J' },
    { "output", required_argument, NULL, 'o' }, { "raw", no_argument, NULL, 'r' },
    { "noheadings", no_argument, NULL, 'n' },   { "force", no_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
  };
  static const char *const subs[] = { "create", "apply", "list", "delete" };
  if (argc < 2)
    return cli_fail ("ns", EXIT_USAGE, "missing subcommand (see nsipc ns --help)");
  int sub = 0;
  while (sub < 4 && strcmp (argv[1], subs[sub]) != 0)
    sub++;
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      puts (usage);
      return 0;
    }
  if (sub == 4)
    return cli_fail ("ns", EXIT_USAGE, "unknown subcommand \"%s\" (see nsipc ns --help)", argv[1]);
  char verb[16];
  snprintf (verb, sizeof verb, "ns %s", subs[sub]);
  struct ns_args a = { .verb = verb };
  int c;
  optind = 0;
  while ((c = getopt_long (argc - 1, argv + 1, ":Jo:rn", options, NULL)) != -1)
    switch (c)
      {
      case 'p':
        a.policy = optarg;
        break;
      case 'J':
        a.json = true;
        break;
      case 'o':
        a.table.columns = optarg;
        break;
      case 'r':
        a.table.raw = true;
        break;
      case 'n':
        a.table.noheadings = true;
        break;
      case 'f':
        a.force = true;
        break;
      case 'h':
        puts (usage);
        puts ("\nns list columns (-o NAME,...; -r raw; -n no headings; -J JSON):");
        table_help (stdout, output_ns_columns, output_ns_n_columns);
        return 0;
      case ':':
        return cli_fail (verb, EXIT_USAGE, "option \"%s\" needs an argument", argv[optind]);
      default:
        return cli_fail (verb, EXIT_USAGE, "unknown option \"%s\" (see nsipc ns --help)", argv[optind]);
      }
  int operands = argc - 1 - optind;
  bool wants_name = sub != 2;
  bool table = a.json || a.table.columns || a.table.raw || a.table.noheadings;
  bool option_ok = (a.policy == NULL || sub <= 1) && (!table || sub == 2) && (!a.force || sub == 3);
  if (!option_ok || operands != (wants_name ? 1 : 0))
    return cli_fail (verb, EXIT_USAGE, "wrong arguments (see nsipc ns --help)");
  nsipc_error err;
  if (table_check_columns (output_ns_columns, output_ns_n_columns, a.table.columns, &err) < 0)
    return cli_fail (verb, EXIT_USAGE, "%s", err.msg);
  if (wants_name)
    {
      a.name = argv[1 + optind];
      if (!state_valid_name (a.name, STATE_NAME_MAX))
        return cli_fail (verb, EXIT_USAGE,
                         "\"%s\" is not a namespace name ([A-Za-z0-9][A-Za-z0-9_.-], at most %d characters)", a.name,
                         STATE_NAME_MAX);
    }
  switch (sub)
    {
    case 0:
      return ns_create (g, &a);
    case 1:
      return ns_apply (g, &a);
    case 2:
      return ns_list (g, &a);
    default:
      return ns_delete (g, &a);
    }
}
