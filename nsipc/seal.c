/* The seal's rules are data (seal_rules); seal_filter and seal_oci only
   write them down, so that the filter nsipc loads and the one runc loads
   cannot drift apart. */
#include "seal.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "digest.h"
#include "dl.h"
#include "format.h"
#include "state.h"
#include "util.h"

/* The System V calls the seal judges, by type; the rest are allowed. */
static const struct
{
  const char *get, *ctl;
  unsigned cmd_arg;
  enum nsipc_object_type type;
} sysv[] = {
  { "msgget", "msgctl", 1, OBJECT_MSG },
  { "semget", "semctl", 2, OBJECT_SEM },
  { "shmget", "shmctl", 1, OBJECT_SHM },
};
#define N_SYSV (sizeof sysv / sizeof sysv[0])

/* What the workload may still ask of its objects (commands as the kernel
   numbers them; IPC_64 is masked off).  Not IPC_RMID, IPC_SET, SHM_LOCK,
   SHM_UNLOCK. */
static const int allowed_cmds[N_SYSV][13] = {
  { IPC_STAT, IPC_INFO, MSG_STAT, MSG_INFO, MSG_STAT_ANY, -1 },
  { IPC_STAT, IPC_INFO, GETPID, GETVAL, GETALL, GETNCNT, GETZCNT, SETVAL, SETALL, SEM_STAT, SEM_INFO, SEM_STAT_ANY,
    -1 },
  { IPC_STAT, IPC_INFO, SHM_STAT, SHM_INFO, SHM_STAT_ANY, -1 },
};

/* One rule: syscall NAME is allowed when (argument ARG & MASK) == VALUE;
   or, a REFUSAL, fails then with EPERM.  The refusals come in pairs that
   catch every value ((ARG & 1) == 0 or 1) and only what the allows leave:
   libseccomp tests the wider mask first, and a rule without a condition
   would override the allows, or a trivial one be optimized into that.
   They make the errno EPERM under profiles whose default is another
   (podman's: ENOSYS). */
struct seal_rule
{
  const char *name;
  unsigned arg;
  uint64_t mask, value;
  bool refusal;
};

/* Whether the seal decides syscall NAME: the get and ctl calls, and the
   old multiplexer, which would bypass their rules and is never allowed. */
static bool
judged (const char *name)
{
  if (strcmp (name, "ipc") == 0)
    return true;
  for (size_t i = 0; i < N_SYSV; i++)
    if (strcmp (name, sysv[i].get) == 0 || strcmp (name, sysv[i].ctl) == 0)
      return true;
  return false;
}

/* P's rules (malloc'd), in the order of sysv[]: a type's keys and the
   refusal of the other keys, then its commands and the refusal of the
   others. */
static size_t
seal_rules (const struct nsipc_policy *p, struct seal_rule **rules)
{
  size_t n = 0, cap = p->n_objects + N_SYSV * 17;
  *rules = xcalloc (cap, sizeof **rules);
  for (size_t t = 0; t < N_SYSV; t++)
    {
      for (size_t i = 0; i < p->n_objects; i++)
        if (p->objects[i].type == sysv[t].type) /* key_t is an int: its low 32 bits */
          (*rules)[n++] = (struct seal_rule){ sysv[t].get, 0, 0xffffffffu, (uint32_t)p->objects[i].key, false };
      for (unsigned bit = 0; bit < 2; bit++)
        (*rules)[n++] = (struct seal_rule){ sysv[t].get, 0, 1, bit, true };
      for (size_t k = 0; allowed_cmds[t][k] >= 0; k++)
        (*rules)[n++] = (struct seal_rule){ sysv[t].ctl, sysv[t].cmd_arg, 0xff, (uint64_t)allowed_cmds[t][k], false };
      for (unsigned bit = 0; bit < 2; bit++)
        (*rules)[n++] = (struct seal_rule){ sysv[t].ctl, sysv[t].cmd_arg, 1, bit, true };
    }
  return n;
}

