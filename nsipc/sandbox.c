/* Least privilege for the command nsipc becomes.  Order matters: the
   read-only remount needs CAP_SYS_ADMIN, dropping the bounding set needs
   CAP_SETPCAP, and switching ids ends with what the kernel leaves. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "dl.h"
#include "seal.h"
#include "syscalls.h"
#include "util.h"

/* What would let the command undo its limits or its seal: mounts and
   sysctls (SYS_ADMIN, SYS_RESOURCE), others' objects (IPC_OWNER), the
   host's writable /proc/sys through /proc/PID/root of a process it could
   not otherwise reach (SYS_PTRACE), and the kernel itself (SYS_MODULE,
   SYS_RAWIO). */
static const cap_value_t dropped[]
    = { CAP_SYS_ADMIN, CAP_SYS_RESOURCE, CAP_IPC_OWNER, CAP_SYS_PTRACE, CAP_SYS_MODULE, CAP_SYS_RAWIO };
#define N_DROPPED (sizeof dropped / sizeof dropped[0])

int
sandbox_parse_user (const char *arg, struct nsipc_sandbox *sb, nsipc_error *err)
{
  /* (uid_t)-1 is no id: setresuid takes it as "leave unchanged". */
  const uint64_t max = (uid_t)-1 - 1;
  _cleanup_free_ char *uid_text = xstrdup (arg);
  char *colon = strchr (uid_text, ':');
  if (colon)
    *colon = '\0';
  uint64_t uid, gid;
  if (!parse_u64_whole (uid_text, max, &uid) || !parse_u64_whole (colon ? colon + 1 : uid_text, max, &gid))
    return nsipc_error_set (err, 0, "--user \"%s\": not UID[:GID] (numbers)", arg);
  sb->switch_user = true;
  sb->uid = (uid_t)uid;
  sb->gid = (gid_t)gid;
  return 0;
}

/* A read-only bind of /proc/sys on itself: the limits nsipc wrote hold. */
static int
readonly_sysctls (nsipc_error *err)
{
  if (mount ("/proc/sys", "/proc/sys", NULL, MS_BIND | MS_REC, NULL) < 0
      || mount (NULL, "/proc/sys", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
    return nsipc_error_set (err, errno, "make /proc/sys read-only");
  return 0;
}

/* Out of the bounding set, so that no exec gives them back (root's
   permitted set after exec is the bounding set). */
static int
drop_bound (const struct dl_cap *cap, bool all, nsipc_error *err)
{
  for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++)
    {
      bool drop = all;
      for (size_t i = 0; i < N_DROPPED && !drop; i++)
        drop = dropped[i] == c;
      if (drop && cap->cap_drop_bound (c) < 0 && errno != EINVAL)
        return nsipc_error_set (err, errno, "drop capability %d from the bounding set", (int)c);
    }
  prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  return 0;
}

/* Out of the effective, permitted and inheritable sets: all, or ours. */
static int
drop_sets (const struct dl_cap *cap, bool all, nsipc_error *err)
{
  cap_t caps = all ? cap->cap_init () : cap->cap_get_proc ();
  if (caps == NULL)
    return nsipc_error_set (err, errno, "read the capabilities");
  int r = 0;
  static const cap_flag_t sets[] = { CAP_EFFECTIVE, CAP_PERMITTED, CAP_INHERITABLE };
  for (size_t i = 0; !all && r == 0 && i < 3; i++)
    r = cap->cap_set_flag (caps, sets[i], N_DROPPED, dropped, CAP_CLEAR);
  if (r == 0)
    r = cap->cap_set_proc (caps);
  int e = errno;
  cap->cap_free (caps);
  return r < 0 ? nsipc_error_set (err, e, "drop capabilities") : 0;
}

/* A read-only view of STATE_DIR, every mount below it too: the command,
   root or not, must not rewrite the seal's cached filter or the records
   that keep its objects. */
static int
readonly_state (const char *state_dir, nsipc_error *err)
{
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
  if (state_dir == NULL || access (state_dir, F_OK) < 0)
    return 0;
  if (mount (state_dir, state_dir, NULL, MS_BIND | MS_REC, NULL) < 0
      || mount_setattr (AT_FDCWD, state_dir, AT_RECURSIVE, &attr, sizeof attr) < 0)
    return nsipc_error_set (err, errno, "make %s read-only", state_dir);
  return 0;
}

static int
switch_ids (uid_t uid, gid_t gid, nsipc_error *err)
{
  if (setgroups (0, NULL) < 0 || setresgid (gid, gid, gid) < 0 || setresuid (uid, uid, uid) < 0)
    return nsipc_error_set (err, errno, "switch to uid %u gid %u", (unsigned)uid, (unsigned)gid);
  return 0;
}

int
sandbox_enter (const struct nsipc_sandbox *sb, nsipc_error *err)
{
  bool drop = !sb->keep_caps;
  const struct dl_cap *cap = drop ? dl_cap (err) : NULL;
  struct nsipc_seal_program seal = { NULL, NULL, 0 };
  if ((drop && cap == NULL) || (sb->seal && seal_prepare (sb->state_dir, sb->seal, &seal, err) < 0)
      || readonly_sysctls (err) < 0 || readonly_state (sb->state_dir, err) < 0
      || (drop && drop_bound (cap, sb->switch_user, err) < 0)
      || (sb->switch_user && switch_ids (sb->uid, sb->gid, err) < 0)
      || (drop && drop_sets (cap, sb->switch_user, err) < 0))
    {
      free (seal.text);
      return -1;
    }
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    {
      free (seal.text);
      return nsipc_error_set (err, errno, "set no_new_privs");
    }
  return sb->seal ? seal_install (&seal, err) : 0;
}
