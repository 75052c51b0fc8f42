/* The OCI side: the state runc and crun give a hook (fixtures/oci holds
   runc 1.1's, captured from a real container; crun's shape is its
   do_hooks ()), policy names in annotations, and amending the config
   `runc spec` writes (fixtures/oci/config.json). */
#include <stdlib.h>

#include "ledger.h"
#include "oci.h"
#include "shm.h"
#include "tap.h"
#include "util.h"

static const char *fixtures;

static char *
fixture (const char *name)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/oci/%s", fixtures, name);
  return tap_slurp (path);
}

static int
parse (const char *text, struct nsipc_oci_state *st, nsipc_error *err)
{
  return oci_state_parse (text, strlen (text), st, err);
}

/* Whether TEXT is refused, with nothing left allocated. */
static bool
refused (const char *text, nsipc_error *err)
{
  struct nsipc_oci_state st;
  bool r = parse (text, &st, err) < 0;
  if (!r)
    oci_state_free (&st);
  return r && st.id == NULL && st.policy == NULL;
}

static void
test_state (void)
{
  struct nsipc_oci_state st;
  nsipc_error err = { 0 };
  _cleanup_free_ char *runc = fixture ("runc-createRuntime.json");
  ok (runc && parse (runc, &st, &err) == 0, "runc's createRuntime state is accepted");
  is_str (st.id, "nsipc-unit-probe", "its id");
  is_str (st.status, "creating", "its status");
  ok (st.pid == 7820, "its pid");
  is_str (st.bundle, "/tmp/cap/bundle", "its bundle");
  is_str (st.policy, "web", "the policy annotation among others");
  oci_state_free (&st);

  _cleanup_free_ char *stopped = fixture ("runc-poststop.json");
  ok (stopped && parse (stopped, &st, &err) == 0 && st.pid == 0, "runc's poststop state has no pid: pid 0");
  is_str (st.status, "stopped", "status stopped");
  oci_state_free (&st);

  ok (parse ("{\"ociVersion\":\"1.0\",\"id\":\"db-1\",\"pid\":4242,\"root\":\"rootfs\",\"bundle\":\"/srv/b\","
             "\"status\":\"created\",\"annotations\":{\"io.nsipc.policy\":\"db\"}}",
             &st, &err)
              == 0
          && st.pid == 4242,
      "crun's createRuntime state (with \"root\") is accepted");
  is_str (st.policy, "db", "crun's annotation");
  oci_state_free (&st);
  ok (parse ("{\"ociVersion\":\"1.0\",\"id\":\"db-1\",\"pid\":0,\"root\":\"rootfs\",\"bundle\":\"/srv/b\","
             "\"status\":\"stopped\"}",
             &st, &err)
              == 0
          && st.pid == 0 && st.policy == NULL,
      "crun's poststop: pid 0 is \"none\", and no annotations means no policy");
  oci_state_free (&st);

  ok (parse ("{\"id\":\"x\"}", &st, &err) == 0 && st.status == NULL && st.bundle == NULL && st.pid == 0,
      "an id alone is enough");
  oci_state_free (&st);
  char id[200];
  memset (id, 'a', sizeof id);
  char text[256];
  snprintf (text, sizeof text, "{\"id\":\"%.*s\"}", LEDGER_ID_MAX, id);
  ok (parse (text, &st, &err) == 0, "an id of %d characters is accepted", LEDGER_ID_MAX);
  oci_state_free (&st);
  snprintf (text, sizeof text, "{\"id\":\"%.*s\"}", LEDGER_ID_MAX + 1, id);
  ok (refused (text, &err), "one of %d is refused", LEDGER_ID_MAX + 1);
  is_str (err.msg, "state on stdin: \"id\" has 129 characters; nsipc takes container ids of at most 128",
          "and says it is too long, not what an id is made of");

  ok (parse ("{\"id\":\"x\",\"annotations\":{\"io.nsipc.policy\":\"../../etc/x\"}}", &st, &err) == 0,
      "a policy annotation is taken as written...");
  ok (st.policy && oci_check_policy_name (st.policy, &err) < 0, "...and checked by oci_check_policy_name");
  oci_state_free (&st);
}

