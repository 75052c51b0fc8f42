/* The seal's seccomp rule set for a policy, exported as libseccomp's
   pseudo filter code and read back: what the kernel would be given. */
#include "seal.h"
#include "tap.h"

#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "policy.h"
#include "util.h"

/* The filter of POLICY_TEXT as pseudo filter code (malloc'd). */
static char *
pfc (const char *policy_text)
{
  struct nsipc_policy p;
  struct nsipc_problems problems;
  if (policy_load_string (policy_text, &p, &problems) < 0)
    return NULL;
  nsipc_error err;
  scmp_filter_ctx ctx = seal_filter (&p, &err);
  policy_free (&p);
  if (ctx == NULL)
    return NULL;
  int fd = memfd_create ("pfc", MFD_CLOEXEC);
  seccomp_export_pfc (ctx, fd);
  seccomp_release (ctx);
  lseek (fd, 0, SEEK_SET);
  size_t len;
  char *text = read_fd_all (fd, 1 << 24, &len);
  close (fd);
  return text;
}

/* The block of rules the PFC gives syscall NAME. */
static const char *
block (const char *text, const char *name)
{
  char head[64];
  snprintf (head, sizeof head, "# filter for syscall \"%s\"", name);
  return strstr (text, head);
}

static bool
in_block (const char *text, const char *name, const char *needle)
{
  const char *b = block (text, name);
  if (b == NULL)
    return false;
  const char *end = strstr (b + 1, "# filter for syscall");
  const char *hit = strstr (b, needle);
  return hit && (end == NULL || hit < end);
}

static json_t *
sealed (const char *config_text, nsipc_error *err)
{
  struct nsipc_policy p;
  struct nsipc_problems problems;
  policy_load_string ("{ \"version\": 1, \"seal\": true, \"objects\": [ { \"type\": \"msg\", \"key\": 4096 } ] }", &p,
                      &problems);
  json_t *config = json_loads (config_text, 0, NULL);
  if (seal_oci (config, &p, err) < 0)
    json_decref (config), config = NULL;
  policy_free (&p);
  return config;
}

/* How many rules of CONFIG's profile name NAME, and with which action. */
static int
rules_for (json_t *config, const char *name, const char *action)
{
  int n = 0;
  size_t i, k;
  json_t *rule, *v;
  json_array_foreach (json_object_get (json_object_get (json_object_get (config, "linux"), "seccomp"), "syscalls"), i,
                      rule)
  {
    json_array_foreach (json_object_get (rule, "names"), k, v)
    {
      if (strcmp (json_string_value (v), name) == 0
          && strcmp (json_string_value (json_object_get (rule, "action")), action) == 0)
        n++;
    }
  }
  return n;
}

