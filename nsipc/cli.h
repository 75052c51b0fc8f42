/* What the verbs share: global options and the way problems are printed.
   Verbs glue library calls; only they and main print. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "policy.h"
#include "sandbox.h"
#include "table.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

struct nsipc_globals
{
  const char *state_dir;
  const char *policy_dir;
  const char *log_path; /* the event log (--log, NSIPC_LOG), or NULL */
};

/* Appends EVENT (stolen) to the event log, when there is one; a failure
   to log is said on stderr and changes nothing else. */
void cli_log_event (const struct nsipc_globals *g, const char *verb, json_t *event);

/* Records "nsipc: VERB: message" (VERB NULL: "nsipc: message") for stderr,
   control characters escaped; main prints what was recorded, once, with
   cli_flush.  cli_fail does the same and returns STATUS. */
void cli_error (const char *verb, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
int cli_fail (const char *verb, int status, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));
void cli_flush (void);

/* Writes J indented, then a newline, in one piece. */
void cli_print_json (FILE *out, json_t *j);

/* Opens syslog; false when there is no /dev/log to write to, so callers
   skip it rather than retry a connection per line. */
bool cli_log_open (void);

/* Prints each problem as "nsipc: VERB: LABEL: problem". */
void cli_problems (const char *verb, const char *label, const struct nsipc_problems *problems);

/* Loads the policy ARG names (see policy_locate), or POLICY_DIR/default.json
   when ARG is NULL and it exists, else an empty policy.  Prints its problems
   and returns EXIT_USAGE, or 0. */
int cli_load_policy (const struct nsipc_globals *g, const char *verb, const char *arg, struct nsipc_policy *policy);

/* The same for a NAME only (POLICY_DIR/NAME.json, see policy_locate_name):
   what an annotation or a config asks for. */
int cli_load_policy_name (const struct nsipc_globals *g, const char *verb, const char *name,
                          struct nsipc_policy *policy);

/* --min-idle SECONDS: a whole number of seconds, 0 or more.  Prints the
   problem and returns EXIT_USAGE, or 0. */
int cli_parse_min_idle (const char *verb, const char *arg, int64_t *seconds);

/* The index of the first "--" in ARGV, which ends nsipc's own arguments
   (run, exec: the command follows), or ARGC when there is none. */
int cli_find_dashes (int argc, char **argv);

/* "unexpected argument ARG (USAGE)": EXIT_USAGE. */
int cli_unexpected (const char *verb, const char *arg, const char *usage);

/* getopt's complaint C (':' a missing argument, else an unknown option)
   about ARG (argv[optind - 1]), with USAGE ("usage: ..." or "see ..."):
   EXIT_USAGE. */
int cli_bad_option (const char *verb, int c, const char *arg, const char *usage);

/* Checks the shape of a namespace NAME and a container ID given on the
   command line (either may be NULL).  Prints the problem and returns
   EXIT_USAGE, or 0. */
int cli_check_names (const char *verb, const char *name, const char *id);

/* The policy a container asks for: its annotation ANNOTATION (a name
   only), else default.json; *LABEL names it.  1: no policy at all, there
   is nothing to do; else 0 or the exit status, problems recorded. */
int cli_container_policy (const struct nsipc_globals *g, const char *verb, const char *id, const char *annotation,
                          struct nsipc_policy *p, char **label);

/* Adds to SEAL the seal of the IPC namespace we are in (after joining it:
   run --ns, exec). */
int cli_namespace_seal (const struct nsipc_globals *g, struct nsipc_policy *seal, nsipc_error *err);

/* In our private mount namespace, /dev/shm becomes named namespace NAME's
   tmpfs (none: it stays), or, without NAME, the one process PID sees. */
int cli_bind_dev_shm (const struct nsipc_globals *g, const char *name, pid_t pid, nsipc_error *err);

/* The last line recorded for stderr, without "nsipc: " and the newline
   ("VERB: …"), or "". */
const char *cli_last_said (void);

/* Becomes ARGV (run, exec) in the sandbox SB: the least privilege, then
   execve in place.  Returns only on failure, with the exit status. */
int cli_become (const char *verb, const struct nsipc_sandbox *sb, char *const argv[]);

/* --keep-caps (OPTION 'k') and --user ARG (OPTION 'u') into SB; EXIT_USAGE
   for a bad --user, recorded. */
int cli_parse_sandbox (const char *verb, int option, const char *arg, struct nsipc_sandbox *sb);

/* The table options lsipc has: -J/--json sets *JSON, -o/--output, -r/--raw
   and -n/--noheadings fill T.  False when OPTION is none of them. */
bool cli_table_option (int option, const char *arg, struct table_options *t, bool *json);

/* A verb's name and its function, which gets the verb's own argv. */
struct cli_verb
{
  const char *name;
  int (*fn) (const struct nsipc_globals *g, int argc, char **argv);
};

/* PROGRAM's whole run: the global options (HELP for --help), then one of
   VERBS; what was recorded for stderr is printed.  The exit status. */
int cli_main (int argc, char **argv, const char *program, const char *help, const struct cli_verb *verbs, size_t n);

int cmd_audit (const struct nsipc_globals *g, int argc, char **argv);
int cmd_gc (const struct nsipc_globals *g, int argc, char **argv);
int cmd_exec (const struct nsipc_globals *g, int argc, char **argv);
int cmd_hook (const struct nsipc_globals *g, int argc, char **argv);
int cmd_hook_precreate (const struct nsipc_globals *g, const char *config, size_t len);
int cmd_oci_config (const struct nsipc_globals *g, int argc, char **argv);
int cmd_ns (const struct nsipc_globals *g, int argc, char **argv);
int cmd_ns_list (const struct nsipc_globals *g, int argc, char **argv);
int cmd_run (const struct nsipc_globals *g, int argc, char **argv);
int cmd_policy (const struct nsipc_globals *g, int argc, char **argv);
int cmd_log (const struct nsipc_globals *g, int argc, char **argv);
