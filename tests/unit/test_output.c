/* Audit output: the table and the Prometheus text made from a fixture
   JSON, and the JSON of one object; gc's lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "census.h"
#include "gc.h"
#include "inventory.h"
#include "limits.h"
#include "output.h"
#include "tap.h"
#include "util.h"

static char *
render (void (*fn) (FILE *, json_t *), json_t *audit)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream (&buf, &len);
  fn (mem, audit);
  fclose (mem);
  return buf;
}

static void
test_gc_lines (void)
{
  char line[1024];
  struct nsipc_removal r = { .type = OBJECT_SEM, .key = 0xbeef, .id = 32768 };
  strcpy (r.reason, "no live operator or waiter");
  struct gc_event e = { .kind = GC_REMOVED, .ns = 4026532290, .name = "batch", .removal = &r };
  output_gc_line (&e, false, line, sizeof line);
  is_str (line, "removed sem key 0x0000beef id 32768 from IPC namespace 4026532290 batch: no live operator or waiter",
          "a removal: key in 8 hex digits, id, namespace, its name and the reason");
  r.key = 0xffffffff, r.id = 0;
  e.name = NULL, e.container = "web\n1";
  output_gc_line (&e, true, line, sizeof line);
  is_str (line,
          "would remove sem key 0xffffffff id 0 from IPC namespace 4026532290 container web\\x0a1: no live operator or "
          "waiter",
          "a dry run, a container's namespace, a control character escaped");
  r.type = OBJECT_MQUEUE, r.name = "/q\x1b[2J";
  e.container = NULL;
  output_gc_line (&e, false, line, sizeof line);
  is_str (line, "removed mqueue /q\\x1b[2J from IPC namespace 4026532290: no live operator or waiter",
          "a queue by its name, escaped; no owner");
  output_gc_line (&e, false, line, 20);
  is_str (line, "removed mqueue ", "cut at a piece that does not fit, nothing after it");
  /* A name the workload chose: C1 controls, bidi and zero-width
     characters, and bytes that are no UTF-8 are escaped, byte by byte;
     other UTF-8 is left as it is. */
  static const struct
  {
    const char *name, *shown, *what;
  } names[] = {
    { "/c1\xc2\x9b"
      "31mRED",
      "/c1\\xc2\\x9b31mRED", "a C1 control (CSI)" },
    { "/raw\x9b"
      "31m",
      "/raw\\x9b31m", "a byte that starts no UTF-8" },
    { "/bidi\xe2\x80\xae"
      "evil",
      "/bidi\\xe2\\x80\\xaeevil", "a right-to-left override" },
    { "/z\xe2\x80\x8bw", "/z\\xe2\\x80\\x8bw", "a zero-width space" },
    { "/over\xc0\xaf", "/over\\xc0\\xaf", "an overlong slash" },
    { "/cut\xe2\x80", "/cut\\xe2\\x80", "a character cut short" },
    { "/caf\xc3\xa9\xe2\x80\xa6\xf0\x9f\x90\xb3", "/caf\xc3\xa9\xe2\x80\xa6\xf0\x9f\x90\xb3", "UTF-8 text, as it is" },
  };
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    {
      char want[256];
      r.name = (char *)names[i].name;
      output_gc_line (&e, false, line, sizeof line);
      snprintf (want, sizeof want, "removed mqueue %s from IPC namespace 4026532290: no live operator or waiter",
                names[i].shown);
      is_str (line, want, "%s", names[i].what);
    }
  char small[9];
  escape_controls ("ab\xe2\x80\xa6", small, sizeof small);
  is_str (small, "ab", "a character that does not fit whole is left out");
  e = (struct gc_event){ .kind = GC_UNPINNED, .ns = 7, .name = "idle" };
  output_gc_line (&e, false, line, sizeof line);
  is_str (line, "unpinned unused pinned namespace idle (7)", "an unpinned namespace");
}

