/* Printing for the verbs, and the policy loading every verb does alike. */
#include "cli.h"

#include <dirent.h>
#include <stdarg.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <stdio.h>
#include <sys/stat.h>

#include "container.h"
#include "eventlog.h"
#include "format.h"
#include "ledger.h"
#include "namespace.h"
#include "process.h"
#include "oci.h"
#include "output.h"
#include "privileges.h"
#include "shm.h"
#include "state.h"
#include "util.h"

/* What nsipc has to say on stderr, kept until main prints it (crun's
   shape: the verbs report, main alone writes). */
static struct
{
  char **lines;
  size_t n;
} said;

static void
record (const char *verb, const char *fmt, va_list ap)
{
  char text[2048], safe[4096];
  format_v (text, sizeof text, fmt, ap);
  /* Messages quote what others wrote (annotations, ids, names): one line,
     no terminal escapes. */
  escape_controls (text, safe, sizeof safe);
  said.lines = xrealloc (said.lines, (said.n + 1) * sizeof *said.lines);
  said.lines[said.n++] = verb ? xasprintf ("nsipc: %s: %s\n", verb, safe) : xasprintf ("nsipc: %s\n", safe);
}

void
cli_error (const char *verb, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  record (verb, fmt, ap);
  va_end (ap);
}

int
cli_fail (const char *verb, int status, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  record (verb, fmt, ap);
  va_end (ap);
  return status;
}

const char *
cli_last_said (void)
{
  static char line[4200];
  const char *last = said.n ? said.lines[said.n - 1] : "";
  if (strncmp (last, "nsipc: ", 7) == 0)
    last += 7;
  format (line, sizeof line, "%.*s", (int)strcspn (last, "\n"), last);
  return line;
}

void
cli_flush (void)
{
  for (size_t i = 0; i < said.n; i++)
    {
      fputs (said.lines[i], stderr);
      free (said.lines[i]);
    }
  free (said.lines);
  said.lines = NULL;
  said.n = 0;
}

void
cli_problems (const char *verb, const char *label, const struct nsipc_problems *problems)
{
  for (size_t i = 0; i < problems->n; i++)
    cli_error (verb, "%s: %s", label, problems->lines[i]);
  if (problems->more)
    cli_error (verb, "%s: … and %zu more problem%s", label, problems->more, problems->more == 1 ? "" : "s");
}

static int
load_policy (const struct nsipc_globals *g, const char *verb, const char *arg, bool names_only,
             struct nsipc_policy *policy)
{
  _cleanup_free_ char *path = NULL;
  nsipc_error err = { 0 };
  if (arg == NULL)
    {
      path = xasprintf ("%s/default.json", g->policy_dir);
      struct stat st;
      if (stat (path, &st) < 0 && errno == ENOENT)
        {
          *policy = (struct nsipc_policy){ 0 };
          return 0;
        }
    }
  else if ((names_only ? policy_locate_name (g->policy_dir, arg, &path, &err)
                       : policy_locate (g->policy_dir, arg, &path, &err))
           < 0)
    return cli_fail (verb, EXIT_USAGE, "%s", err.msg);

  struct nsipc_problems problems;
  if (policy_load_file (path, policy, &problems) == 0)
    return 0;
  char label[4096];
  format (label, sizeof label, "policy %s", path);
  cli_problems (verb, label, &problems);
  problems_free (&problems);
  return EXIT_USAGE;
}

int
cli_load_policy (const struct nsipc_globals *g, const char *verb, const char *arg, struct nsipc_policy *policy)
{
  return load_policy (g, verb, arg, false, policy);
}

int
cli_load_policy_name (const struct nsipc_globals *g, const char *verb, const char *name, struct nsipc_policy *policy)
{
  return load_policy (g, verb, name, true, policy);
}

void
cli_print_json (FILE *out, json_t *j)
{
  _cleanup_free_ char *text = output_dumps (j);
  if (text)
    {
      fputs (text, out);
      fputc ('\n', out);
    }
}

bool
cli_log_open (void)
{
  if (access ("/dev/log", W_OK) < 0)
    return false;
  openlog ("nsipc", LOG_PID, LOG_DAEMON);
  return true;
}

int
cli_parse_min_idle (const char *verb, const char *arg, int64_t *seconds)
{
  uint64_t v;
  bool digits = arg[0] != '\0' && arg[strspn (arg, "0123456789")] == '\0';
  if (!digits)
    return cli_fail (verb, EXIT_USAGE, "--min-idle \"%s\": not a whole number of seconds", arg);
  if (!parse_u64_whole (arg, INT64_MAX, &v))
    return cli_fail (verb, EXIT_USAGE, "--min-idle \"%s\": more seconds than there are", arg);
  *seconds = (int64_t)v;
  return 0;
}

int
cli_find_dashes (int argc, char **argv)
{
  int i = 1;
  while (i < argc && strcmp (argv[i], "--") != 0)
    i++;
  return i;
}