/* Every syscall the native architecture knows, by number, that the seal
   does not judge: those the kernel adds later stay refused, as an
   allowlist should.  Calls FN with each name until it fails. */
static int
each_unjudged (const struct dl_seccomp *sc, int (*fn) (const char *name, int nr, void *data), void *data)
{
  int r = 0;
  for (int nr = 0; nr < 1024 && r == 0; nr++)
    {
      char *name = sc->seccomp_syscall_resolve_num_arch (SCMP_ARCH_NATIVE, nr);
      if (name && !judged (name))
        r = fn (name, nr, data);
      free (name);
    }
  return r;
}

struct adding
{
  const struct dl_seccomp *sc;
  scmp_filter_ctx ctx;
};

static int
allow_nr (const char *name, int nr, void *data)
{
  struct adding *a = data;
  (void)name;
  return a->sc->seccomp_rule_add (a->ctx, SCMP_ACT_ALLOW, nr, 0);
}

void *
seal_filter (const struct nsipc_policy *p, nsipc_error *err)
{
  const struct dl_seccomp *sc = dl_seccomp (err);
  if (sc == NULL)
    return NULL;
  scmp_filter_ctx ctx = sc->seccomp_init (SCMP_ACT_ERRNO (EPERM));
  if (ctx == NULL)
    return nsipc_error_set (err, ENOMEM, "seal: seccomp_init"), NULL;
  /* A binary tree of syscall numbers, not a list of some 450: every call
     the workload makes walks it. */
  int r = sc->seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  if (r == 0)
    r = each_unjudged (sc, allow_nr, &(struct adding){ sc, ctx });
  struct seal_rule *rules;
  size_t n = seal_rules (p, &rules);
  /* The refusals are this filter's default already (libseccomp refuses a
     rule with the default's action). */
  for (size_t i = 0; r == 0 && i < n; i++)
    if (!rules[i].refusal)
      r = sc->seccomp_rule_add (ctx, SCMP_ACT_ALLOW, sc->seccomp_syscall_resolve_name (rules[i].name), 1,
                                SCMP_CMP (rules[i].arg, SCMP_CMP_MASKED_EQ, rules[i].mask, rules[i].value));
  free (rules);
  if (r < 0)
    {
      sc->seccomp_release (ctx);
      return nsipc_error_set (err, -r, "seal: build the seccomp filter"), NULL;
    }
  return ctx;
}

/* ---- the compiled filter, cached ---------------------------------------

   libseccomp takes some 3 ms to build and compile an allowlist of every
   syscall; the program it compiles depends only on the rules, libseccomp's
   version and the architecture.  So it is kept, by those, in
   STATE_DIR/seal/DIGEST.bpf (root's, like all the state): a header line,
   the program's own digest, then the program.  A file whose digest does
   not match is rebuilt, never loaded. */

static const char cache_magic[] = "nsipc seal bpf 1\n";

/* The file name: the digest of all that the program depends on. */
static void
cache_name (const struct dl_seccomp *sc, const struct nsipc_policy *p, char name[DIGEST_TEXT_LEN + 4])
{
  const struct scmp_version *v = sc->seccomp_version ();
  _cleanup_free_ char *what = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&what, &len);
  if (f == NULL)
    abort (); /* only out of memory */
  fprintf (f, "nsipc %s libseccomp %u.%u.%u arch %u\n", NSIPC_VERSION, v->major, v->minor, v->micro,
           sc->seccomp_arch_native ());
  struct seal_rule *rules;
  size_t n = seal_rules (p, &rules);
  for (size_t i = 0; i < n; i++)
    fprintf (f, "%s %u %" PRIx64 " %" PRIx64 " %d\n", rules[i].name, rules[i].arg, rules[i].mask, rules[i].value,
             rules[i].refusal);
  free (rules);
  fclose (f);
  char digest[DIGEST_TEXT_LEN];
  digest_sha256_text (what, len, digest);
  format (name, DIGEST_TEXT_LEN + 4, "%s.bpf", digest + 7);
}