static void
test_bad_state (void)
{
  nsipc_error err = { 0 };
  ok (refused ("{\"status\":\"creating\",\"pid\":1}", &err), "no id: refused");
  is_str (err.msg, "state on stdin: \"id\" must be a container id of [A-Za-z0-9_.-]", "and says what an id is");
  ok (refused ("{\"id\":\"../x\"}", &err), "id \"../x\": refused (it becomes a file name)");
  ok (refused ("{\"id\":\"a/b\"}", &err), "id with a slash: refused");
  ok (refused ("{\"id\":\"\"}", &err), "an empty id: refused");
  ok (refused ("{\"id\":\".hidden\"}", &err), "an id starting with a dot: refused");
  ok (refused ("{\"id\":42}", &err), "a numeric id: refused");
  ok (refused ("{\"id\":\"x\",\"pid\":\"42\"}", &err), "pid as a string: refused");
  is_str (err.msg, "state on stdin: \"pid\" must be a process id", "and says so");
  ok (refused ("{\"id\":\"x\",\"pid\":-1}", &err), "a negative pid: refused");
  ok (refused ("{\"id\":\"x\",\"pid\":2147483648}", &err), "a pid beyond 32 bits: refused");
  ok (refused ("{\"id\":\"x\",\"pid\":1.5}", &err), "a fractional pid: refused");
  ok (refused ("{\"id\":\"x\",\"pid\":null}", &err), "a null pid: refused");
  ok (refused ("{\"id\":\"x\",\"status\":1}", &err), "status not a string: refused");
  ok (refused ("{\"id\":\"x\",\"bundle\":[]}", &err), "bundle not a string: refused");
  ok (refused ("{\"id\":\"x\",\"annotations\":[\"io.nsipc.policy\"]}", &err), "annotations not an object: refused");
  ok (refused ("{\"id\":\"x\",\"annotations\":{\"io.nsipc.policy\":{\"version\":1}}}", &err),
      "an inline policy in the annotation: refused");
  is_str (err.msg, "annotation io.nsipc.policy must be a string", "and says so");
  ok (refused ("[\"id\"]", &err), "a JSON array: refused");
  is_str (err.msg, "state on stdin: not a JSON object", "and says so");
  ok (refused ("{\"id\":", &err), "truncated JSON: refused");
  ok (strncmp (err.msg, "state on stdin: line 1, column ", 31) == 0, "with the line and column");
  ok (refused ("", &err), "nothing on stdin: refused");
}

static void
test_policy_name (void)
{
  nsipc_error err = { 0 };
  ok (oci_check_policy_name ("web", &err) == 0, "a plain name");
  ok (oci_check_policy_name ("my-policy_1.2", &err) == 0, "- _ . inside a name");
  char name[80];
  memset (name, 'p', sizeof name);
  name[64] = '\0';
  ok (oci_check_policy_name (name, &err) == 0, "64 characters");
  name[64] = 'p';
  name[65] = '\0';
  ok (oci_check_policy_name (name, &err) < 0, "65 are refused");
  static const struct
  {
    const char *value, *what;
  } bad[] = {
    { "", "an empty name" },
    { "../x", "a relative path" },
    { "/etc/nsipc/policies/web.json", "an absolute path" },
    { "./web", "./web" },
    { ".hidden", "a name starting with a dot" },
    { "-web", "a name starting with a dash" },
    { "{\"version\":1}", "an inline policy" },
    { "web json", "a space" },
    { "web\n", "a trailing newline" },
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ok (oci_check_policy_name (bad[i].value, &err) < 0, "%s is refused", bad[i].what);
  oci_check_policy_name ("../x", &err);
  is_str (err.msg,
          "annotation io.nsipc.policy: \"../x\" is not a policy name ([A-Za-z0-9][A-Za-z0-9_.-]); paths and inline "
          "policies are refused",
          "the message names the annotation and the rule");
}

static json_t *
spec (void)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/oci/config.json", fixtures);
  json_error_t jerr;
  return json_load_file (path, 0, &jerr);
}

