/* Whole namespaces judged the way audit and gc judge them, but with no
   kernel: each directory of fixtures/judge (see its README) holds one
   namespace's /proc/sysvipc text as the kernel printed it, the evidence
   about its processes, and the verdict expected for every object. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "reaper.h"
#include "sysvipc.h"
#include "tap.h"
#include "util.h"

static const char *fixtures;

/* All of them, in this order: a missing directory fails. */
static const char *const scenarios[] = {
  "postgres-pod",       "sysv-ipc-server",  "pgpool-oom",  "batch-crash",
  "batch-crash-by-pid", "batch-crash-none", "child-pidns", "pid-reuse",
};

/* /proc/sysvipc's files, in the order the expected verdicts list them. */
static const enum nsipc_object_type sysvipc_types[] = { OBJECT_MSG, OBJECT_SEM, OBJECT_SHM };

struct proc_entry
{
  pid_t pid;
  int64_t started;
};

struct set_members
{
  int id;
  pid_t *pids;
  size_t n;
  uint64_t waiters;
};

/* One namespace: its objects, the evidence and the scene they are judged in. */
struct world
{
  struct nsipc_inventory inv;
  struct nsipc_evidence ev;
  struct nsipc_ledger_object *keep;
  size_t n_keep;
  struct proc_entry *procs; /* the "alive" table: /proc */
  size_t n_procs;
  struct set_members *sets;
  size_t n_sets;
  struct nsipc_open_files open; /* no POSIX queues in a snapshot: empty */
  struct nsipc_scene scene;
};

#define APPEND(array, n) ((array) = xrealloc ((array), ((n) + 1) * sizeof *(array)), &(array)[(n)++])

/* PID exists and had started by SINCE.  procfs_alive_since allows a second
   of slack for rounding; the fixtures' start times stay clear of it. */
static bool
alive (void *ctx, pid_t pid, int64_t since)
{
  const struct world *w = ctx;
  for (size_t i = 0; i < w->n_procs; i++)
    if (w->procs[i].pid == pid)
      return w->procs[i].started <= since;
  return false;
}

static void
world_free (struct world *w)
{
  inventory_free (&w->inv);
  free (w->ev.uids);
  free (w->ev.blocked);
  free (w->keep);
  free (w->procs);
  for (size_t i = 0; i < w->n_sets; i++)
    free (w->sets[i].pids);
  free (w->sets);
}

static bool
parse_type (const char *word, enum nsipc_object_type *type)
{
  for (int t = 0; t < OBJECT_TYPE_COUNT; t++)
    if (strcmp (word, policy_type_name (t)) == 0)
      {
        *type = t;
        return true;
      }
  return false;
}

static bool
parse_i64 (const char *s, int64_t *v)
{
  char *end;
  errno = 0;
  long long x = strtoll (s, &end, 10);
  *v = x;
  return errno == 0 && end != s && *end == '\0';
}

static bool
parse_int (const char *s, int *v)
{
  int64_t x;
  if (!parse_i64 (s, &x) || x < INT32_MIN || x > INT32_MAX)
    return false;
  *v = (int)x;
  return true;
}

static bool
parse_count (const char *s, size_t *v)
{
  int64_t x;
  if (!parse_i64 (s, &x) || x < 0)
    return false;
  *v = (size_t)x;
  return true;
}

/* "0x" and up to eight hex digits. */
static bool
parse_key (const char *s, uint32_t *key)
{
  char *end;
  if (strncmp (s, "0x", 2) != 0 || strlen (s) > 10)
    return false;
  errno = 0;
  unsigned long x = strtoul (s + 2, &end, 16);
  *key = (uint32_t)x;
  return errno == 0 && end != s + 2 && *end == '\0';
}

/* The calls evidence_parse_syscall knows, as static strings. */
static const char *
parse_call (const char *s)
{
  static const char *const calls[] = { "msgrcv", "msgsnd", "semop", "semtimedop" };
  for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
    if (strcmp (s, calls[i]) == 0)
      return calls[i];
  return NULL;
}

/* "P,P,...": every member's last-op pid. */
static bool
parse_members (char *list, struct set_members *m)
{
  for (char *p; (p = strsep (&list, ",")) != NULL;)
    {
      int pid;
      if (!parse_int (p, &pid) || pid < 0)
        return false;
      *APPEND (m->pids, m->n) = pid;
    }
  return m->n > 0;
}