/* The program in a cache file's TEXT, or NULL when it is not whole. */
static const void *
cache_program (const char *text, size_t len, size_t *prog_len)
{
  size_t head = sizeof cache_magic - 1, sum = DIGEST_TEXT_LEN; /* the digest and its newline */
  if (len <= head + sum || memcmp (text, cache_magic, head) != 0 || text[head + sum - 1] != '\n'
      || (len - head - sum) % sizeof (struct sock_filter) != 0)
    return NULL;
  char digest[DIGEST_TEXT_LEN];
  digest_sha256_text (text + head + sum, len - head - sum, digest);
  if (memcmp (digest, text + head, DIGEST_TEXT_LEN - 1) != 0)
    return NULL;
  *prog_len = len - head - sum;
  return text + head + sum;
}

/* The compiled program of P (malloc'd, with the cache header). */
static char *
compile (const struct dl_seccomp *sc, const struct nsipc_policy *p, size_t *len, nsipc_error *err)
{
  scmp_filter_ctx ctx = seal_filter (p, err);
  if (ctx == NULL)
    return NULL;
  _cleanup_close_ int fd = memfd_create ("seal", MFD_CLOEXEC);
  int r = fd < 0 ? -errno : sc->seccomp_export_bpf (ctx, fd);
  sc->seccomp_release (ctx);
  size_t prog_len;
  _cleanup_free_ char *prog = r == 0 && lseek (fd, 0, SEEK_SET) == 0 ? read_fd_all (fd, 1 << 20, &prog_len) : NULL;
  if (prog == NULL)
    return nsipc_error_set (err, r < 0 ? -r : errno, "seal: compile the seccomp filter"), NULL;
  char digest[DIGEST_TEXT_LEN];
  digest_sha256_text (prog, prog_len, digest);
  size_t head = sizeof cache_magic - 1;
  char *text = xmalloc (head + DIGEST_TEXT_LEN + prog_len);
  memcpy (text, cache_magic, head);
  memcpy (text + head, digest, DIGEST_TEXT_LEN - 1);
  text[head + DIGEST_TEXT_LEN - 1] = '\n';
  memcpy (text + head + DIGEST_TEXT_LEN, prog, prog_len);
  *len = head + DIGEST_TEXT_LEN + prog_len;
  return text;
}

/* The cached file NAME, or NULL. */
static char *
cache_read (const char *state_dir, const char *name, size_t *len)
{
  nsipc_error ignored;
  _cleanup_close_ int dir = state_dir ? state_open_dir (state_dir, "seal", false, &ignored) : -1;
  _cleanup_close_ int fd = dir < 0 ? -1 : open_regular (dir, name, false, &ignored);
  return fd < 0 ? NULL : read_fd_all (fd, 1 << 20, len);
}

/* Best effort: without a cache, the next run compiles again. */
static void
cache_write (const char *state_dir, const char *name, const char *text, size_t len)
{
  nsipc_error ignored;
  _cleanup_close_ int dir = state_dir ? state_open_dir (state_dir, "seal", true, &ignored) : -1;
  if (dir >= 0 && state_lock (dir, &ignored) == 0)
    state_write_file (dir, name, text, len, &ignored);
}

int
seal_prepare (const char *state_dir, const struct nsipc_policy *p, struct nsipc_seal_program *out, nsipc_error *err)
{
  *out = (struct nsipc_seal_program){ NULL, NULL, 0 };
  const struct dl_seccomp *sc = dl_seccomp (err);
  if (sc == NULL)
    return -1;
  char name[DIGEST_TEXT_LEN + 4];
  cache_name (sc, p, name);
  size_t len = 0;
  out->text = cache_read (state_dir, name, &len);
  out->program = out->text ? cache_program (out->text, len, &out->len) : NULL;
  if (out->program)
    return 0;
  free (out->text);
  if ((out->text = compile (sc, p, &len, err)) == NULL)
    return -1;
  out->program = cache_program (out->text, len, &out->len);
  cache_write (state_dir, name, out->text, len);
  return 0;
}