static const char *
sysctl (json_t *config, const char *key)
{
  return json_string_value (json_object_get (json_object_get (json_object_get (config, "linux"), "sysctl"), key));
}

static json_t *
mount_at (json_t *config, const char *dest)
{
  size_t i;
  json_t *m;
  json_array_foreach (json_object_get (config, "mounts"), i, m)
  {
    const char *d = json_string_value (json_object_get (m, "destination"));
    if (d && strcmp (d, dest) == 0)
      return m;
  }
  return NULL;
}

/* The options of the /dev/shm mount, joined with ",". */
static void
shm_options (json_t *config, char *buf, size_t len)
{
  buf[0] = '\0';
  size_t i;
  json_t *o;
  json_array_foreach (json_object_get (mount_at (config, "/dev/shm"), "options"), i, o)
  {
    size_t used = strlen (buf);
    snprintf (buf + used, len - used, "%s%s", used ? "," : "", json_string_value (o));
  }
}

/* The args of hook INDEX of STAGE, joined with " ". */
static void
hook_args (json_t *config, const char *stage, size_t index, char *buf, size_t len)
{
  buf[0] = '\0';
  json_t *hook = json_array_get (json_object_get (json_object_get (config, "hooks"), stage), index);
  size_t i;
  json_t *a;
  json_array_foreach (json_object_get (hook, "args"), i, a)
  {
    size_t used = strlen (buf);
    snprintf (buf + used, len - used, "%s%s", used ? " " : "", json_string_value (a));
  }
}

static void
set_limit (struct nsipc_policy *p, enum nsipc_limit_id id, uint64_t value)
{
  p->limits.set[id] = true;
  p->limits.value[id] = value;
}

static void
test_amend (void)
{
  nsipc_error err = { 0 };
  struct nsipc_policy p = { 0 };
  set_limit (&p, LIMIT_MSGMNI, 32);
  set_limit (&p, LIMIT_SHMMAX, 64 << 20);
  set_limit (&p, LIMIT_SHM_RMID_FORCED, 1);
  set_limit (&p, LIMIT_MQ_QUEUES_MAX, 16);
  set_limit (&p, LIMIT_SEMOPM, 64);
  p.dev_shm_size = 64 << 20;
  char *const args[] = { "nsipc", "hook", "--state-dir", "/run/nsipc", NULL };
  struct nsipc_oci_amend a = { .policy_name = "web", .hook_path = "/usr/libexec/nsipc/nsipc", .hook_args = args };
  _cleanup_json_ json_t *c = spec ();
  ok (c != NULL, "runc spec's config.json loads");
  ok (oci_config_amend (c, &p, &a, &err) == 0, "a policy with limits amends a config with its own IPC namespace");
  is_str (sysctl (c, "kernel.msgmni"), "32", "limits become linux.sysctl: kernel.msgmni");
  is_str (sysctl (c, "kernel.shmmax"), "67108864", "sizes in bytes: kernel.shmmax");
  is_str (sysctl (c, "kernel.shm_rmid_forced"), "1", "booleans as 0/1: kernel.shm_rmid_forced");
  is_str (sysctl (c, "fs.mqueue.queues_max"), "16", "mqueue limits: fs.mqueue.queues_max");
  is_str (sysctl (c, "kernel.sem"), "32000 1024000000 64 32000",
          "kernel.sem is written whole: the unset fields a fresh namespace's");
  ok (sysctl (c, "kernel.msgmax") == NULL && sysctl (c, "kernel.semopm") == NULL,
      "unset limits are not written, nor sem fields one by one");
  ok (json_object_size (json_object_get (json_object_get (c, "linux"), "sysctl")) == 5, "five sysctls in all");
  char buf[512];
  shm_options (c, buf, sizeof buf);
  is_str (buf, "nosuid,noexec,nodev,mode=1777,size=67108864",
          "the /dev/shm mount gets the policy's size instead of runc's 65536k");
  is_str (json_string_value (json_object_get (json_object_get (c, "annotations"), "io.nsipc.policy")), "web",
          "the policy annotation");
  hook_args (c, "createRuntime", 0, buf, sizeof buf);
  is_str (buf, "nsipc hook --state-dir /run/nsipc createRuntime", "a createRuntime hook with the given argv + stage");
  hook_args (c, "poststop", 0, buf, sizeof buf);
  is_str (buf, "nsipc hook --state-dir /run/nsipc poststop", "a poststop hook the same way");
  is_str (json_string_value (
              json_object_get (json_array_get (json_object_get (json_object_get (c, "hooks"), "poststop"), 0), "path")),
          "/usr/libexec/nsipc/nsipc", "the hooks run the given path");
  ok (json_object_get (oci_ipc_entry (c), "path") == NULL, "the container keeps its own IPC namespace");
  ok (json_array_size (json_object_get (c, "mounts")) == 7, "no mount added or lost");

  ok (oci_config_amend (c, &p, &a, &err) == 0, "amending twice works");
  shm_options (c, buf, sizeof buf);
  is_str (buf, "nosuid,noexec,nodev,mode=1777,size=67108864", "still one size= on /dev/shm");
  ok (json_array_size (json_object_get (json_object_get (c, "hooks"), "createRuntime")) == 1,
      "and the hooks once: amending twice changes nothing");
}

