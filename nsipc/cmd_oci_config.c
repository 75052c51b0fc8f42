/* nsipc oci-config --policy NAME [--ns NAME]: a bundle's config.json on
   stdin, printed with the policy's sysctls, /dev/shm size, annotation and
   nsipc's hooks. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "jsonwide.h"
#include "named.h"
#include "oci.h"
#include "state.h"
#include "util.h"

#define USAGE "usage: nsipc oci-config --policy NAME [--ns NAME] < config.json > amended.json"
static const char usage[] = USAGE;
static const char help[]
    = USAGE "\n\n"
            "Prints an OCI bundle's config.json (read from stdin) amended for a policy: its limits as\n"
            "linux.sysctl, dev_shm as the /dev/shm size, its seal in linux.seccomp, the io.nsipc.policy\n"
            "annotation, and nsipc's createRuntime and poststop hooks.  Amending twice changes nothing.\n\n"
            "Options:\n"
            "  --policy NAME       the policy, POLICY_DIR/NAME.json (a name: the hook finds it again by it)\n"
            "  --ns NAME           the container joins the named namespace NAME\n"
            "  -h, --help          show this help\n";

/* PATH from the working directory, as a path from the root. */
static char *
absolute (const char *path)
{
  char cwd[PATH_MAX];
  if (path[0] == '/' || getcwd (cwd, sizeof cwd) == NULL)
    return xstrdup (path);
  return xasprintf ("%s/%s", cwd, path);
}

/* Whether P, unsealed, would join the sealed named namespace NS, which
   createRuntime refuses: said now, before a config is written for it.
   A record that cannot be read is left to createRuntime. */
static bool
joins_sealed (const struct nsipc_globals *g, const char *ns, const struct nsipc_policy *p)
{
  struct nsipc_policy seal = { 0 };
  nsipc_error ignored;
  bool sealed = !p->seal && named_seal (g->state_dir, ns, &seal, &ignored) == 0 && seal.seal;
  policy_free (&seal);
  return sealed;
}

/* The hook the config names: nsipc-hook, installed beside nsipc, which
   starts faster; nsipc itself (nsipc hook) where it is not.  NULL with
   errno when our own path cannot be read. */
static char *
hook_path (void)
{
  char self[PATH_MAX];
  ssize_t n = readlink ("/proc/self/exe", self, sizeof self - 1);
  if (n < 0)
    return NULL;
  self[n] = '\0';
  char *slash = strrchr (self, '/');
  char *hook = xasprintf ("%.*s/nsipc-hook", slash ? (int)(slash - self) : 0, self);
  if (access (hook, X_OK) == 0)
    return hook;
  free (hook);
  return xstrdup (self);
}

int
cmd_oci_config (const struct nsipc_globals *g, int argc, char **argv)
{
  static const struct option options[] = {
    { "policy", required_argument, NULL, 'p' },
    { "ns", required_argument, NULL, 'n' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *name = NULL, *ns = NULL;
  int c;
  optind = 0;
  while ((c = getopt_long (argc, argv, ":h", options, NULL)) != -1)
    switch (c)
      {
      case 'p':
        name = optarg;
        break;
      case 'n':
        ns = optarg;
        break;
      case 'h':
        fputs (help, stdout);
        return 0;
      default:
        return cli_bad_option ("oci-config", c, argv[optind - 1], usage);
      }
  nsipc_error err = { 0 };
  if (name == NULL)
    return cli_fail ("oci-config", EXIT_USAGE, "missing --policy (%s)", usage);
  if (optind != argc)
    return cli_unexpected ("oci-config", argv[optind], usage);
  /* The hook finds the policy again by the annotation: a name, not a file. */
  if (oci_check_policy_name (name, &err) < 0)
    return cli_fail ("oci-config", EXIT_USAGE,
                     "--policy \"%s\": not a policy NAME ([A-Za-z0-9][A-Za-z0-9_.-]): the hook finds it again by "
                     "annotation %s, which means POLICY_DIR/NAME.json only",
                     name, OCI_POLICY_ANNOTATION);
  if (cli_check_names ("oci-config", ns, NULL) != 0)
    return EXIT_USAGE;
  struct nsipc_policy p;
  int r = cli_load_policy_name (g, "oci-config", name, &p);
  if (r != 0)
    return r;
  if (ns && joins_sealed (g, ns, &p))
    {
      policy_free (&p);
      return cli_fail ("oci-config", EXIT_USAGE,
                       "namespace %s is sealed, but policy %s is not: a container that joins a sealed namespace "
                       "needs a sealed policy",
                       ns, name);
    }

  size_t len;
  _cleanup_free_ char *text = read_fd_all (STDIN_FILENO, 16 << 20, &len);
  json_error_t jerr;
  struct json_wide wide = { 0 };
  _cleanup_json_ json_t *config = text ? json_wide_load (text, len, &wide, &jerr) : NULL;
  _cleanup_free_ char *hook = hook_path ();
  /* The runtime runs the hooks from a directory of its own. */
  _cleanup_free_ char *state_dir = absolute (g->state_dir), *policy_dir = absolute (g->policy_dir);
  _cleanup_free_ char *ns_path = ns ? xasprintf ("%s/ns/%s", state_dir, ns) : NULL;
  char *hook_args[]
      = { hook ? basename (hook) : NULL, "--state-dir", state_dir, "--policy-dir", policy_dir, "hook", NULL };
  struct nsipc_oci_amend a = { .policy_name = name, .ns_path = ns_path, .hook_path = hook, .hook_args = hook_args };
  r = EXIT_USAGE;
  if (config == NULL)
    cli_error ("oci-config", "config on stdin: line %d, column %d: %s", text ? jerr.line : 0, text ? jerr.column : 0,
               text ? jerr.text : "cannot read");
  else if (hook == NULL)
    cli_error ("oci-config", "cannot find my own path: %s", strerror (errno));
  else if (oci_config_amend (config, &p, &a, &err) < 0)
    cli_error ("oci-config", "%s", err.msg);
  else
    {
      _cleanup_free_ char *out = json_wide_dump (config, &wide, JSON_INDENT (2));
      puts (out);
      r = 0;
    }
  json_wide_free (&wide);
  policy_free (&p);
  return r;
}
