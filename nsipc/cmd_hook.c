/* nsipc hook [createRuntime|poststop|precreate]: the OCI runtime hook.
   createRuntime provisions the container's IPC namespace and writes its
   ledger; poststop reads the ledger (no pid arrives then) and removes the
   orphans the container left in a namespace that outlives it. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "cli.h"
#include "container.h"
#include "oci.h"
#include "output.h"
#include "privileges.h"
#include "reaper.h"
#include "util.h"

static const char *const stage_verbs[]
    = { [OCI_STAGE_CREATE_RUNTIME] = "hook createRuntime", [OCI_STAGE_POSTSTOP] = "hook poststop" };

static int
create_runtime (const struct nsipc_globals *g, const struct nsipc_oci_state *st)
{
  const char *verb = stage_verbs[OCI_STAGE_CREATE_RUNTIME];
  nsipc_error err = { 0 };
  if (privileges_require_host_root ("the hook", &err) < 0)
    return cli_fail (verb, EXIT_RUNTIME, "%s", err.msg);
  struct nsipc_policy p = { 0 };
  _cleanup_free_ char *label = NULL;
  int r = cli_container_policy (g, verb, st->id, st->policy, &p, &label);
  if (r == 1 && container_check_policyless (g->state_dir, st, &err) == 0)
    return 0; /* no policy at all: nothing to do */
  if (r == 1)
    {
      cli_error (verb, "container %s: %s", st->id, err.msg);
      r = EXIT_RUNTIME;
    }
  else if (r == 0 && container_create (g->state_dir, st, &p, label, &err) < 0)
    {
      cli_error (verb, "container %s: %s", st->id, err.msg);
      r = EXIT_RUNTIME;
    }
  cli_log_event (g, verb,
                 json_pack ("{s:s, s:s, s:s?, s:s*}", "event", r ? "refused" : "created", "container", st->id, "policy",
                            label ? label : st->policy, "message", r ? cli_last_said () : NULL));
  policy_free (&p);
  return r;
}

/* syslog, opened at the first line to log: most hooks have none, and
   looking for /dev/log cost each of them 0.01 ms. */
static enum { LOG_UNOPENED, LOG_OPEN, LOG_NONE } log_state;

static void
log_line (const char *line)
{
  if (log_state == LOG_UNOPENED)
    log_state = cli_log_open () ? LOG_OPEN : LOG_NONE;
  if (log_state == LOG_OPEN)
    syslog (LOG_INFO, "%s", line);
}

static void
log_removals (const struct nsipc_globals *g, const char *id, uint64_t ns_inode, const struct nsipc_reap *reap)
{
  for (size_t i = 0; i < reap->n_removed; i++)
    {
      char line[1024];
      output_removal_line (id, ns_inode, &reap->removed[i], line, sizeof line);
      log_line (line);
      if (g->log_path)
        cli_log_event (g, stage_verbs[OCI_STAGE_POSTSTOP], output_removal_json (id, ns_inode, &reap->removed[i]));
    }
}

static int
poststop (const struct nsipc_globals *g, const struct nsipc_oci_state *st, int64_t min_idle)
{
  const char *verb = stage_verbs[OCI_STAGE_POSTSTOP];
  nsipc_error err = { 0 };
  struct nsipc_poststop out;
  int r = privileges_require_host_root ("the hook", &err) < 0
              ? -1
              : container_poststop (g->state_dir, st->id, st->bundle, min_idle, &out, &err);
  if (r < 0)
    return cli_fail (verb, EXIT_RUNTIME, "%s", err.msg);
  if (out.reaped)
    log_removals (g, st->id, out.ns_inode, &out.reap);
  /* Silent when all went as usual: the runtime reads the hook's stderr
     through a pipe, and waking it cost a poststop under runc 0.03 ms. */
  if (!out.routine)
    cli_error (verb, "%s", out.note);
  if (out.reaped)
    log_line (out.note);
  cli_log_event (g, verb,
                 json_pack ("{s:s, s:s, s:I, s:I, s:s}", "event", "poststop", "container", st->id, "removed",
                            (json_int_t)out.reap.n_removed, "kept", (json_int_t)out.reap.kept, "message", out.note));
  for (size_t i = 0; i < out.reap.errors.n; i++)
    cli_error (verb, "container %s: %s", st->id, out.reap.errors.lines[i]);
  r = out.reap.errors.n ? EXIT_RUNTIME : 0;
  container_poststop_free (&out);
  return r;
}