static void
test_amend_join (void)
{
  nsipc_error err = { 0 };
  struct nsipc_policy p = { 0 };
  set_limit (&p, LIMIT_MSGMNI, 32);
  struct nsipc_oci_amend a = { .policy_name = "web", .ns_path = "/run/nsipc/ns/pod1" };
  _cleanup_json_ json_t *c = spec ();
  ok (oci_config_amend (c, &p, &a, &err) == 0, "joining a named namespace");
  is_str (json_string_value (json_object_get (oci_ipc_entry (c), "path")), "/run/nsipc/ns/pod1",
          "the ipc entry gets the namespace's path");
  ok (json_array_size (json_object_get (json_object_get (c, "linux"), "namespaces")) == 5, "and no second ipc entry");
  ok (sysctl (c, "kernel.msgmni") == NULL, "a joined namespace keeps its own limits: no sysctls");
  ok (json_object_get (c, "hooks") == NULL, "no hook path, no hooks");

  /* A config without an ipc entry would share the runtime's namespace. */
  json_decref (c);
  c = spec ();
  json_array_remove (json_object_get (json_object_get (c, "linux"), "namespaces"), 2);
  ok (oci_ipc_entry (c) == NULL, "(a config without an ipc namespace)");
  ok (oci_config_amend (c, &p, &a, &err) == 0 && oci_ipc_entry (c) != NULL, "joining adds the ipc entry");
  is_str (json_string_value (json_object_get (oci_ipc_entry (c), "path")), "/run/nsipc/ns/pod1", "with the path");
}