int
seal_install (struct nsipc_seal_program *prog, nsipc_error *err)
{
  /* no_new_privs is set already (sandbox_enter). */
  struct sock_fprog fprog = { .len = (unsigned short)(prog->len / sizeof (struct sock_filter)),
                              .filter = (struct sock_filter *)prog->program };
  int r = prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0);
  free (prog->text);
  *prog = (struct nsipc_seal_program){ NULL, NULL, 0 };
  return r < 0 ? nsipc_error_set (err, errno, "seal: load the seccomp filter") : 0;
}

/* ---- linux.seccomp (runtime-spec config-linux.md#seccomp) ---- */

static int
append_name (const char *name, int nr, void *names)
{
  (void)nr;
  return json_array_append_new (names, json_string (name));
}

/* A profile of our own: everything unjudged, on the native architecture. */
static json_t *
whole_allowlist (const struct dl_seccomp *sc)
{
  json_t *names = json_array ();
  each_unjudged (sc, append_name, names);
  /* No "architectures": the runtime's native one only, as nsipc's own
     filter; a call through another ABI fails. */
  return json_pack ("{s:s, s:i, s:[{s:o, s:s}]}", "defaultAction", "SCMP_ACT_ERRNO", "defaultErrnoRet", EPERM,
                    "syscalls", "names", names, "action", "SCMP_ACT_ALLOW");
}

static bool
allows (const char *action)
{
  return action && (strcmp (action, "SCMP_ACT_ALLOW") == 0 || strcmp (action, "SCMP_ACT_LOG") == 0);
}

/* Whether ACTION decides against the call itself.  Any other (TRACE,
   NOTIFY, one a later runtime adds) may let it through: a tracer or a
   user-space notifier decides then. */
static bool
refuses (const char *action)
{
  static const char *const refusals[]
      = { "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP" };
  for (size_t i = 0; action && i < sizeof refusals / sizeof *refusals; i++)
    if (strcmp (action, refusals[i]) == 0)
      return true;
  return false;
}

static json_t *
oci_rule (const struct seal_rule *r)
{
  json_t *rule = json_pack ("{s:[s], s:s, s:[{s:i, s:I, s:I, s:s}]}", "names", r->name, "action",
                            r->refusal ? "SCMP_ACT_ERRNO" : "SCMP_ACT_ALLOW", "args", "index", (int)r->arg, "value",
                            (json_int_t)r->mask, "valueTwo", (json_int_t)r->value, "op", "SCMP_CMP_MASKED_EQ");
  if (r->refusal)
    json_object_set_new (rule, "errnoRet", json_integer (EPERM));
  return rule;
}

/* RULE as runtime-spec means it, whoever wrote it: podman's Go structs
   drop a zero "valueTwo" and write absent lists as null. */
static void
normalize_rule (json_t *rule)
{
  const char *key;
  json_t *v;
  void *tmp;
  json_object_foreach_safe (rule, tmp, key, v)
  {
    if (json_is_null (v) || (json_is_array (v) && json_array_size (v) == 0 && strcmp (key, "names") != 0))
      json_object_del (rule, key);
  }
  size_t i;
  json_array_foreach (json_object_get (rule, "args"), i, v)
  {
    if (json_object_get (v, "value") == NULL)
      json_object_set_new (v, "value", json_integer (0));
    if (json_object_get (v, "valueTwo") == NULL)
      json_object_set_new (v, "valueTwo", json_integer (0));
  }
}

/* Whether RULE is one the seal writes (a config sealed before, by
   oci-config and again by precreate): it is replaced, not refused. */