/* One evidence line of N words into W; false when it is not one. */
static bool
evidence_line (struct world *w, char **word, int n, int64_t *now, bool *have_now)
{
  const char *d = word[0];
  if (strcmp (d, "now") == 0 && n == 2)
    return *have_now = parse_i64 (word[1], now);
  if (strcmp (d, "min_idle") == 0 && n == 2)
    return parse_i64 (word[1], &w->scene.min_idle) && w->scene.min_idle >= 0;
  if (strcmp (d, "cleanup") == 0 && n == 2)
    return policy_cleanup_parse (word[1], &w->scene.cleanup);
  if (strcmp (d, "unreadable") == 0 && n == 2)
    return parse_count (word[1], &w->ev.unreadable);
  if (strcmp (d, "uid") == 0 && n == 3)
    {
      int uid;
      size_t count;
      if (!parse_int (word[1], &uid) || uid < 0 || !parse_count (word[2], &count) || count == 0)
        return false;
      *APPEND (w->ev.uids, w->ev.n_uids) = (struct nsipc_uid_count){ (uid_t)uid, count };
      return true;
    }
  if (strcmp (d, "blocked") == 0 && n == 5)
    {
      struct nsipc_blocked b = { 0 };
      int pid;
      if (!parse_type (word[1], &b.type) || !parse_int (word[2], &b.id) || !parse_int (word[3], &pid) || pid <= 0
          || (b.call = parse_call (word[4])) == NULL)
        return false;
      b.pid = pid;
      *APPEND (w->ev.blocked, w->ev.n_blocked) = b;
      return true;
    }
  if (strcmp (d, "alive") == 0 && n == 3)
    {
      struct proc_entry p;
      int pid;
      if (!parse_int (word[1], &pid) || pid <= 0 || !parse_i64 (word[2], &p.started))
        return false;
      p.pid = pid;
      *APPEND (w->procs, w->n_procs) = p;
      return true;
    }
  if (strcmp (d, "keep") == 0 && n == 4)
    {
      struct nsipc_ledger_object k = { 0 };
      if (!parse_type (word[1], &k.type) || !parse_int (word[2], &k.id) || !parse_key (word[3], &k.key))
        return false;
      *APPEND (w->keep, w->n_keep) = k;
      return true;
    }
  if (strcmp (d, "semmembers") == 0 && n == 4)
    {
      struct set_members *m = APPEND (w->sets, w->n_sets);
      *m = (struct set_members){ 0 };
      size_t waiters;
      if (!parse_int (word[1], &m->id) || !parse_members (word[2], m) || !parse_count (word[3], &waiters))
        return false;
      m->waiters = waiters;
      return true;
    }
  return false;
}

/* DIR/evidence into W and its scene; false with WHY on anything it does
   not know, so that a typo in a fixture fails rather than weakens it. */
static bool
read_evidence (struct world *w, const char *dir, char *why, size_t len)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/evidence", dir);
  _cleanup_free_ char *text = tap_slurp (path);
  if (text == NULL)
    {
      snprintf (why, len, "read %s: %s", path, strerror (errno));
      return false;
    }
  w->scene.min_idle = REAPER_MIN_IDLE_DEFAULT;
  w->scene.cleanup = CLEANUP_SAFE;
  int64_t now = 0;
  bool have_now = false;
  char *cursor = text;
  int lineno = 0;
  for (char *line; (line = strsep (&cursor, "\n")) != NULL;)
    {
      lineno++;
      char *word[8];
      int n = 0;
      for (char *p; n < 8 && (p = strsep (&line, " \t")) != NULL;)
        if (*p)
          word[n++] = p;
      if (n == 0 || word[0][0] == '#')
        continue;
      if (line != NULL || !evidence_line (w, word, n, &now, &have_now))
        {
          snprintf (why, len, "%s line %d: not understood", path, lineno);
          return false;
        }
    }
  if (!have_now)
    {
      snprintf (why, len, "%s: no \"now\"", path);
      return false;
    }
  evidence_sort (&w->ev); /* as evidence_read leaves it */
  w->open.loaded = true;
  w->scene.keep = w->keep;
  w->scene.n_keep = w->n_keep;
  w->scene.now = now;
  w->scene.evidence = &w->ev;
  w->scene.open = &w->open;
  w->scene.live = (struct nsipc_liveness){ alive, w };
  return true;
}

static bool
read_snapshot (struct world *w, const char *dir, char *why, size_t len)
{
  for (int t = 0; t < 3; t++)
    {
      char path[4096];
      snprintf (path, sizeof path, "%s/%s", dir, policy_type_name (sysvipc_types[t]));
      _cleanup_free_ char *text = tap_slurp (path);
      nsipc_error err = { 0 };
      if (text == NULL)
        {
          snprintf (why, len, "read %s: %s", path, strerror (errno));
          return false;
        }
      if (sysvipc_parse (sysvipc_types[t], text, &w->inv, &err) < 0)
        {
          snprintf (why, len, "%s: %s", path, err.msg);
          return false;
        }
    }
  return true;
}

static const struct nsipc_ipc_object *
find_object (const struct world *w, enum nsipc_object_type type, int id)
{
  for (size_t i = 0; i < w->inv.n; i++)
    if (w->inv.objects[i].type == type && w->inv.objects[i].id == id)
      return &w->inv.objects[i];
  return NULL;
}

static const struct set_members *
find_set (const struct world *w, int id)
{
  for (size_t i = 0; i < w->n_sets; i++)
    if (w->sets[i].id == id)
      return &w->sets[i];
  return NULL;
}