static void
test_amend_refused (void)
{
  nsipc_error err = { 0 };
  struct nsipc_policy p = { 0 };
  set_limit (&p, LIMIT_SHMMNI, 64);
  struct nsipc_oci_amend a = { .policy_name = "web" };
  _cleanup_json_ json_t *c = spec ();
  json_array_remove (json_object_get (json_object_get (c, "linux"), "namespaces"), 2);
  ok (oci_config_amend (c, &p, &a, &err) < 0, "limits with the host's IPC namespace are refused");
  is_str (err.msg, "the policy's limits need a private IPC namespace: the config has none (it shares the host's)",
          "and the message says why");
  ok (sysctl (c, "kernel.shmmni") == NULL, "no sysctl is written");

  json_decref (c);
  c = spec ();
  json_object_set_new (oci_ipc_entry (c), "path", json_string ("/proc/1/ns/ipc"));
  ok (oci_config_amend (c, &p, &a, &err) < 0, "limits with a namespace the config joins are refused");
  is_str (err.msg, "the policy's limits need a private IPC namespace: the config has a joined one", "and says so");

  json_decref (c);
  c = spec ();
  json_array_remove (json_object_get (json_object_get (c, "linux"), "namespaces"), 2);
  struct nsipc_policy objects_only = { .dev_shm_size = 1 << 20 };
  ok (oci_config_amend (c, &objects_only, &a, &err) == 0, "a policy without limits is fine in any namespace");
  ok (json_object_get (json_object_get (c, "linux"), "sysctl") == NULL, "and writes no sysctl");

  _cleanup_json_ json_t *array = json_array ();
  ok (oci_config_amend (array, &objects_only, &a, &err) < 0, "a config that is not an object is refused");
  is_str (err.msg, "config: not a JSON object", "and says so");
}

