/* OCI state and config handling.  Input from runtimes is checked field by
   field: a hook installed for every container sees whatever they send. */
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "jsonpick.h"
#include "ledger.h"
#include "limits.h"
#include "state.h"
#include "seal.h"
#include "shm.h"
#include "util.h"

int
oci_state_parse (const char *text, size_t len, struct nsipc_oci_state *st, nsipc_error *err)
{
  memset (st, 0, sizeof *st);
  json_error_t jerr;
  _cleanup_json_ json_t *j = json_load_text (text, len, 0, &jerr);
  if (j == NULL)
    return nsipc_error_set (err, 0, "state on stdin: line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
  if (!json_is_object (j))
    return nsipc_error_set (err, 0, "state on stdin: not a JSON object");
  json_t *id = json_object_get (j, "id"), *pid = json_object_get (j, "pid");
  json_t *status = json_object_get (j, "status"), *bundle = json_object_get (j, "bundle");
  json_t *annotations = json_object_get (j, "annotations");
  if (json_is_string (id) && json_string_length (id) > LEDGER_ID_MAX)
    return nsipc_error_set (err, 0,
                            "state on stdin: \"id\" has %zu characters; nsipc takes container ids of at most %d",
                            json_string_length (id), LEDGER_ID_MAX);
  if (!json_is_string (id) || !state_valid_name (json_string_value (id), LEDGER_ID_MAX))
    return nsipc_error_set (err, 0, "state on stdin: \"id\" must be a container id of [A-Za-z0-9_.-]");
  if ((pid && !json_is_integer (pid)) || json_integer_value (pid) < 0 || json_integer_value (pid) > INT32_MAX)
    return nsipc_error_set (err, 0, "state on stdin: \"pid\" must be a process id");
  if ((status && !json_is_string (status)) || (bundle && !json_is_string (bundle))
      || (annotations && !json_is_object (annotations)))
    return nsipc_error_set (err, 0, "state on stdin: \"status\", \"bundle\" or \"annotations\" has the wrong type");
  json_t *policy = json_object_get (annotations, OCI_POLICY_ANNOTATION);
  if (policy && !json_is_string (policy))
    return nsipc_error_set (err, 0, "annotation %s must be a string", OCI_POLICY_ANNOTATION);

  st->id = xstrdup (json_string_value (id));
  st->status = status ? xstrdup (json_string_value (status)) : NULL;
  st->bundle = bundle ? xstrdup (json_string_value (bundle)) : NULL;
  st->policy = policy ? xstrdup (json_string_value (policy)) : NULL;
  st->pid = json_integer_value (pid);
  return 0;
}

void
oci_state_free (struct nsipc_oci_state *st)
{
  free (st->id);
  free (st->status);
  free (st->bundle);
  free (st->policy);
  memset (st, 0, sizeof *st);
}

int
oci_check_policy_name (const char *value, nsipc_error *err)
{
  if (state_valid_name (value, STATE_NAME_MAX))
    return 0;
  return nsipc_error_set (err, 0,
                          "annotation %s: \"%.64s\" is not a policy name ([A-Za-z0-9][A-Za-z0-9_.-]); paths and "
                          "inline policies are refused",
                          OCI_POLICY_ANNOTATION, value);
}

/* The members of config.json nsipc reads or writes, object by object, as
   the OCI runtime spec names them.  runc's Go fills each from a key in any
   case (json_key_folds): spelled otherwise, runc would read what nsipc
   misses (a joined namespace's "Path", a "Sysctl" that overrides). */
static const char *const top_fields[] = { "root", "linux", "mounts", "hooks", "annotations", "process", NULL };
static const char *const linux_fields[] = { "namespaces", "sysctl", "seccomp", "readonlyPaths", "maskedPaths", NULL };
static const char *const process_fields[] = { "capabilities", NULL };
static const char *const caps_fields[] = { "bounding", "effective", "inheritable", "permitted", "ambient", NULL };
static const char *const root_fields[] = { "path", "readonly", NULL };
static const char *const namespace_fields[] = { "type", "path", NULL };
static const char *const mount_fields[] = { "destination", "type", "source", "options", NULL };
static const char *const seccomp_fields[] = { "defaultAction", "defaultErrnoRet",  "architectures", "flags",
                                              "listenerPath",  "listenerMetadata", "syscalls",      NULL };
static const char *const syscall_fields[] = { "names", "action", "errnoRet", "args", NULL };
static const char *const arg_fields[] = { "index", "value", "valueTwo", "op", NULL };
static const char *const hooks_fields[]
    = { "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL };
static const char *const hook_fields[] = { "path", "args", "env", "timeout", NULL };

/* OBJ's keys (WHERE, in messages): none a field of FIELDS spelled otherwise. */
static int
spelled (json_t *obj, const char *const *fields, const char *where, nsipc_error *err)
{
  const char *key;
  json_t *v;
  json_object_foreach (obj, key, v)
  {
    for (size_t i = 0; fields[i]; i++)
      if (strcmp (key, fields[i]) != 0 && json_key_folds (key, strlen (key), fields[i], strlen (fields[i])))
        return nsipc_error_set (err, 0,
                                "config.json: %s has a key that runc (Go) reads as \"%s\", spelled otherwise: "
                                "write it so",
                                where, fields[i]);
  }
  return 0;
}

/* The same for each object of the array ARRAY. */
static int
each_spelled (json_t *array, const char *const *fields, const char *where, nsipc_error *err)
{
  size_t i;
  json_t *v;
  json_array_foreach (array, i, v)
  {
    if (spelled (v, fields, where, err) < 0)
      return -1;
  }
  return 0;
}

int
oci_config_spelled (json_t *config, nsipc_error *err)
{
  json_t *linux_ = json_object_get (config, "linux"), *seccomp = json_object_get (linux_, "seccomp");
  json_t *hooks = json_object_get (config, "hooks");
  if (spelled (config, top_fields, "the top level", err) < 0 || spelled (linux_, linux_fields, "linux", err) < 0
      || spelled (json_object_get (config, "root"), root_fields, "root", err) < 0
      || each_spelled (json_object_get (linux_, "namespaces"), namespace_fields, "linux.namespaces", err) < 0
      || each_spelled (json_object_get (config, "mounts"), mount_fields, "mounts", err) < 0
      || spelled (seccomp, seccomp_fields, "linux.seccomp", err) < 0
      || each_spelled (json_object_get (seccomp, "syscalls"), syscall_fields, "linux.seccomp.syscalls", err) < 0
      || spelled (hooks, hooks_fields, "hooks", err) < 0
      || spelled (json_object_get (config, "process"), process_fields, "process", err) < 0
      || spelled (json_object_get (json_object_get (config, "process"), "capabilities"), caps_fields,
                  "process.capabilities", err)
             < 0)
    return -1;
  size_t i;
  json_t *v;
  json_array_foreach (json_object_get (seccomp, "syscalls"), i, v)
  {
    if (each_spelled (json_object_get (v, "args"), arg_fields, "linux.seccomp.syscalls[].args", err) < 0)
      return -1;
  }
  for (size_t k = 0; hooks_fields[k]; k++)
    if (each_spelled (json_object_get (hooks, hooks_fields[k]), hook_fields, "hooks", err) < 0)
      return -1;
  return 0;
}

json_t *
oci_ipc_entry (json_t *config)
{
  size_t i;
  json_t *ns;
  json_array_foreach (json_object_get (json_object_get (config, "linux"), "namespaces"), i, ns)
  {
    const char *type = json_string_value (json_object_get (ns, "type"));
    if (type && strcmp (type, "ipc") == 0)
      return ns;
  }
  return NULL;
}

static enum nsipc_oci_ipc
ipc_kind (json_t *config)
{
  json_t *ns = oci_ipc_entry (config);
  if (ns == NULL)
    return OCI_IPC_HOST;
  const char *path = json_string_value (json_object_get (ns, "path"));
  return path && *path ? OCI_IPC_PATH : OCI_IPC_NEW;
}

static bool
lists (json_t *array, const char *value)
{
  size_t i;
  json_t *v;
  json_array_foreach (array, i, v)
  {
    if (json_is_string (v) && strcmp (json_string_value (v), value) == 0)
      return true;
  }
  return false;
}

/* Whether P has what the workload could undo through the namespace's
   sysctls: limits, or a seal (shm_rmid_forced removes segments). */
static bool
guards_sysctls (const struct nsipc_policy *p)
{
  return p->seal || limits_any (&p->limits);
}

int
oci_sysctls_locked (json_t *config, const struct nsipc_policy *p, nsipc_error *err)
{
  /* The host's namespace gets no limits (refused elsewhere), and its
     sysctls are not the policy's to guard. */
  if (!guards_sysctls (p) || ipc_kind (config) == OCI_IPC_HOST)
    return 0;
  const char *what = p->seal ? "remove the sealed policy's segments (kernel.shm_rmid_forced = 1) and lift its limits"
                             : "lift the policy's limits";
  json_t *linux_ = json_object_get (config, "linux");
  /* The IPC sysctls are the namespace root's to write, capability or
     none: runc's read-only bind (readonlyPaths) or mask is what keeps
     them. */
  json_t *ro = json_object_get (linux_, "readonlyPaths"), *masked = json_object_get (linux_, "maskedPaths");
  if (!lists (ro, "/proc/sys") && !lists (ro, "/proc") && !lists (masked, "/proc/sys"))
    return nsipc_error_set (err, 0,
                            "the config leaves /proc/sys writable (linux.readonlyPaths has no /proc/sys): the "
                            "workload could %s; keep it read-only (podman: no --privileged, no unmask of /proc/sys)",
                            what);
  /* With CAP_SYS_ADMIN the workload remounts that bind writable. */
  static const char *const sets[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
  json_t *caps = json_object_get (json_object_get (config, "process"), "capabilities");
  for (size_t i = 0; i < sizeof sets / sizeof *sets; i++)
    if (lists (json_object_get (caps, sets[i]), "CAP_SYS_ADMIN"))
      return nsipc_error_set (err, 0,
                              "the config keeps CAP_SYS_ADMIN (process.capabilities.%s), with which the workload can "
                              "remount /proc/sys writable and %s; drop it (podman: no --privileged, no --cap-add "
                              "SYS_ADMIN)",
                              sets[i], what);
  return 0;
}

int
oci_bundle_ipc (const char *bundle, const struct nsipc_policy *p, enum nsipc_oci_ipc *ipc, char **path, char **rootfs,
                nsipc_error *err)
{
  _cleanup_close_ int dir = open (bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return nsipc_error_set (err, errno, "bundle %s", bundle);
  _cleanup_close_ int fd = open_regular (dir, "config.json", false, err);
  if (fd < 0)
    return nsipc_error_prefix (err, "bundle %s", bundle);
  size_t len;
  _cleanup_free_ char *text = read_fd_all (fd, OCI_CONFIG_MAX, &len);
  if (text == NULL)
    return nsipc_error_set (err, errno, "bundle %s: read config.json", bundle);
  /* The members read below, not the process's, mounts or seccomp profile
     (unless the seal and the limits are checked): jsonpick.h. */
  const char *members[8] = { "root", "linux.namespaces", "linux.sysctl" };
  size_t n = 3;
  if (p && guards_sysctls (p)) /* what oci_sysctls_locked reads */
    {
      members[n++] = "linux.readonlyPaths";
      members[n++] = "linux.maskedPaths";
      members[n++] = "process.capabilities";
    }
  if (p && p->seal)
    members[n++] = "linux.seccomp";
  json_error_t jerr;
  _cleanup_json_ json_t *config = json_pick (text, len, members, &jerr);
  /* Not jansson's text: it quotes the file, which may not be the caller's
     to read. */
  if (config == NULL && strcmp (jerr.source, "json_pick") == 0)
    return nsipc_error_set (err, 0, "bundle %s: config.json: %s (line %d, column %d)", bundle, jerr.text, jerr.line,
                            jerr.column);
  if (config == NULL && json_error_code (&jerr) == json_error_duplicate_key)
    return nsipc_error_set (err, 0,
                            "bundle %s: config.json gives a key twice (line %d, column %d), and runc (Go) reads both",
                            bundle, jerr.line, jerr.column);
  if (config == NULL)
    return nsipc_error_set (err, 0, "bundle %s: config.json is not valid JSON (line %d, column %d)", bundle, jerr.line,
                            jerr.column);
  if (oci_config_spelled (config, err) < 0
      || (p
          && (oci_sysctl_conflicts (config, p, err) < 0 || oci_sysctls_locked (config, p, err) < 0
              || (p->seal && seal_check_oci (config, p, err) < 0))))
    return nsipc_error_prefix (err, "bundle %s", bundle);
  const char *root = json_string_value (json_object_get (json_object_get (config, "root"), "path"));
  *rootfs = root == NULL ? NULL : root[0] == '/' ? xstrdup (root) : xasprintf ("%s/%s", bundle, root);
  *ipc = ipc_kind (config);
  *path = NULL;
  if (*ipc == OCI_IPC_PATH)
    *path = xstrdup (json_string_value (json_object_get (oci_ipc_entry (config), "path")));
  return 0;
}

/* "kernel/msgmax" -> "kernel.msgmax" */
static void
sysctl_key (const char *path, char *buf, size_t len)
{
  format (buf, len, "%s", path);
  for (char *p = buf; *p; p++)
    if (*p == '/')
      *p = '.';
}

/* Up to N numbers of TEXT as the kernel reads a sysctl's: base 0 (0x is
   hex, a leading 0 octal), separated by blanks; how many, or 0 when
   something else is there. */
static size_t
sysctl_numbers (const char *text, uint64_t *v, size_t n)
{
  size_t i = 0;
  for (const char *p = text;;)
    {
      p += strspn (p, " \t\n");
      if (*p == '\0' || i == n)
        return *p == '\0' ? i : 0;
      char *end;
      errno = 0;
      unsigned long long x = *p >= '0' && *p <= '9' ? strtoull (p, &end, 0) : (end = (char *)p, 0);
      if (end == p || errno || (*end && !strchr (" \t\n", *end)))
        return 0;
      v[i++] = x;
      p = end;
    }
}

/* The value the config's linux.sysctl gives sysctl NAME ("kernel.msgmax")
   under any key runc takes for it ("kernel/msgmax" too), or NULL; -1 when
   two keys give it, or its value is no string (errors in ERR). */
static int
sysctl_value (json_t *sysctl, const char *name, const char **value, nsipc_error *err)
{
  *value = NULL;
  const char *k, *first = NULL;
  json_t *v;
  json_object_foreach (sysctl, k, v)
  {
    char key[128];
    sysctl_key (k, key, sizeof key);
    if (strcmp (key, name) != 0)
      continue;
    if (first)
      return nsipc_error_set (err, 0, "the config sets %s twice (as \"%.64s\" and \"%.64s\")", name, first, k);
    if (!json_is_string (v))
      return nsipc_error_set (err, 0, "the config's %s is not a string", name);
    first = k;
    *value = json_string_value (v);
  }
  return 0;
}

/* kernel.sem's four fields as the config's linux.sysctl has them: 1, or 0
   when it has none, or -1. */
static int
sysctl_sem (json_t *sysctl, uint64_t v[4], nsipc_error *err)
{
  const char *s;
  if (sysctl_value (sysctl, "kernel.sem", &s, err) < 0)
    return -1;
  if (s && sysctl_numbers (s, v, 4) != 4)
    return nsipc_error_set (err, 0, "the config's kernel.sem \"%.64s\" is not four numbers", s);
  return s != NULL;
}

/* A kernel.shm_rmid_forced the config turns on where the policy leaves
   it unset (a pod's sysctl): the runtime writes it after createRuntime,
   and the kernel then removes every segment whose creator is gone, the
   hook's among them. */
static int
rmid_forced_conflicts (json_t *sysctl, const struct nsipc_policy *p, nsipc_error *err)
{
  const char *s;
  uint64_t v;
  if (p->limits.set[LIMIT_SHM_RMID_FORCED]) /* compared as any limit */
    return 0;
  if (sysctl_value (sysctl, "kernel.shm_rmid_forced", &s, err) < 0)
    return -1;
  if (s == NULL || sysctl_numbers (s, &v, 1) != 1 || v == 0)
    return 0;
  for (size_t i = 0; i < p->n_objects; i++)
    if (p->objects[i].type == OBJECT_SHM)
      return nsipc_error_set (err, 0,
                              "the config sets kernel.shm_rmid_forced = %" PRIu64 ", which removes the policy's "
                              "segment objects[%zu] once the hook that makes it exits: drop the setting",
                              v, i);
  return 0;
}

int
oci_sysctl_conflicts (json_t *config, const struct nsipc_policy *p, nsipc_error *err)
{
  json_t *sysctl = json_object_get (json_object_get (config, "linux"), "sysctl");
  if (rmid_forced_conflicts (sysctl, p, err) < 0)
    return -1;
  uint64_t sem[4];
  int have_sem = sysctl_sem (sysctl, sem, err);
  if (have_sem < 0)
    return -1;
  for (int id = 0; id < LIMIT_COUNT; id++)
    {
      if (!p->limits.set[id])
        continue;
      char key[64];
      sysctl_key (nsipc_limits[id].sysctl, key, sizeof key);
      uint64_t theirs;
      const char *s = NULL;
      if (nsipc_limits[id].sem_index < 0 && sysctl_value (sysctl, key, &s, err) < 0)
        return -1;
      if (nsipc_limits[id].sem_index >= 0 ? !have_sem : s == NULL)
        continue;
      if (nsipc_limits[id].sem_index >= 0)
        theirs = sem[nsipc_limits[id].sem_index];
      else if (sysctl_numbers (s, &theirs, 1) != 1)
        return nsipc_error_set (err, 0, "the config's %s \"%.32s\" is not a number", key, s);
      if (theirs != p->limits.value[id])
        return nsipc_error_set (err, 0,
                                "the config sets %s%s%s = %" PRIu64 ", the policy %" PRIu64
                                ": the admin's policy is not overridden; drop the setting or change the policy",
                                key, nsipc_limits[id].sem_index >= 0 ? " " : "",
                                nsipc_limits[id].sem_index >= 0 ? nsipc_limits[id].field : "", theirs,
                                p->limits.value[id]);
    }
  return 0;
}

/* NAME = VALUE in SYSCTL, the one key for it: another spelling runc takes
   for it ("kernel/msgmax") goes, else runc would write both, in no order. */
static void
set_sysctl (json_t *sysctl, const char *name, const char *value)
{
  const char *k;
  json_t *v;
  void *tmp;
  json_object_foreach_safe (sysctl, tmp, k, v)
  {
    char key[128];
    sysctl_key (k, key, sizeof key);
    if (strcmp (key, name) == 0)
      json_object_del (sysctl, k);
  }
  json_object_set_new (sysctl, name, json_string (value));
}

static void
add_sysctls (json_t *linux_, const struct nsipc_policy *p)
{
  json_t *sysctl = json_object_get (linux_, "sysctl");
  if (!json_is_object (sysctl))
    json_object_set_new (linux_, "sysctl", sysctl = json_object ());
  bool sem = false;
  for (int id = 0; id < LIMIT_COUNT; id++)
    {
      if (!p->limits.set[id])
        continue;
      if (nsipc_limits[id].sem_index >= 0)
        {
          sem = true;
          continue;
        }
      char key[64], value[32];
      sysctl_key (nsipc_limits[id].sysctl, key, sizeof key);
      format (value, sizeof value, "%" PRIu64, p->limits.value[id]);
      set_sysctl (sysctl, key, value);
    }
  if (sem)
    {
      /* kernel.sem is written whole: the fields the policy leaves unset keep
         the config's values, else a fresh namespace's. */
      static const enum nsipc_limit_id order[] = { LIMIT_SEMMSL, LIMIT_SEMMNS, LIMIT_SEMOPM, LIMIT_SEMMNI };
      uint64_t theirs[4], v[4];
      nsipc_error ignored; /* oci_sysctl_conflicts read it first */
      bool have = sysctl_sem (sysctl, theirs, &ignored) == 1;
      for (int i = 0; i < 4; i++)
        v[i] = p->limits.set[order[i]] || !have ? limits_effective (&p->limits, order[i]) : theirs[i];
      char value[96];
      format (value, sizeof value, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64, v[0], v[1], v[2], v[3]);
      set_sysctl (sysctl, "kernel.sem", value);
    }
}

/* A tmpfs size= value in bytes ("65536k"); false for what is not one
   ("50%"). */
static bool
tmpfs_size_option (const char *value, uint64_t *bytes)
{
  char *end;
  errno = 0;
  unsigned long long n = strtoull (value, &end, 10);
  int shift = *end == '\0' ? 0 : strchr ("kK", *end) ? 10 : strchr ("mM", *end) ? 20 : strchr ("gG", *end) ? 30 : -1;
  if (end == value || errno || shift < 0 || (*end && end[1]) || n > (UINT64_MAX >> shift))
    return false;
  *bytes = (uint64_t)n << shift;
  return true;
}

/* The /dev/shm tmpfs gets size=; one is added when the config has none.
   A size the config asked for (not a runtime's default) is not replaced:
   refused.  A bind (podman's) is left to createRuntime, which resizes the
   tmpfs behind it. */
static int
set_dev_shm (json_t *config, uint64_t size, nsipc_error *err)
{
  char opt[48];
  format (opt, sizeof opt, "size=%" PRIu64, size);
  json_t *mounts = json_object_get (config, "mounts");
  if (!json_is_array (mounts))
    json_object_set_new (config, "mounts", mounts = json_array ());
  size_t i;
  json_t *m;
  json_array_foreach (mounts, i, m)
  {
    const char *dest = json_string_value (json_object_get (m, "destination"));
    const char *type = json_string_value (json_object_get (m, "type"));
    if (dest == NULL || strcmp (dest, "/dev/shm") != 0)
      continue;
    if (type == NULL || strcmp (type, "tmpfs") != 0)
      return 0;
    json_t *options = json_object_get (m, "options");
    if (!json_is_array (options))
      json_object_set_new (m, "options", options = json_array ());
    for (size_t k = json_array_size (options); k-- > 0;)
      {
        const char *o = json_string_value (json_array_get (options, k));
        uint64_t have;
        if (o == NULL || strncmp (o, "size=", 5) != 0)
          continue;
        if (!tmpfs_size_option (o + 5, &have) || (!shm_runtime_default (have) && have != size))
          return nsipc_error_set (err, 0,
                                  "the config's /dev/shm has %s, the policy's dev_shm %" PRIu64
                                  " bytes: the admin's policy is not overridden; drop the setting or change the policy",
                                  o, size);
        json_array_remove (options, k);
      }
    json_array_append_new (options, json_string (opt));
    return 0;
  }
  json_array_append_new (mounts,
                         json_pack ("{s:s, s:s, s:s, s:[s, s, s, s, s]}", "destination", "/dev/shm", "type", "tmpfs",
                                    "source", "shm", "options", "nosuid", "noexec", "nodev", "mode=1777", opt));
  return 0;
}

static void
add_hook (json_t *hooks, const char *stage, const struct nsipc_oci_amend *a)
{
  json_t *list = json_object_get (hooks, stage);
  if (!json_is_array (list))
    json_object_set_new (hooks, stage, list = json_array ());
  json_t *args = json_array ();
  for (char *const *arg = a->hook_args; *arg; arg++)
    json_array_append_new (args, json_string (*arg));
  json_array_append_new (args, json_string (stage));
  json_t *hook = json_pack ("{s:s, s:o}", "path", a->hook_path, "args", args);
  /* Amending twice changes nothing: the hook runs once. */
  size_t i;
  json_t *have;
  json_array_foreach (list, i, have)
  {
    if (json_equal (have, hook))
      {
        json_decref (hook);
        return;
      }
  }
  json_array_append_new (list, hook);
}

int
oci_config_amend (json_t *config, const struct nsipc_policy *p, const struct nsipc_oci_amend *a, nsipc_error *err)
{
  if (!json_is_object (config))
    return nsipc_error_set (err, 0, "config: not a JSON object");
  if (oci_config_spelled (config, err) < 0)
    return -1;
  json_t *linux_ = json_object_get (config, "linux");
  if (!json_is_object (linux_))
    json_object_set_new (config, "linux", linux_ = json_object ());

  if (a->ns_path)
    {
      json_t *ns = oci_ipc_entry (config);
      if (ns == NULL)
        {
          json_t *list = json_object_get (linux_, "namespaces");
          if (!json_is_array (list))
            json_object_set_new (linux_, "namespaces", list = json_array ());
          json_array_append_new (list, ns = json_pack ("{s:s}", "type", "ipc"));
        }
      json_object_set_new (ns, "path", json_string (a->ns_path));
    }
  /* A joined namespace keeps its own limits; the hook checks they agree. */
  if (limits_any (&p->limits) && !a->ns_path)
    {
      if (ipc_kind (config) != OCI_IPC_NEW)
        return nsipc_error_set (err, 0, "the policy's limits need a private IPC namespace: the config has %s",
                                ipc_kind (config) == OCI_IPC_HOST ? "none (it shares the host's)" : "a joined one");
      if (oci_sysctl_conflicts (config, p, err) < 0)
        return -1;
      add_sysctls (linux_, p);
    }
  else if (oci_sysctl_conflicts (config, p, err) < 0) /* a shm_rmid_forced the policy leaves unset */
    return -1;
  if (p->dev_shm_size && set_dev_shm (config, p->dev_shm_size, err) < 0)
    return -1;
  if (oci_sysctls_locked (config, p, err) < 0)
    return -1;
  if (p->seal && seal_oci (config, p, err) < 0)
    return -1;

  json_t *annotations = json_object_get (config, "annotations");
  if (!json_is_object (annotations))
    json_object_set_new (config, "annotations", annotations = json_object ());
  if (a->policy_name)
    json_object_set_new (annotations, OCI_POLICY_ANNOTATION, json_string (a->policy_name));

  if (a->hook_path)
    {
      json_t *hooks = json_object_get (config, "hooks");
      if (!json_is_object (hooks))
        json_object_set_new (config, "hooks", hooks = json_object ());
      add_hook (hooks, "createRuntime", a);
      add_hook (hooks, "poststop", a);
    }
  return 0;
}

int
oci_stage (const char *arg, const struct nsipc_oci_state *st, enum nsipc_oci_stage *stage, nsipc_error *err)
{
  if (arg)
    {
      if (strcmp (arg, "createRuntime") != 0 && strcmp (arg, "poststop") != 0)
        return nsipc_error_set (err, 0, "unknown stage \"%s\" (createRuntime, poststop or precreate)", arg);
      *stage = strcmp (arg, "poststop") == 0 ? OCI_STAGE_POSTSTOP : OCI_STAGE_CREATE_RUNTIME;
      return 0;
    }
  const char *status = st->status ? st->status : "";
  if (strcmp (status, "stopped") == 0)
    *stage = OCI_STAGE_POSTSTOP;
  else if ((strcmp (status, "creating") == 0 || strcmp (status, "created") == 0) && st->pid > 0)
    *stage = OCI_STAGE_CREATE_RUNTIME;
  else
    return nsipc_error_set (err, 0, "container %s: cannot tell the stage from status \"%s\"; give it as an argument",
                            st->id, status);
  return 0;
}