/* Whether every evidence line about an object names one of the snapshot
   (and a set's members are as many as its semaphores): else the
   evidence describes another namespace than the one judged. */
static bool
evidence_matches (const struct world *w, char *why, size_t len)
{
  for (size_t i = 0; i < w->n_keep; i++)
    {
      const struct nsipc_ipc_object *o = find_object (w, w->keep[i].type, w->keep[i].id);
      if (o == NULL || o->key != w->keep[i].key)
        {
          snprintf (why, len, "keep %s %d: no such object", policy_type_name (w->keep[i].type), w->keep[i].id);
          return false;
        }
    }
  for (size_t i = 0; i < w->ev.n_blocked; i++)
    if (find_object (w, w->ev.blocked[i].type, w->ev.blocked[i].id) == NULL)
      {
        snprintf (why, len, "blocked %s %d: no such object", policy_type_name (w->ev.blocked[i].type),
                  w->ev.blocked[i].id);
        return false;
      }
  for (size_t i = 0; i < w->n_sets; i++)
    {
      const struct nsipc_ipc_object *o = find_object (w, OBJECT_SEM, w->sets[i].id);
      if (o == NULL || o->nsems != w->sets[i].n || find_set (w, w->sets[i].id) != &w->sets[i])
        {
          snprintf (why, len, "semmembers %d: no such set, another number of members, or twice", w->sets[i].id);
          return false;
        }
    }
  return true;
}

/* The lines of TEXT that are neither empty nor comments, in place. */
static size_t
expected_lines (char *text, char ***lines)
{
  size_t n = 0;
  *lines = NULL;
  for (char *line; (line = strsep (&text, "\n")) != NULL;)
    if (*line && *line != '#')
      *APPEND (*lines, n) = line;
  return n;
}

static void
judge_scenario (const char *name)
{
  char dir[4096], path[4096], why[512] = "";
  snprintf (dir, sizeof dir, "%s/judge/%s", fixtures, name);
  struct world w = { 0 };
  ok (read_snapshot (&w, dir, why, sizeof why) && read_evidence (&w, dir, why, sizeof why),
      "%s: snapshot (%zu objects) and evidence read", name, w.inv.n);
  if (*why)
    {
      printf ("# %s\n", why);
      world_free (&w);
      return;
    }
  ok (evidence_matches (&w, why, sizeof why), "%s: the evidence is about the snapshot's objects", name);
  if (*why)
    printf ("# %s\n", why);

  snprintf (path, sizeof path, "%s/expected", dir);
  _cleanup_free_ char *text = tap_slurp (path);
  _cleanup_free_ char **expected = NULL;
  size_t n_expected = text ? expected_lines (text, &expected) : 0;
  ok (n_expected == w.inv.n, "%s: one expected verdict per object (%zu for %zu)", name, n_expected, w.inv.n);

  for (size_t i = 0; i < w.inv.n; i++)
    {
      const struct nsipc_ipc_object *o = &w.inv.objects[i];
      const struct set_members *m = o->type == OBJECT_SEM ? find_set (&w, o->id) : NULL;
      struct nsipc_sem_detail members = { m ? m->pids : NULL, m ? m->n : 0, m ? m->waiters : 0 };
      struct nsipc_verdict v;
      reaper_judge (o, m ? &members : NULL, &w.scene, &v);
      char got[128];
      snprintf (got, sizeof got, "%s 0x%08x %d %s", policy_type_name (o->type), (unsigned)o->key, o->id,
                reaper_rule_name (v.rule));
      is_str (got, i < n_expected ? expected[i] : "(no expected line)", "%s: %s 0x%08x (id %d): %s", name,
              policy_type_name (o->type), (unsigned)o->key, o->id, v.reason);
    }
  world_free (&w);
}

/* The by-pid and none variants judge batch-crash's very objects. */
static void
test_same_leftovers (void)
{
  bool same = true;
  for (int t = 0; t < 3; t++)
    {
      char path[4096];
      snprintf (path, sizeof path, "%s/judge/batch-crash/%s", fixtures, policy_type_name (sysvipc_types[t]));
      _cleanup_free_ char *base = tap_slurp (path);
      snprintf (path, sizeof path, "%s/judge/batch-crash-by-pid/%s", fixtures, policy_type_name (sysvipc_types[t]));
      _cleanup_free_ char *by_pid = tap_slurp (path);
      snprintf (path, sizeof path, "%s/judge/batch-crash-none/%s", fixtures, policy_type_name (sysvipc_types[t]));
      _cleanup_free_ char *none = tap_slurp (path);
      same &= base && by_pid && none && strcmp (base, by_pid) == 0 && strcmp (base, none) == 0;
    }
  ok (same, "batch-crash-by-pid and batch-crash-none hold batch-crash's snapshot unchanged");
}

int
main (int argc, char **argv)
{
  fixtures = argc > 1 ? argv[1] : "tests/fixtures";
  for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
    judge_scenario (scenarios[i]);
  test_same_leftovers ();
  return tap_done ();
}