static void
test_amend_existing (void)
{
  nsipc_error err = { 0 };
  struct nsipc_policy p = { 0 };
  set_limit (&p, LIMIT_MSGMNI, 32);
  set_limit (&p, LIMIT_SEMMNI, 256);
  struct nsipc_oci_amend a = { .policy_name = "web" };
  _cleanup_json_ json_t *c = spec ();
  json_object_set_new (json_object_get (c, "linux"), "sysctl",
                       json_pack ("{s:s, s:s, s:s, s:s}", "kernel.msgmni", "8", "kernel.sem", "250 32000 32 128",
                                  "kernel.shmmni", "100", "net.ipv4.ip_forward", "1"));
  ok (oci_config_amend (c, &p, &a, &err) < 0, "a config setting a sysctl the policy sets otherwise is refused");
  is_str (err.msg,
          "the config sets kernel.msgmni = 8, the policy 32: the admin's policy is not overridden; drop the setting "
          "or change the policy",
          "naming both values");
  json_object_set_new (json_object_get (json_object_get (c, "linux"), "sysctl"), "kernel.msgmni", json_string ("32"));
  ok (oci_config_amend (c, &p, &a, &err) < 0, "a kernel.sem field that differs is refused too");
  is_str (err.msg,
          "the config sets kernel.sem semmni = 128, the policy 256: the admin's policy is not overridden; drop the "
          "setting or change the policy",
          "naming the field");
  /* As runc and the kernel read them: a key with slashes is the same
     sysctl, and numbers are in base 0 (04000 is 2048). */
  json_t *sc = json_object_get (json_object_get (c, "linux"), "sysctl");
  json_object_set_new (sc, "kernel.sem", json_string ("250 32000 32 256"));
  json_object_set_new (sc, "kernel/msgmni", json_string ("40"));
  ok (oci_config_amend (c, &p, &a, &err) < 0, "kernel/msgmni is kernel.msgmni");
  is_str (err.msg, "the config sets kernel.msgmni twice (as \"kernel.msgmni\" and \"kernel/msgmni\")",
          "given twice, under two spellings");
  json_object_del (sc, "kernel.msgmni");
  ok (oci_config_amend (c, &p, &a, &err) < 0, "kernel/msgmni alone, with another value, is refused");
  is_str (err.msg,
          "the config sets kernel.msgmni = 40, the policy 32: the admin's policy is not overridden; drop the setting "
          "or change the policy",
          "by its dotted name");
  json_object_set_new (sc, "kernel/msgmni", json_string ("040"));
  ok (oci_config_amend (c, &p, &a, &err) == 0, "040 is 32, as the kernel reads it");
  ok (json_object_get (sc, "kernel/msgmni") == NULL && json_object_get (sc, "kernel.msgmni") != NULL,
      "and the policy's value replaces it under one key");
  json_object_set_new (sc, "kernel.msgmni", json_string ("0x20"));
  json_object_set_new (sc, "kernel.sem", json_string ("0372 32000 0x20 0400"));
  ok (oci_config_amend (c, &p, &a, &err) == 0, "hex and octal fields of kernel.sem");
  json_object_set_new (sc, "kernel.msgmni", json_string ("32"));
  json_object_set_new (sc, "kernel.sem", json_string ("250 32000 32 0256"));
  ok (oci_config_amend (c, &p, &a, &err) < 0, "a leading 0 is octal: 0256 is not 256");
  is_str (err.msg,
          "the config sets kernel.sem semmni = 174, the policy 256: the admin's policy is not overridden; drop the "
          "setting or change the policy",
          "semmni read as the kernel reads it");
  json_object_set_new (sc, "kernel.sem", json_string ("250 32000 32 256"));
  json_object_set_new (c, "annotations", json_pack ("{s:s, s:s}", "io.nsipc.policy", "old", "org.example", "x"));
  ok (oci_config_amend (c, &p, &a, &err) == 0, "a config whose sysctls agree with the policy is amended");
  is_str (sysctl (c, "kernel.msgmni"), "32", "the policy's value");
  is_str (sysctl (c, "kernel.sem"), "250 32000 32 256",
          "kernel.sem fields the policy leaves unset keep the config's values, not a fresh namespace's");
  is_str (sysctl (c, "kernel.shmmni"), "100", "an IPC sysctl the policy leaves unset is kept");
  is_str (sysctl (c, "net.ipv4.ip_forward"), "1", "other sysctls are kept");
  is_str (json_string_value (json_object_get (json_object_get (c, "annotations"), "io.nsipc.policy")), "web",
          "the policy annotation is replaced");
  is_str (json_string_value (json_object_get (json_object_get (c, "annotations"), "org.example")), "x",
          "other annotations are kept");

  /* A config without mounts and hooks of its own. */
  json_decref (c);
  c = json_pack ("{s:{s:[{s:s}]}, s:{s:[{s:s}]}}", "linux", "namespaces", "type", "ipc", "hooks", "createRuntime",
                 "path", "/usr/bin/other");
  struct nsipc_policy shm = { .dev_shm_size = 1 << 20 };
  char *const args[] = { "nsipc", NULL };
  struct nsipc_oci_amend hooked = { .hook_path = "/usr/bin/nsipc", .hook_args = args };
  ok (oci_config_amend (c, &shm, &hooked, &err) == 0, "a bare config");
  char buf[256];
  shm_options (c, buf, sizeof buf);
  is_str (buf, "nosuid,noexec,nodev,mode=1777,size=1048576", "gets a /dev/shm tmpfs with the size");
  is_str (json_string_value (json_object_get (mount_at (c, "/dev/shm"), "type")), "tmpfs", "of type tmpfs");
  json_t *create = json_object_get (json_object_get (c, "hooks"), "createRuntime");
  ok (json_array_size (create) == 2
          && strcmp (json_string_value (json_object_get (json_array_get (create, 0), "path")), "/usr/bin/other") == 0,
      "an existing createRuntime hook stays first");
  hook_args (c, "createRuntime", 1, buf, sizeof buf);
  is_str (buf, "nsipc createRuntime", "ours comes after it");
  ok (json_object_size (json_object_get (c, "annotations")) == 0, "no policy name, no annotation");
}

