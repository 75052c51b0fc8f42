/* The seal's seccomp rule set for a policy, exported as libseccomp's
   pseudo filter code and read back: what the kernel would be given. */
#include "sandbox.h"
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
  scmp_filter_ctx ctx = sandbox_seal_filter (&p, &err);
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
  return tap_done ();
}