#define USAGE "usage: nsipc hook [--min-idle SECONDS] [createRuntime|poststop|precreate]"

int
cmd_hook (const struct nsipc_globals *g, int argc, char **argv)
{
  static const char usage[] = USAGE;
  static const char help[]
      = USAGE "\n\n"
              "The OCI runtime hook (oci-hooks(5)).  createRuntime provisions the container's IPC namespace from\n"
              "the policy its io.nsipc.policy annotation names and writes its ledger; poststop removes what the\n"
              "container left orphaned in a namespace that outlives it.  Without a stage, the state's status\n"
              "tells (creating/created: createRuntime; stopped: poststop).  The OCI state is read from stdin;\n"
              "precreate (podman) reads the config instead and prints it amended, as oci-config does.\n\n"
              "Options:\n"
              "  --min-idle SECONDS  poststop keeps objects used in the last SECONDS (default 30)\n"
              "  -h, --help          show this help\n";
  static const struct option options[] = {
    { "min-idle", required_argument, NULL, 'i' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int64_t min_idle = REAPER_MIN_IDLE_DEFAULT;
  int c;
  optind = 0;
  while ((c = getopt_long (argc, argv, ":h", options, NULL)) != -1)
    switch (c)
      {
      case 'i':
        if (cli_parse_min_idle ("hook", optarg, &min_idle) != 0)
          return EXIT_USAGE;
        break;
      case 'h':
        fputs (help, stdout);
        return 0;
      default:
        return cli_bad_option ("hook", c, argv[optind - 1], usage);
      }
  if (argc - optind > 1)
    return cli_unexpected ("hook", argv[optind + 1], usage);
  const char *arg = optind < argc ? argv[optind] : NULL;
  size_t len;
  /* precreate reads a whole config, which podman's env, mounts and
     seccomp profile can take past 1MiB: the state's limit refused it, and
     podman did not start the container. */
  bool precreate = arg && strcmp (arg, "precreate") == 0;
  _cleanup_free_ char *text = read_fd_all (STDIN_FILENO, precreate ? OCI_CONFIG_MAX : OCI_STATE_MAX, &len);
  if (text == NULL && precreate)
    return cli_fail ("hook precreate", EXIT_USAGE, "read stdin: %s",
                     errno == EFBIG ? "more than 64MiB, not a config" : strerror (errno));
  if (text == NULL)
    return cli_fail ("hook", EXIT_USAGE, "read stdin: %s",
                     errno == EFBIG ? "more than 1MiB, not an OCI state" : strerror (errno));
  if (precreate)
    return cmd_hook_precreate (g, text, len);

  struct nsipc_oci_state st;
  nsipc_error err = { 0 };
  if (oci_state_parse (text, len, &st, &err) < 0)
    return cli_fail ("hook", EXIT_USAGE, "%s", err.msg);
  enum nsipc_oci_stage stage;
  if (oci_stage (arg, &st, &stage, &err) < 0)
    {
      oci_state_free (&st);
      return cli_fail ("hook", EXIT_USAGE, "%s", err.msg);
    }
  int r = stage == OCI_STAGE_CREATE_RUNTIME ? create_runtime (g, &st) : poststop (g, &st, min_idle);
  oci_state_free (&st);
  if (log_state == LOG_OPEN)
    closelog ();
  return r;
}