static void
test_stage (void)
{
  nsipc_error err;
  enum nsipc_oci_stage stage;
  struct nsipc_oci_state runc = { .id = "c1", .status = "creating", .pid = 42 };
  struct nsipc_oci_state crun = { .id = "c1", .status = "created", .pid = 42 };
  struct nsipc_oci_state stopped = { .id = "c1", .status = "stopped" };
  struct nsipc_oci_state running = { .id = "c1", .status = "running", .pid = 42 };
  struct nsipc_oci_state nopid = { .id = "c1", .status = "creating" };
  ok (oci_stage (NULL, &runc, &stage, &err) == 0 && stage == OCI_STAGE_CREATE_RUNTIME,
      "runc's \"creating\" with a pid is createRuntime");
  ok (oci_stage (NULL, &crun, &stage, &err) == 0 && stage == OCI_STAGE_CREATE_RUNTIME,
      "crun's \"created\" with a pid is createRuntime");
  ok (oci_stage (NULL, &stopped, &stage, &err) == 0 && stage == OCI_STAGE_POSTSTOP, "\"stopped\" is poststop");
  ok (oci_stage (NULL, &running, &stage, &err) < 0, "\"running\" tells no stage");
  is_str (err.msg, "container c1: cannot tell the stage from status \"running\"; give it as an argument",
          "and says what to do");
  ok (oci_stage (NULL, &nopid, &stage, &err) < 0, "\"creating\" without a pid tells no stage");
  ok (oci_stage ("poststop", &runc, &stage, &err) == 0 && stage == OCI_STAGE_POSTSTOP, "the argument wins");
  ok (oci_stage ("prestart", &runc, &stage, &err) < 0, "an unknown stage is refused");
}

/* The config's /dev/shm with OPTION, amended with a dev_shm of 8MiB:
   its options after, or NULL when refused. */
static char *
dev_shm_with (const char *option, char *buf, size_t len)
{
  nsipc_error err;
  struct nsipc_policy p = { .dev_shm_size = 8 << 20 };
  struct nsipc_oci_amend a = { .policy_name = "web" };
  _cleanup_json_ json_t *c = spec ();
  json_t *m;
  size_t i;
  json_array_foreach (json_object_get (c, "mounts"), i, m)
  {
    if (strcmp (json_string_value (json_object_get (m, "destination")), "/dev/shm") == 0)
      json_object_set_new (m, "options", json_pack ("[s, s]", "nosuid", option));
  }
  if (oci_config_amend (c, &p, &a, &err) < 0)
    return NULL;
  shm_options (c, buf, len);
  return buf;
}

static void
test_dev_shm (void)
{
  char buf[256];
  is_str (dev_shm_with ("size=65536k", buf, sizeof buf), "nosuid,size=8388608", "runc's default size is replaced");
  is_str (dev_shm_with ("size=64000k", buf, sizeof buf), "nosuid,size=8388608", "podman's default too");
  is_str (dev_shm_with ("size=8m", buf, sizeof buf), "nosuid,size=8388608", "the policy's own size stays (in bytes)");
  ok (dev_shm_with ("size=100m", buf, sizeof buf) == NULL, "a size the config asks for is refused");
  ok (dev_shm_with ("size=50%", buf, sizeof buf) == NULL, "a share of RAM too");
  ok (shm_runtime_default (67108864) && shm_runtime_default (65536000) && !shm_runtime_default (8 << 20),
      "the runtimes' defaults: 64MiB and 64000KiB");
}

/* A shm_rmid_forced the config turns on, which the policy leaves unset,
   removes the segments the hook makes: refused, in any namespace. */
static void
test_rmid_forced (void)
{
  nsipc_error err = { 0 };
  struct nsipc_object seg = { .type = OBJECT_SHM, .key = 0x1002, .size = 4096 };
  struct nsipc_object msg = { .type = OBJECT_MSG, .key = 0x1003 };
  struct nsipc_policy p = { .objects = &msg, .n_objects = 1 };
  struct nsipc_oci_amend a = { .policy_name = "seg" };
  _cleanup_json_ json_t *c = spec ();
  json_object_set_new (json_object_get (c, "linux"), "sysctl", json_pack ("{s:s}", "kernel/shm_rmid_forced", "1"));
  ok (oci_config_amend (c, &p, &a, &err) == 0, "shm_rmid_forced in the config, no segment in the policy: amended");
  p.objects = &seg;
  ok (oci_config_amend (c, &p, &a, &err) < 0, "with a segment in the policy: refused, under any spelling");
  is_str (err.msg,
          "the config sets kernel.shm_rmid_forced = 1, which removes the policy's segment objects[0] once the hook "
          "that makes it exits: drop the setting",
          "and the message says why");
  ok (oci_sysctl_conflicts (c, &p, &err) < 0, "createRuntime's check refuses it too");
  json_object_set_new (json_object_get (json_object_get (c, "linux"), "sysctl"), "kernel/shm_rmid_forced",
                       json_string ("0"));
  ok (oci_config_amend (c, &p, &a, &err) == 0, "set to 0: amended");
}