static bool
ours (json_t *rule)
{
  json_t *names = json_object_get (rule, "names"), *args = json_object_get (rule, "args");
  const char *name = json_string_value (json_array_get (names, 0));
  if (json_array_size (names) != 1 || json_array_size (args) != 1 || name == NULL)
    return false;
  uint64_t value = json_integer_value (json_object_get (json_array_get (args, 0), "valueTwo"));
  for (size_t t = 0; t < N_SYSV; t++)
    if (strcmp (name, sysv[t].get) == 0 || strcmp (name, sysv[t].ctl) == 0)
      {
        bool get = strcmp (name, sysv[t].get) == 0;
        struct seal_rule allow = { name, get ? 0 : sysv[t].cmd_arg, get ? 0xffffffffu : 0xff, value, false };
        struct seal_rule refusal = { name, allow.arg, 1, value, true };
        _cleanup_json_ json_t *a = oci_rule (&allow), *r = oci_rule (&refusal), *have = json_deep_copy (rule);
        normalize_rule (have);
        return json_equal (have, a) || json_equal (have, r);
      }
  return false;
}

static void
mark_allowed (const char *name, unsigned *allowed)
{
  for (size_t t = 0; t < N_SYSV; t++)
    *allowed |= (strcmp (name, sysv[t].get) == 0) << (2 * t) | (strcmp (name, sysv[t].ctl) == 0) << (2 * t + 1);
}

/* Takes the judged calls out of PROFILE's rules.  *ALLOWED gets a bit per
   sysv[] call (get 2t, ctl 2t+1) that the profile allowed unconditionally:
   only those get the seal's rules back; one it refused stays refused. */
static int
strip_judged (json_t *profile, unsigned *allowed, nsipc_error *err)
{
  json_t *list = json_object_get (profile, "syscalls");
  *allowed = 0;
  for (size_t i = json_array_size (list); i-- > 0;)
    {
      json_t *rule = json_array_get (list, i), *names = json_object_get (rule, "names");
      if (ours (rule))
        {
          mark_allowed (json_string_value (json_array_get (names, 0)), allowed);
          json_array_remove (list, i);
          continue;
        }
      const char *action = json_string_value (json_object_get (rule, "action"));
      if (refuses (action))
        continue;
      bool conditional = json_array_size (json_object_get (rule, "args")) > 0;
      for (size_t k = json_array_size (names); k-- > 0;)
        {
          const char *name = json_string_value (json_array_get (names, k));
          if (name == NULL || !judged (name))
            continue;
          if (!allows (action))
            return nsipc_error_set (err, 0,
                                    "seal: linux.seccomp hands %s to %s, which may let it through; the seal cannot be "
                                    "combined with it",
                                    name, action ? action : "no action");
          if (conditional && strcmp (name, "ipc") != 0)
            return nsipc_error_set (err, 0,
                                    "seal: linux.seccomp allows %s under conditions of its own, which the seal "
                                    "cannot be combined with",
                                    name);
          mark_allowed (name, allowed);
          json_array_remove (names, k);
        }
      if (json_array_size (names) == 0)
        json_array_remove (list, i);
    }
  return 0;
}

static bool
rule_allowed (const struct seal_rule *r, unsigned allowed)
{
  for (size_t t = 0; t < N_SYSV; t++)
    if ((strcmp (r->name, sysv[t].get) == 0 && (allowed >> (2 * t) & 1))
        || (strcmp (r->name, sysv[t].ctl) == 0 && (allowed >> (2 * t + 1) & 1)))
      return true;
  return false;
}