static void
oci_cases (void)
{
  nsipc_error err;
  json_t *c = sealed ("{}", &err);
  ok (c
          && strcmp (json_string_value (
                         json_object_get (json_object_get (json_object_get (c, "linux"), "seccomp"), "defaultAction")),
                     "SCMP_ACT_ERRNO")
                 == 0,
      "oci: no profile: a whole allowlist is written");
  ok (c && rules_for (c, "read", "SCMP_ACT_ALLOW") == 1 && rules_for (c, "msgget", "SCMP_ACT_ALLOW") == 1
          && rules_for (c, "msgget", "SCMP_ACT_ERRNO") == 2 && rules_for (c, "ipc", "SCMP_ACT_ALLOW") == 0,
      "oci: read allowed, msgget for its key only and refused otherwise, ipc not at all");
  json_t *again = c ? json_deep_copy (c) : NULL;
  ok (again && seal_oci (again, &(struct nsipc_policy){ .seal = true }, &err) == 0
          && rules_for (again, "msgget", "SCMP_ACT_ALLOW") == 0,
      "oci: sealing again replaces the seal's own rules (here with a policy of no keys)");
  json_decref (again);
  json_decref (c);

  const char *podmanish
      = "{ \"linux\": { \"seccomp\": { \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
        " \"syscalls\": [ { \"names\": [\"read\", \"msgget\", \"msgctl\", \"ipc\"],"
        " \"action\": \"SCMP_ACT_ALLOW\" }, { \"names\": [\"shmget\"], \"action\": \"SCMP_ACT_ALLOW\" } ] } } }";
  c = sealed (podmanish, &err);
  ok (c && rules_for (c, "read", "SCMP_ACT_ALLOW") == 1 && rules_for (c, "msgget", "SCMP_ACT_ALLOW") == 1
          && rules_for (c, "ipc", "SCMP_ACT_ALLOW") == 0 && rules_for (c, "msgctl", "SCMP_ACT_ALLOW") == 5,
      "oci: an allowlist profile keeps its rules and gets the seal's for what it allowed");
  ok (c && rules_for (c, "semget", "SCMP_ACT_ALLOW") == 0 && rules_for (c, "semget", "SCMP_ACT_ERRNO") == 0,
      "oci: what the profile refused (semget) stays refused by its default");
  ok (c && rules_for (c, "shmget", "SCMP_ACT_ALLOW") == 0 && rules_for (c, "shmget", "SCMP_ACT_ERRNO") == 2,
      "oci: shmget, allowed by the profile, works for no key: the policy declares none");
  json_t *twice = c ? json_deep_copy (c) : NULL;
  struct nsipc_policy p;
  struct nsipc_problems problems;
  policy_load_string ("{ \"version\": 1, \"seal\": true, \"objects\": [ { \"type\": \"msg\", \"key\": 4096 } ] }", &p,
                      &problems);
  ok (twice && seal_oci (twice, &p, &err) == 0 && json_equal (twice, c) && seal_check_oci (c, &p, &err) == 0,
      "oci: sealing twice changes nothing, and the check accepts it");
  policy_free (&p);
  json_decref (twice);
  json_decref (c);

  c = sealed ("{ \"linux\": { \"seccomp\": { \"defaultAction\": \"SCMP_ACT_ALLOW\" } } }", &err);
  ok (c == NULL && strstr (err.msg, "allows every syscall by default (SCMP_ACT_ALLOW)"), "oci: a denylist is refused");
  c = sealed ("{ \"linux\": { \"seccomp\": { \"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [ { \"names\": "
              "[\"msgctl\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [ { \"index\": 1, \"value\": 2, \"op\": "
              "\"SCMP_CMP_EQ\" } ] } ] } } }",
              &err);
  ok (c == NULL && strstr (err.msg, "allows msgctl under conditions of its own"),
      "oci: foreign conditions are refused");
  c = sealed ("{ \"linux\": { \"seccomp\": { \"defaultAction\": \"SCMP_ACT_NOTIFY\" } } }", &err);
  ok (c == NULL && strstr (err.msg, "defaultAction SCMP_ACT_NOTIFY lets a tracer or notifier allow calls"),
      "oci: a default a notifier decides is refused");
  c = sealed ("{ \"linux\": { \"seccomp\": { \"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"syscalls\": [ { "
              "\"names\": [\"read\", \"shmctl\"], \"action\": \"SCMP_ACT_TRACE\" } ] } } }",
              &err);
  ok (c == NULL && strstr (err.msg, "hands shmctl to SCMP_ACT_TRACE, which may let it through"),
      "oci: a System V call a tracer decides is refused");
  c = sealed ("{ \"linux\": { \"seccomp\": { \"defaultAction\": \"SCMP_ACT_KILL\", \"syscalls\": [ { "
              "\"names\": [\"read\"], \"action\": \"SCMP_ACT_NOTIFY\" } ] } } }",
              &err);
  ok (c != NULL, "oci: a killing default and a notifier for other calls are sealed");
  json_decref (c);
  json_t *plain = json_loads ("{}", 0, NULL);
  policy_load_string ("{ \"version\": 1, \"seal\": true }", &p, &problems);
  ok (seal_check_oci (plain, &p, &err) < 0 && strstr (err.msg, "does not carry its seal"),
      "oci: the check refuses a config without the seal");
  policy_free (&p);
  json_decref (plain);
}

int
main (void)
{
  char *text
      = pfc ("{ \"version\": 1, \"seal\": true, \"objects\": ["
             " { \"type\": \"msg\", \"key\": \"0x1000\" }, { \"type\": \"shm\", \"key\": \"0x2000\", \"size\": 4096 },"
             " { \"type\": \"sem\", \"key\": \"0x80000001\", \"nsems\": 1 } ] }");
  ok (text != NULL, "a filter is built and exported");
  if (text == NULL)
    return tap_done ();
  ok (strstr (text, "action ERRNO(1);") != NULL, "what no rule allows fails with EPERM");
  ok (in_block (text, "read", "action ALLOW;"), "every other syscall is allowed (read)");
  ok (in_block (text, "msgget", "4096") && !in_block (text, "msgget", "8192"),
      "msgget: the msg key 0x1000 only, not the shm key");
  ok (in_block (text, "shmget", "8192") && !in_block (text, "shmget", "4096"), "shmget: the shm key 0x2000 only");
  ok (in_block (text, "semget", "2147483649"), "semget: a key above 0x7fffffff, compared on its low 32 bits");
  ok (!in_block (text, "msgget", "0xffffffff == 0)"), "IPC_PRIVATE (0) is no key of the policy: refused");
  ok (in_block (text, "msgctl", "& 0x000000ff == 2)") && !in_block (text, "msgctl", "& 0x000000ff == 0)"),
      "msgctl: IPC_STAT allowed, IPC_RMID not");
  ok (!in_block (text, "msgctl", "& 0x000000ff == 1)"), "msgctl: IPC_SET not");
  ok (in_block (text, "semctl", "& 0x000000ff == 16)") && !in_block (text, "semctl", "& 0x000000ff == 0)"),
      "semctl: SETVAL allowed (values are the workload's), IPC_RMID not");
  ok (!in_block (text, "shmctl", "& 0x000000ff == 11)") && !in_block (text, "shmctl", "& 0x000000ff == 12)"),
      "shmctl: SHM_LOCK and SHM_UNLOCK not");
  free (text);
  oci_cases ();
  return tap_done ();
}