/* gc's fast line is output_gc_line's, whatever the namespace, the cut or
   the kind; and the namespace's part it keeps follows the namespace. */
static void
test_gc_removal (void)
{
  static char long_name[400];
  memset (long_name, 'n', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = '\0';
  long_name[7] = '\x1b';
  const struct
  {
    uint64_t ns;
    const char *name, *container;
    enum nsipc_object_type type;
    uint32_t key;
    int id;
    bool dry_run;
    size_t len;
  } cases[] = {
    { 4026532290, "batch", NULL, OBJECT_SEM, 0xbeef, 32768, false, 1024 },
    { 4026532290, "batch", NULL, OBJECT_SHM, 0, 0, true, 1024 },
    { 4026532291, "batch", NULL, OBJECT_MSG, 0xffffffff, 2147483647, false, 1024 },
    { 4026532291, NULL, "web\n1", OBJECT_MSG, 7, 1, false, 1024 },
    { 4026532291, NULL, NULL, OBJECT_SHM, 7, 1, true, 1024 },
    { 4026532291, NULL, NULL, OBJECT_MQUEUE, 0, 0, false, 1024 },
    { 4026532292, NULL, long_name, OBJECT_SEM, 1, 2, false, 1024 },
    { 4026532292, NULL, long_name, OBJECT_SEM, 1, 2, false, 300 },
    { 4026532293, "batch", NULL, OBJECT_SEM, 1, 2, false, 60 },
    { 4026532293, "batch", NULL, OBJECT_SEM, 1, 2, false, 30 },
  };
  struct output_gc_seen seen = { 0 };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    {
      char want[1024], got[1024];
      struct nsipc_removal r = { .type = cases[i].type, .key = cases[i].key, .id = cases[i].id, .name = "/q\x01" };
      strcpy (r.reason, "no live operator or waiter, creator uid has no process here");
      struct gc_event e = {
        .kind = GC_REMOVED, .ns = cases[i].ns, .name = cases[i].name, .container = cases[i].container, .removal = &r
      };
      output_gc_line (&e, cases[i].dry_run, want, cases[i].len);
      size_t n = output_gc_removal (&seen, &e, cases[i].dry_run, got, cases[i].len);
      is_str (got, want, "fast line %zu is output_gc_line's", i);
      ok (n == strlen (want), "fast line %zu: its length", i);
    }
}

/* Strings of every length up to 80 made of plain ASCII, the characters
   JSON escapes and UTF-8 of each length, at every place in a run of sixteen
   bytes: output_dumps and output_dumps_line write them as jansson does. */
static void
test_strings (void)
{
  static const char *const pieces[] = {
    "a", "Z", " ", "\"", "\\", "\x01", "\n", "\x1f", "\x7f", "/", "\xc3\xa9", "\xe2\x9c\x93", "\xf0\x9f\x90\xb3"
  };
  size_t bad = 0, tried = 0;
  srand (7);
  for (size_t round = 0; round < 3000; round++)
    {
      char text[256] = "";
      size_t want = (size_t)rand () % 81;
      while (strlen (text) < want)
        strcat (text, pieces[(size_t)rand () % (sizeof pieces / sizeof *pieces)]);
      json_t *j = json_pack ("{s:s}", "k", text);
      char *ours = output_dumps (j), *theirs = json_dumps (j, JSON_INDENT (2));
      char *ours_line = output_dumps_line (j), *theirs_line = json_dumps (j, JSON_COMPACT | JSON_ENSURE_ASCII);
      bad += strcmp (ours, theirs) != 0 || strcmp (ours_line, theirs_line) != 0;
      tried++;
      free (ours), free (theirs), free (ours_line), free (theirs_line);
      json_decref (j);
    }
  ok (bad == 0, "%zu strings of up to 80 bytes written as jansson writes them, as they are and in ASCII (%zu differ)",
      tried, bad);
}

/* output_dumps writes what json_dumps (JSON_INDENT (2)) writes,
   output_dumps_sorted what it writes with JSON_SORT_KEYS, and
   output_dumps_line what it writes with JSON_COMPACT | JSON_ENSURE_ASCII. */
static void
test_dumps (json_t *audit)
{
  char *ours = output_dumps (audit), *theirs = json_dumps (audit, JSON_INDENT (2));
  is_str (ours, theirs, "the audit fixture, as jansson writes it");
  json_t *odd = json_pack ("{s:s, s:[], s:{}, s:[i, b, b, n, {s:[[]]}], s:s, s:I}", "text",
                           "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f é ✓", "empty", "nothing", "mixed", -7, 1, 0, "deep", "in",
                           "bytes", "\xc3\xa9", "min", (json_int_t)INT64_MIN);
  free (ours);
  free (theirs);
  ours = output_dumps (odd);
  theirs = json_dumps (odd, JSON_INDENT (2));
  is_str (ours, theirs, "escapes, UTF-8, empty containers, nesting, the smallest integer");
  free (ours);
  free (theirs);
  /* The state files' text: keys sorted at every depth, as jansson sorts. */
  json_object_set_new (odd, "b", json_pack ("{s:i, s:i, s:i, s:[{s:n, s:n}]}", "z", 1, "a", 2, "ab", 3, "m", "y", "x"));
  json_object_set_new (odd, "A", json_true ());
  ours = output_dumps_sorted (odd);
  theirs = json_dumps (odd, JSON_INDENT (2) | JSON_SORT_KEYS);
  is_str (ours, theirs, "sorted: what JSON_SORT_KEYS writes");
  free (ours);
  free (theirs);
  ours = output_dumps_sorted (audit);
  theirs = json_dumps (audit, JSON_INDENT (2) | JSON_SORT_KEYS);
  is_str (ours, theirs, "sorted: the audit fixture");
  free (ours);
  free (theirs);
  /* The event log's lines: one line, ASCII, U+10000 and past as pairs. */
  json_object_set_new (odd, "far", json_string ("\xf0\x9f\x90\xa7 \xf4\x8f\xbf\xbf \xe2\x80\xa8 \x7f"));
  ours = output_dumps_line (odd);
  theirs = json_dumps (odd, JSON_COMPACT | JSON_ENSURE_ASCII);
  is_str (ours, theirs, "one line: what JSON_COMPACT | JSON_ENSURE_ASCII writes");
  free (ours);
  free (theirs);
  ours = output_dumps_line (audit);
  theirs = json_dumps (audit, JSON_COMPACT | JSON_ENSURE_ASCII);
  is_str (ours, theirs, "one line: the audit fixture");
  json_decref (odd);
  free (ours);
  free (theirs);
  json_t *big = json_pack ("{s:o, s:o}", "shmmax", output_u64 (18446744073692774399u), "small", output_u64 (5));
  ours = output_dumps (big);
  is_str (ours, "{\n  \"shmmax\": 18446744073692774399,\n  \"small\": 5\n}", "past 2^63: the number, exactly");
  free (ours);
  json_decref (big);
}

/* audit --json a namespace at a time: what output_dumps writes of the
   whole document, and a newline; with none, one, and enough namespaces to
   write more than one block. */
/* audit --json written a namespace at a time, as audit judges them, is
   the text of the tree output_namespace and output_object build, byte for
   byte: a named pinned namespace with an owner, odd limits and objects of
   each kind; a private one with nothing; a pin whose path is no UTF-8
   (no "name", as the tree has none); one dropped (--orphans, none); and
   enough of them to be written in several blocks. */
static void
test_audit_text (void)
{
  struct nsipc_ipc_object objects[] = {
    { .type = OBJECT_MSG, .key = 0x1000, .id = 3, .mode = 0640, .uid = 7, .bytes = 12, .messages = 2, .lspid = 5 },
    { .type = OBJECT_SEM, .key = 0xffffffff, .id = 32768, .mode = 0600, .nsems = 3, .cuid = 4294967295u },
    { .type = OBJECT_SHM, .key = 0, .id = 1, .mode = 0666, .size = 1u << 30, .cpid = 42, .nattch = 2 },
    { .type = OBJECT_MQUEUE, .id = -1, .mode = 0600, .name = "/q\xff\\\"\n" },
  };
  const char *labels[] = { "jobs \"a\"", NULL, NULL, NULL }, *rules[] = { "policy", "orphan", "attached", "open" };
  pid_t pids[] = { 10, 11 };
  struct nsipc_owner owner = { "web\x1b"
                               "1",
                               "runc", pids, 2 };
  struct nsipc_census_ns nss[] = {
    { .inode = 4026532182,
      .kind = NS_KIND_PINNED,
      .name = "pod1",
      .policy_changed = 1,
      .owners = &owner,
      .n_owners = 1 },
    { .inode = 4026532183, .kind = NS_KIND_PRIVATE },
    { .inode = 4026532184, .kind = NS_KIND_PINNED, .path = "/run/pin\xff", .policy_changed = -1 },
    { .inode = 4026532185, .kind = NS_KIND_SHARED },
  };
  struct nsipc_limit_set some = { 0 }, none = { 0 };
  some.set[LIMIT_MSGMNI] = some.set[LIMIT_SHMMAX] = some.set[LIMIT_MQ_QUEUES_MAX] = true;
  some.value[LIMIT_MSGMNI] = 32000, some.value[LIMIT_SHMMAX] = UINT64_MAX - 5, some.value[LIMIT_MQ_QUEUES_MAX] = 0;
  struct nsipc_inventory full = { objects, 4 }, empty = { NULL, 0 };
  size_t repeats[] = { 1, 150 };
  for (size_t r = 0; r < 2; r++)
    {
      json_t *list = json_array ();
      char *streamed = NULL;
      size_t len = 0;
      struct output_audit_json w = { .out = open_memstream (&streamed, &len) };
      for (size_t k = 0; k < repeats[r]; k++)
        for (size_t i = 0; i < 4; i++)
          {
            bool filled = i == 0, drop = i == 3;
            output_audit_json_begin (&w, &nss[i], filled ? &some : &none, filled ? &full : &empty);
            json_t *tree = json_array ();
            for (size_t o = 0; filled && o < 4; o++)
              {
                output_audit_json_object (&w, &objects[o], labels[o], rules[o], "a reason, \"quoted\"");
                json_array_append_new (tree, output_object (&objects[o], labels[o], rules[o], "a reason, \"quoted\""));
              }
            output_audit_json_finish (&w, &nss[i], drop);
            json_t *ns = output_namespace (&nss[i], filled ? &some : &none, filled ? &full : &empty, tree);
            if (!drop)
              json_array_append (list, ns);
            json_decref (ns);
          }
      output_audit_json_end (&w, 3);
      fclose (w.out);
      json_t *doc = json_pack ("{s:o, s:i}", "namespaces", list, "skipped", 3);
      char *whole = output_dumps (doc);
      ok (len == strlen (whole) + 1 && strncmp (streamed, whole, len - 1) == 0 && streamed[len - 1] == '\n',
          "%zu namespaces written as judged: the tree's text, %zu bytes", 3 * repeats[r], len);
      if (r == 0)
        {
          whole = xrealloc (whole, strlen (whole) + 2);
          is_str (streamed, strcat (whole, "\n"), "the same, shown");
        }
      free (whole);
      free (streamed);
      json_decref (doc);
    }
  /* Only a dropped one: the document has no namespace. */
  char *streamed = NULL;
  size_t len = 0;
  struct output_audit_json w = { .out = open_memstream (&streamed, &len) };
  output_audit_json_begin (&w, &nss[1], &none, &empty);
  output_audit_json_finish (&w, &nss[1], true);
  output_audit_json_end (&w, 0);
  fclose (w.out);
  is_str (streamed, "{\n  \"namespaces\": [],\n  \"skipped\": 0\n}\n", "all dropped: no namespace");
  free (streamed);
}

int
main (int argc, char **argv)
{
  test_gc_lines ();
  test_gc_removal ();
  test_audit_text ();
  test_strings ();
  const char *fixtures = argc > 1 ? argv[1] : "tests/fixtures";
  char path[4096];
  snprintf (path, sizeof path, "%s/output/audit.json", fixtures);
  json_error_t jerr;
  json_t *audit = json_load_file (path, 0, &jerr);
  ok (audit != NULL, "fixture audit.json loads");

  char *prom = render (output_audit_prometheus, audit);
  snprintf (path, sizeof path, "%s/output/audit.prom", fixtures);
  char *want = tap_slurp (path);
  is_str (prom, want ? want : "(missing audit.prom)", "Prometheus text as expected");
  free (want);
  ok (strstr (prom, "nsipc_limit_use_ratio{namespace=\"4026532182\",kind=\"pinned\",name=\"pod1\",container=\"web-1\","
                    "limit=\"shmmni\"} 0.5\n")
          != NULL,
      "shmmni is half full, labelled by namespace and container");
  free (prom);

  char *table = render (output_audit_table, audit);
  snprintf (path, sizeof path, "%s/output/audit.table", fixtures);
  want = tap_slurp (path);
  is_str (table, want ? want : "(missing audit.table)", "table as expected");
  free (want);
  free (table);
  /* An owner named from a cgroup someone else named: escaped. */
  json_t *owner
      = json_array_get (json_object_get (json_array_get (json_object_get (audit, "namespaces"), 0), "owners"), 0);
  json_t *was = json_incref (json_object_get (owner, "container"));
  json_object_set_new (owner, "container", json_string ("a\x1b]0;TITLE\x07"));
  table = render (output_audit_table, audit);
  ok (strstr (table, "a\\x1b]0;TITLE\\x07 (runc)") != NULL && strchr (table, '\x1b') == NULL,
      "an owner's name with ESC and BEL is escaped in the table");
  free (table);
  json_object_set_new (owner, "container", was);
  /* One process skipped, in the singular. */
  json_t *skipped_was = json_incref (json_object_get (audit, "skipped"));
  json_object_set_new (audit, "skipped", json_integer (1));
  table = render (output_audit_table, audit);
  ok (strstr (table, "\n(1 process skipped: its IPC namespace could not be read)\n") != NULL,
      "one skipped process is a process, with its namespace");
  free (table);
  json_object_set_new (audit, "skipped", skipped_was);
  test_dumps (audit);
  json_decref (audit);

  struct nsipc_ipc_object o = { .type = OBJECT_MSG,
                                .key = 0x1000,
                                .id = 3,
                                .mode = 0640,
                                .uid = 7,
                                .gid = 8,
                                .bytes = 12,
                                .messages = 2,
                                .lspid = 5,
                                .lrpid = 6 };
  json_t *j = output_object (&o, "jobs", "policy", "provisioned by a policy");
  char *text = json_dumps (j, JSON_SORT_KEYS | JSON_COMPACT);
  is_str (text,
          "{\"bytes\":12,\"cgid\":0,\"cpid\":null,\"cuid\":0,\"gid\":8,\"id\":3,\"key\":\"0x00001000\",\"lrpid\":6,"
          "\"lspid\":5,\"messages\":2,\"mode\":\"0640\",\"orphan\":false,\"policy_object\":\"jobs\",\"reason\":"
          "\"provisioned "
          "by a policy\",\"rule\":\"policy\",\"type\":\"msg\",\"uid\":7}",
          "a message queue's JSON: numbers as numbers, key and mode as strings");
  free (text);
  json_decref (j);
  return tap_done ();
}