int
cli_unexpected (const char *verb, const char *arg, const char *usage)
{
  return cli_fail (verb, EXIT_USAGE, "unexpected argument \"%s\" (%s)", arg, usage);
}

int
cli_bad_option (const char *verb, int c, const char *arg, const char *usage)
{
  /* An unknown letter inside "-Jq" leaves optind on that word, so ARG (the
     word before optind) may be the one before it: getopt's optopt names
     the letter.  A missing argument is always the last word. */
  if (c == ':')
    return cli_fail (verb, EXIT_USAGE, "option \"%s\" needs an argument (%s)", arg, usage);
  if (optopt != 0)
    return cli_fail (verb, EXIT_USAGE, "unknown option \"-%c\" (%s)", optopt, usage);
  return cli_fail (verb, EXIT_USAGE, "unknown option \"%s\" (%s)", arg, usage);
}

int
cli_check_names (const char *verb, const char *name, const char *id)
{
  if (name && !state_valid_name (name, STATE_NAME_MAX))
    cli_error (verb, "\"%s\" is not a namespace name ([A-Za-z0-9][A-Za-z0-9_.-], at most %d characters)", name,
               STATE_NAME_MAX);
  else if (id && !state_valid_name (id, LEDGER_ID_MAX))
    cli_error (verb, "\"%s\" is not a container id ([A-Za-z0-9][A-Za-z0-9_.-], at most %d characters)", id,
               LEDGER_ID_MAX);
  else
    return 0;
  return EXIT_USAGE;
}

/* The policy the container asks for: its annotation (a name only), else
   default.json.  1: no policy at all, the hook has nothing to do. */
int
cli_container_policy (const struct nsipc_globals *g, const char *verb, const char *id, const char *annotation,
                      struct nsipc_policy *p, char **label)
{
  nsipc_error err;
  if (annotation && oci_check_policy_name (annotation, &err) < 0)
    return cli_fail (verb, EXIT_USAGE, "container %s: %s", id, err.msg);
  int r = cli_load_policy_name (g, verb, annotation, p);
  if (r != 0)
    return r;
  if (annotation == NULL && p->digest[0] == '\0')
    return 1;
  *label = xstrdup (annotation ? annotation : "default");
  return 0;
}

void
cli_log_event (const struct nsipc_globals *g, const char *verb, json_t *event)
{
  nsipc_error err = { 0 };
  if (g->log_path && eventlog_append (g->log_path, verb, event, &err) < 0)
    cli_error (verb, "%s", err.msg);
  json_decref (event);
}

int
cli_namespace_seal (const struct nsipc_globals *g, struct nsipc_policy *seal, nsipc_error *err)
{
  _cleanup_close_ int fd = namespace_open_current (err);
  uint64_t inode;
  if (fd < 0 || namespace_inode (fd, &inode, err) < 0)
    return -1;
  return container_namespace_seal (g->state_dir, inode, seal, err);
}

int
cli_bind_dev_shm (const struct nsipc_globals *g, const char *name, pid_t pid, nsipc_error *err)
{
  _cleanup_close_ int tree = name ? shm_named_tree (g->state_dir, name, err) : shm_tree_of (pid, err);
  if (tree < 0)
    return name && err->status == ENOENT ? 0 : -1;
  return shm_bind (tree, err);
}

int
cli_become (const char *verb, const struct nsipc_sandbox *sb, char *const argv[])
{
  nsipc_error err = { 0 };
  int status = EXIT_RUNTIME;
  if (sandbox_enter (sb, &err) < 0)
    return cli_fail (verb, status, "%s", err.msg);
  if (sb->keep_caps)
    cli_error (verb, "--keep-caps: the command keeps every capability and can undo the namespace's limits and "
                     "remove its objects");
  /* Said now: after the exec nobody is left to say it. */
  cli_flush ();
  process_exec (argv, &status, &err);
  return cli_fail (verb, status, "%s", err.msg);
}

int
cli_parse_sandbox (const char *verb, int option, const char *arg, struct nsipc_sandbox *sb)
{
  nsipc_error err;
  if (option == 'k')
    sb->keep_caps = true;
  else if (sandbox_parse_user (arg, sb, &err) < 0)
    return cli_fail (verb, EXIT_USAGE, "%s", err.msg);
  /* setresuid to another uid clears what --keep-caps would keep: the
     command would run with none, under a warning that it has them all. */
  if (sb->keep_caps && sb->switch_user)
    return cli_fail (verb, EXIT_USAGE, "--user and --keep-caps exclude each other: --user drops every capability");
  return 0;
}

bool
cli_table_option (int option, const char *arg, struct table_options *t, bool *json)
{
  switch (option)
    {
    case 'J':
      *json = true;
      return true;
    case 'o':
      t->columns = arg;
      return true;
    case 'r':
      t->raw = true;
      return true;
    case 'n':
      t->noheadings = true;
      return true;
    default:
      return false;
    }
}