int
seal_oci (json_t *config, const struct nsipc_policy *p, nsipc_error *err)
{
  json_t *linux_ = json_object_get (config, "linux");
  if (!json_is_object (linux_))
    json_object_set_new (config, "linux", linux_ = json_object ());
  json_t *profile = json_object_get (linux_, "seccomp");
  unsigned allowed = (1u << (2 * N_SYSV)) - 1;
  const struct dl_seccomp *sc = NULL;
  if ((profile == NULL || json_is_null (profile)) && (sc = dl_seccomp (err)) == NULL)
    return -1;
  if (profile == NULL || json_is_null (profile))
    json_object_set_new (linux_, "seccomp", profile = whole_allowlist (sc));
  else
    {
      const char *def = json_string_value (json_object_get (profile, "defaultAction"));
      if (!json_is_object (profile) || def == NULL)
        return nsipc_error_set (err, 0, "seal: linux.seccomp has no defaultAction");
      if (allows (def))
        return nsipc_error_set (err, 0,
                                "seal: linux.seccomp allows every syscall by default (%s); the seal needs an "
                                "allowlist profile (defaultAction SCMP_ACT_ERRNO), or none",
                                def);
      if (!refuses (def))
        return nsipc_error_set (err, 0,
                                "seal: linux.seccomp's defaultAction %s lets a tracer or notifier allow calls; the "
                                "seal needs an allowlist profile (defaultAction SCMP_ACT_ERRNO), or none",
                                def);
      if (!json_is_array (json_object_get (profile, "syscalls")))
        json_object_set_new (profile, "syscalls", json_array ());
      if (strip_judged (profile, &allowed, err) < 0)
        return -1;
      /* The native architecture only: on x86 a rule for msgget also
         allows ipc(MSGGET, ...) without its key (libseccomp's multiplexer
         translation), and the refusals vanish.  32-bit programs cannot
         run in a sealed container. */
      json_object_del (profile, "architectures");
    }
  json_t *list = json_object_get (profile, "syscalls");
  struct seal_rule *rules;
  size_t n = seal_rules (p, &rules);
  for (size_t i = 0; i < n; i++)
    if (rule_allowed (&rules[i], allowed))
      json_array_append_new (list, oci_rule (&rules[i]));
  free (rules);
  return 0;
}

/* PROFILE's rules, normalized, for comparing. */
static json_t *
normalized_rules (json_t *config)
{
  json_t *rules
      = json_deep_copy (json_object_get (json_object_get (json_object_get (config, "linux"), "seccomp"), "syscalls"));
  size_t i;
  json_t *rule;
  json_array_foreach (rules, i, rule)
  {
    normalize_rule (rule);
  }
  return rules;
}

int
seal_check_oci (json_t *config, const struct nsipc_policy *p, nsipc_error *err)
{
  /* The rules alone are not the seal: runc loads them for every
     architecture listed too, and on x86 libseccomp turns the get calls'
     key rules into an unconditional allow of ipc (MSGGET ...), through
     which a 32-bit call creates any key.  The seal lists none. */
  json_t *profile = json_object_get (json_object_get (config, "linux"), "seccomp");
  if (json_array_size (json_object_get (profile, "architectures")) > 0)
    return nsipc_error_set (err, 0,
                            "the policy is sealed, but the config's linux.seccomp.architectures adds ABIs the seal "
                            "does not cover (x86's 32-bit ipc(2)): create the container with nsipc oci-config, or "
                            "podman with the precreate hook");
  /* Without a profile there is nothing to compare; and amending none
     would need libseccomp, which nsipc-hook does not load. */
  _cleanup_json_ json_t *sealed = json_is_object (profile) ? json_deep_copy (config) : NULL;
  if (sealed && seal_oci (sealed, p, err) < 0)
    return -1;
  _cleanup_json_ json_t *want = sealed ? normalized_rules (sealed) : NULL, *have = normalized_rules (config);
  if (want == NULL || have == NULL || !json_equal (want, have))
    return nsipc_error_set (err, 0,
                            "the policy is sealed, but the config's linux.seccomp does not carry its seal: create the "
                            "container with nsipc oci-config, or podman with the precreate hook");
  return 0;
}