/* Who may write the namespace's IPC sysctls: its root, capability or
   none, unless /proc/sys is read-only (or masked) and stays so. */
static void
test_sysctls_locked (void)
{
  nsipc_error err = { 0 };
  struct nsipc_policy sealed = { .seal = true }, limited = { 0 }, plain = { 0 };
  set_limit (&limited, LIMIT_MSGMNI, 32);
  _cleanup_json_ json_t *c = spec ();
  json_t *linux_ = json_object_get (c, "linux");
  ok (oci_sysctls_locked (c, &sealed, &err) == 0 && oci_sysctls_locked (c, &limited, &err) == 0,
      "runc spec's config keeps /proc/sys read-only: sealed and limited policies pass");
  json_t *ro = json_object_get (linux_, "readonlyPaths");
  for (size_t i = json_array_size (ro); i-- > 0;)
    if (strcmp (json_string_value (json_array_get (ro, i)), "/proc/sys") == 0)
      json_array_remove (ro, i);
  ok (oci_sysctls_locked (c, &sealed, &err) < 0, "without /proc/sys in readonlyPaths a sealed policy is refused");
  is_str (err.msg,
          "the config leaves /proc/sys writable (linux.readonlyPaths has no /proc/sys): the workload could remove the "
          "sealed policy's segments (kernel.shm_rmid_forced = 1) and lift its limits; keep it read-only (podman: no "
          "--privileged, no unmask of /proc/sys)",
          "...saying why");
  ok (oci_sysctls_locked (c, &limited, &err) < 0, "...and so is one with limits");
  ok (oci_sysctls_locked (c, &plain, &err) == 0, "a policy with neither passes");
  json_array_append_new (json_object_get (linux_, "maskedPaths"), json_string ("/proc/sys"));
  ok (oci_sysctls_locked (c, &sealed, &err) == 0, "/proc/sys masked is as good as read-only");
  json_array_append_new (json_object_get (json_object_get (json_object_get (c, "process"), "capabilities"), "ambient"),
                         json_string ("CAP_SYS_ADMIN"));
  ok (oci_sysctls_locked (c, &sealed, &err) < 0, "CAP_SYS_ADMIN in any set is refused: it remounts /proc/sys");
  is_str (err.msg,
          "the config keeps CAP_SYS_ADMIN (process.capabilities.ambient), with which the workload can remount "
          "/proc/sys writable and remove the sealed policy's segments (kernel.shm_rmid_forced = 1) and lift its "
          "limits; drop it (podman: no --privileged, no --cap-add SYS_ADMIN)",
          "...naming the set");
  json_t *namespaces = json_object_get (linux_, "namespaces");
  for (size_t i = json_array_size (namespaces); i-- > 0;)
    if (strcmp (json_string_value (json_object_get (json_array_get (namespaces, i), "type")), "ipc") == 0)
      json_array_remove (namespaces, i);
  ok (oci_sysctls_locked (c, &sealed, &err) == 0, "in the host's IPC namespace it is not the policy's to guard");
}

int
main (int argc, char **argv)
{
  fixtures = argc > 1 ? argv[1] : "tests/fixtures";
  test_state ();
  test_bad_state ();
  test_policy_name ();
  test_amend ();
  test_amend_join ();
  test_amend_refused ();
  test_amend_existing ();
  test_stage ();
  test_dev_shm ();
  test_rmid_forced ();
  test_sysctls_locked ();
  return tap_done ();
}
