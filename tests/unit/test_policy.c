/* Policy validation on fixtures: every good policy loads, every bad one
   gives exactly the problems in its .expected file. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "policy.h"
#include "tap.h"
#include "util.h"

static const char *fixtures;

static char *
joined (const struct nsipc_problems *problems)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream (&buf, &len);
  for (size_t i = 0; i < problems->n; i++)
    fprintf (mem, "%s\n", problems->lines[i]);
  fclose (mem);
  return buf;
}

static void
each_fixture (const char *sub, void (*fn) (const char *dir, const char *name))
{
  char dir[4096];
  snprintf (dir, sizeof dir, "%s/%s", fixtures, sub);
  struct dirent **names;
  int n = scandir (dir, &names, NULL, alphasort);
  ok (n > 2, "fixtures in %s", dir);
  for (int i = 0; i < n; i++)
    {
      size_t len = strlen (names[i]->d_name);
      if (len > 5 && strcmp (names[i]->d_name + len - 5, ".json") == 0)
        fn (dir, names[i]->d_name);
      free (names[i]);
    }
  free (names);
}

static void
check_good (const char *dir, const char *name)
{
  char path[8192];
  snprintf (path, sizeof path, "%s/%s", dir, name);
  struct nsipc_policy policy;
  struct nsipc_problems problems;
  int r = policy_load_file (path, &policy, &problems);
  _cleanup_free_ char *text = joined (&problems);
  ok (r == 0 && problems.n == 0, "good/%s is valid", name);
  if (r != 0)
    printf ("# %s", text);
  policy_free (&policy);
  problems_free (&problems);
}

static void
check_bad (const char *dir, const char *name)
{
  char path[8192], expected_path[8192];
  snprintf (path, sizeof path, "%s/%s", dir, name);
  snprintf (expected_path, sizeof expected_path, "%s/%.*s.expected", dir, (int)strlen (name) - 5, name);
  _cleanup_free_ char *expected = tap_slurp (expected_path);
  struct nsipc_policy policy;
  struct nsipc_problems problems;
  int r = policy_load_file (path, &policy, &problems);
  _cleanup_free_ char *got = joined (&problems);
  ok (r < 0 && policy.objects == NULL, "bad/%s is refused and leaves no policy", name);
  is_str (got, expected ? expected : "(no .expected file)", "bad/%s reports exactly its problems", name);
  problems_free (&problems);
}

static void
test_design_example (void)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/good/design_example.json", fixtures);
  struct nsipc_policy p;
  struct nsipc_problems problems;
  if (policy_load_file (path, &p, &problems) < 0)
    {
      ok (0, "the DESIGN.md example loads");
      problems_free (&problems);
      return;
    }
  ok (p.limits.set[LIMIT_MSGMNI] && p.limits.value[LIMIT_MSGMNI] == 32, "msgmni 32");
  ok (p.limits.value[LIMIT_SEMOPM] == 32 && p.limits.value[LIMIT_SEMMNI] == 128, "sem fields");
  ok (p.limits.value[LIMIT_SHMMAX] == 64 << 20, "shmmax 64MiB");
  ok (p.limits.set[LIMIT_SHM_RMID_FORCED] && p.limits.value[LIMIT_SHM_RMID_FORCED] == 1, "shm_rmid_forced true");
  ok (!p.limits.set[LIMIT_MQ_MSG_DEFAULT], "unset limits stay unset");
  ok (p.dev_shm_size == 64 << 20, "dev_shm 64MiB");
  ok (p.n_objects == 4, "4 objects");
  const struct nsipc_object *o = p.objects;
  ok (o[0].type == OBJECT_MSG && o[0].key == 0x1000 && o[0].mode == 0660 && o[0].uid == 1000 && o[0].gid == 1000
          && o[0].max_bytes == 65536,
      "msg jobs");
  ok (o[1].type == OBJECT_SEM && o[1].key == 4097 && o[1].nsems == 3 && o[1].values[0] == 1 && o[1].values[2] == 5
          && o[1].uid == OWNER_UNSET,
      "sem locks");
  ok (o[2].type == OBJECT_SHM && o[2].size == 1 << 20 && o[2].mode == 0640, "shm frames");
  ok (o[3].type == OBJECT_MQUEUE && strcmp (o[3].name, "/events") == 0 && o[3].max_messages == 10
          && o[3].message_size == 1024,
      "mqueue /events");
  ok (p.cleanup == CLEANUP_SAFE, "cleanup owned (the first version's word) is safe");
  char what[128];
  policy_object_describe (&o[2], what, sizeof what);
  is_str (what, "shm \"frames\" (key 0x00001002)", "objects are described by type, label and key");
  policy_free (&p);
}

/* The kernel's defaults of a new namespace bound a policy that sets no
   limit, and the message says so. */
static void
test_kernel_defaults (void)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream (&buf, &len);
  fputs ("{\"version\":1,\"objects\":[", mem);
  for (int i = 1; i <= 4097; i++)
    fprintf (mem, "%s{\"type\":\"shm\",\"key\":%d,\"size\":1}", i > 1 ? "," : "", i);
  fputs ("]}", mem);
  fclose (mem);
  struct nsipc_policy p;
  struct nsipc_problems problems;
  ok (policy_load_string (buf, &p, &problems) < 0 && problems.n == 1, "4097 segments are too many by default");
  if (problems.n == 1)
    is_str (problems.lines[0],
            "objects: more shared memory segments (4097) than limits.shmmni (4096, the kernel default)",
            "the message names the kernel default");
  problems_free (&problems);
  free (buf);
}

static void
test_unreadable (void)
{
  struct nsipc_policy p;
  struct nsipc_problems problems;
  ok (policy_load_file ("/nonexistent/policy.json", &p, &problems) < 0, "a missing file is refused");
  is_str (problems.n ? problems.lines[0] : NULL, "cannot read: No such file or directory", "and says why");
  problems_free (&problems);
  ok (policy_load_file (fixtures, &p, &problems) < 0, "a directory is refused");
  is_str (problems.n ? problems.lines[0] : NULL, "cannot read: not a regular file", "and says why");
  problems_free (&problems);
}

static void
test_locate (void)
{
  nsipc_error err = { 0 };
  char *path = NULL;
  ok (policy_locate ("/etc/p", "web", &path, &err) == 0, "a name is located");
  is_str (path, "/etc/p/web.json", "in the policy directory");
  free (path);
  ok (policy_locate ("/etc/p", "my-policy_1.2", &path, &err) == 0, "names may hold - _ .");
  free (path);
  ok (policy_locate ("/etc/p", "web.json", &path, &err) == 0, "a .json argument is a file");
  is_str (path, "web.json", "taken as it is");
  free (path);
  ok (policy_locate ("/etc/p", "./x", &path, &err) == 0, "an argument with / is a file");
  free (path);
  static const char *const bad[] = { "", "..", ".hidden", "a b", "{\"version\":1}", "x;y" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ok (policy_locate ("/etc/p", bad[i], &path, &err) < 0, "\"%s\" is neither file nor name", bad[i]);
}

int
main (int argc, char **argv)
{
  fixtures = argc > 1 ? argv[1] : "tests/fixtures";
  each_fixture ("good", check_good);
  each_fixture ("bad", check_bad);
  test_design_example ();
  test_kernel_defaults ();
  test_unreadable ();
  test_locate ();
  return tap_done ();
}
