/* Policy parsing and validation.  Each reader reports its own problems with
   the JSON path and goes on, so one pass finds every problem in a file. */
#include "policy.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "digest.h"
#include "format.h"
#include "state.h"
#include "units.h"
#include "util.h"

#define PATH_LEN 128
#define SEMVMX 32767          /* the kernel's largest semaphore value */
#define OWNER_MAX 4294967294u /* (uid_t) -1 means "no change" to the kernel */
#define MQ_NAME_MAX 255       /* NAME_MAX: after the leading slash, as mq_open counts */
/* A tmpfs of 2^64 - 1 bytes rounds up to 0 pages in the kernel, which is
   no limit at all: 1 EiB is more than any machine has, and far from it. */
#define DEV_SHM_MAX (UINT64_C (1) << 60)

static const char *const type_names[OBJECT_TYPE_COUNT] = { "msg", "sem", "shm", "mqueue" };

const char *
policy_type_name (enum nsipc_object_type type)
{
  return type_names[type];
}

void
problems_add (struct nsipc_problems *p, const char *path, const char *fmt, ...)
{
  if (p->n >= PROBLEMS_MAX)
    {
      p->more++;
      return;
    }
  char reason[512];
  va_list ap;
  va_start (ap, fmt);
  format_v (reason, sizeof reason, fmt, ap);
  va_end (ap);

  p->lines = xrealloc (p->lines, (p->n + 1) * sizeof *p->lines);
  p->lines[p->n] = xasprintf ("%s: %s", path, reason);
  p->n++;
}

/* Reports each member of OBJ not in ALLOWED; false if there was one. */
static bool
check_fields (struct nsipc_problems *p, json_t *obj, const char *path, const char *const *allowed, const char *where)
{
  bool ok = true;
  const char *key;
  json_t *value;
  json_object_foreach (obj, key, value)
  {
    bool known = false;
    for (const char *const *a = allowed; *a && !known; a++)
      known = strcmp (*a, key) == 0;
    if (!known)
      {
        /* The member's own path, as limits.sem.x is written. */
        char member[PATH_LEN];
        format (member, sizeof member, "%s%s%s", path, path[0] ? "." : "", key);
        problems_add (p, member, "unknown field%s", where);
        ok = false;
      }
  }
  return ok;
}

static bool
read_object (struct nsipc_problems *p, json_t *v, const char *path)
{
  if (json_is_object (v))
    return true;
  problems_add (p, path, "must be an object");
  return false;
}

static bool
read_uint (struct nsipc_problems *p, json_t *v, const char *path, uint64_t min, uint64_t max, uint64_t *out)
{
  if (!json_is_integer (v))
    {
      problems_add (p, path, "must be an integer");
      return false;
    }
  json_int_t n = json_integer_value (v);
  if (n < 0 || (uint64_t)n < min || (uint64_t)n > max)
    {
      problems_add (p, path, "must be between %" PRIu64 " and %" PRIu64 ", got %" JSON_INTEGER_FORMAT, min, max, n);
      return false;
    }
  *out = n;
  return true;
}

static bool
read_size (struct nsipc_problems *p, json_t *v, const char *path, uint64_t min, uint64_t max, uint64_t *out)
{
  uint64_t bytes;
  if (json_is_integer (v) && json_integer_value (v) >= 0)
    bytes = json_integer_value (v);
  else if (json_is_string (v) && units_parse_size (json_string_value (v), &bytes) == 0)
    ;
  else if (json_is_string (v) && errno == ERANGE)
    {
      problems_add (p, path, "\"%s\" is too large", json_string_value (v));
      return false;
    }
  else
    {
      problems_add (p, path, "must be a size in bytes or a string such as \"64MiB\"");
      return false;
    }
  if (bytes < min || bytes > max)
    {
      char lo[32], hi[32], got[32];
      units_format_size (min, lo, sizeof lo);
      units_format_size (max, hi, sizeof hi);
      units_format_size (bytes, got, sizeof got);
      if (max == UINT64_MAX || max == ULONG_MAX)
        problems_add (p, path, "must be at least %s, got %s", lo, got);
      else
        problems_add (p, path, "must be between %s and %s, got %s", lo, hi, got);
      return false;
    }
  *out = bytes;
  return true;
}

static bool
read_key (struct nsipc_problems *p, json_t *v, const char *path, uint32_t *out)
{
  if (json_is_integer (v))
    {
      json_int_t n = json_integer_value (v);
      if (n == 0)
        {
          problems_add (p, path, "0 is IPC_PRIVATE, not a key");
          return false;
        }
      if (n < 1 || n > UINT32_MAX)
        {
          problems_add (p, path, "must be between 1 and 0xffffffff, got %" JSON_INTEGER_FORMAT, n);
          return false;
        }
      *out = n;
      return true;
    }
  if (json_is_string (v) && units_parse_key (json_string_value (v), out) == 0)
    return true;
  if (json_is_string (v) && errno == ERANGE)
    problems_add (p, path, "\"%s\" must be between 0x1 and 0xffffffff", json_string_value (v));
  else
    problems_add (p, path, "must be an integer or a string such as \"0x1000\"");
  return false;
}

static bool
read_mode (struct nsipc_problems *p, json_t *v, const char *path, unsigned *out)
{
  if (json_is_string (v) && units_parse_mode (json_string_value (v), out) == 0)
    return true;
  if (json_is_string (v))
    problems_add (p, path, "\"%s\" is not an octal mode of at most 0777", json_string_value (v));
  else
    problems_add (p, path, "must be an octal string such as \"0660\"");
  return false;
}

static void
read_limit (struct nsipc_problems *p, json_t *v, enum nsipc_limit_id id, struct nsipc_limit_set *limits)
{
  const struct nsipc_limit_info *info = &nsipc_limits[id];
  char path[PATH_LEN];
  limits_path (id, path, sizeof path);
  bool ok;
  uint64_t value = 0;
  switch (info->kind)
    {
    case LIMIT_KIND_BOOL:
      ok = json_is_boolean (v);
      if (!ok)
        problems_add (p, path, "must be true or false");
      value = json_is_true (v);
      break;
    case LIMIT_KIND_SIZE:
      ok = read_size (p, v, path, info->min, info->max, &value);
      break;
    default:
      ok = read_uint (p, v, path, info->min, info->max, &value);
      break;
    }
  limits->set[id] = ok;
  limits->value[id] = value;
}

/* Reads the members of one "limits" object: the top level (GROUP NULL),
   "sem" or "mqueue". */
static void
read_limit_group (struct nsipc_problems *p, json_t *obj, const char *group, struct nsipc_limit_set *limits)
{
  const char *key;
  json_t *value;
  json_object_foreach (obj, key, value)
  {
    if (group == NULL && (strcmp (key, "sem") == 0 || strcmp (key, "mqueue") == 0))
      {
        char path[PATH_LEN];
        format (path, sizeof path, "limits.%s", key);
        if (read_object (p, value, path))
          read_limit_group (p, value, key, limits);
        continue;
      }
    int id;
    for (id = 0; id < LIMIT_COUNT; id++)
      if (strcmp (nsipc_limits[id].field, key) == 0
          && (group ? nsipc_limits[id].group && strcmp (nsipc_limits[id].group, group) == 0
                    : nsipc_limits[id].group == NULL))
        break;
    if (id < LIMIT_COUNT)
      {
        read_limit (p, value, id, limits);
        continue;
      }
    char path[PATH_LEN];
    format (path, sizeof path, group ? "limits.%s.%s" : "limits%.0s.%s", group ? group : "", key);
    problems_add (p, path, "unknown field");
  }
}

static void
read_dev_shm (struct nsipc_problems *p, json_t *v, struct nsipc_policy *policy)
{
  static const char *const fields[] = { "size", NULL };
  if (!read_object (p, v, "dev_shm"))
    return;
  check_fields (p, v, "dev_shm", fields, "");
  json_t *size = json_object_get (v, "size");
  if (size == NULL)
    problems_add (p, "dev_shm.size", "required field is missing");
  else
    read_size (p, size, "dev_shm.size", 1, DEV_SHM_MAX, &policy->dev_shm_size);
}

static const char *const *
object_fields (enum nsipc_object_type type)
{
  static const char *const msg[] = { "type", "name", "mode", "uid", "gid", "key", "max_bytes", NULL };
  static const char *const sem[] = { "type", "name", "mode", "uid", "gid", "key", "nsems", "values", NULL };
  static const char *const shm[] = { "type", "name", "mode", "uid", "gid", "key", "size", NULL };
  static const char *const mq[] = { "type", "name", "mode", "uid", "gid", "max_messages", "message_size", NULL };
  static const char *const *const all[] = { msg, sem, shm, mq };
  return all[type];
}

/* Reads member FIELD of OBJ when it is there: the path is made once here. */
#define MEMBER(p, obj, base, field, reader, ...)                                                                       \
  ({                                                                                                                   \
    json_t *v_ = json_object_get (obj, field);                                                                         \
    char path_[PATH_LEN];                                                                                              \
    format (path_, sizeof path_, "%s.%s", base, field);                                                                \
    v_ ? reader (p, v_, path_, __VA_ARGS__) : true;                                                                    \
  })

static void
required (struct nsipc_problems *p, json_t *obj, const char *base, const char *field)
{
  if (json_object_get (obj, field) == NULL)
    {
      char path[PATH_LEN];
      format (path, sizeof path, "%s.%s", base, field);
      problems_add (p, path, "required field is missing");
    }
}

static void
read_sem_values (struct nsipc_problems *p, json_t *obj, const char *base, struct nsipc_object *o)
{
  json_t *values = json_object_get (obj, "values");
  if (values == NULL)
    return;
  char path[PATH_LEN];
  format (path, sizeof path, "%s.values", base);
  if (!json_is_array (values))
    {
      problems_add (p, path, "must be an array of semaphore values");
      return;
    }
  if (o->nsems > 0 && json_array_size (values) != o->nsems)
    problems_add (p, path, "has %zu values for nsems %u", json_array_size (values), o->nsems);
  o->values = xcalloc (json_array_size (values) + 1, sizeof *o->values);
  size_t i;
  json_t *v;
  json_array_foreach (values, i, v)
  {
    char vpath[PATH_LEN + 16];
    format (vpath, sizeof vpath, "%s[%zu]", path, i);
    if (json_is_integer (v) && json_integer_value (v) > SEMVMX)
      {
        problems_add (p, vpath, "%" JSON_INTEGER_FORMAT " is over the semaphore maximum %d", json_integer_value (v),
                      SEMVMX);
        continue;
      }
    uint64_t n = 0;
    read_uint (p, v, vpath, 0, SEMVMX, &n);
    o->values[i] = n;
  }
}

static void
read_name (struct nsipc_problems *p, json_t *obj, const char *base, struct nsipc_object *o)
{
  json_t *name = json_object_get (obj, "name");
  char path[PATH_LEN];
  format (path, sizeof path, "%s.name", base);
  if (name == NULL)
    {
      if (o->type == OBJECT_MQUEUE)
        problems_add (p, path, "required field is missing");
      return;
    }
  if (!json_is_string (name) || json_string_length (name) == 0)
    {
      problems_add (p, path, "must be a non-empty string");
      return;
    }
  const char *s = json_string_value (name);
  bool controls = false;
  for (const unsigned char *c = (const unsigned char *)s; *c; c++)
    controls |= *c < 0x20 || *c == 0x7f;
  if (controls)
    {
      problems_add (p, path, "must not contain control characters");
      return;
    }
  if (o->type == OBJECT_MQUEUE
      && (s[0] != '/' || strchr (s + 1, '/') != NULL || s[1] == '\0' || strlen (s + 1) > MQ_NAME_MAX
          || strcmp (s, "/.") == 0 || strcmp (s, "/..") == 0))
    {
      problems_add (p, path,
                    "\"%s\" must start with \"/\", have no other \"/\", not be \"/.\" or \"/..\", and have at most 255 "
                    "characters after it",
                    s);
      return;
    }
  o->name = xstrdup (s);
}

static bool
read_owner (struct nsipc_problems *p, json_t *v, const char *path, int64_t *out)
{
  uint64_t id;
  if (!read_uint (p, v, path, 0, OWNER_MAX, &id))
    return false;
  *out = id;
  return true;
}

static void
read_type_fields (struct nsipc_problems *p, json_t *obj, const char *base, struct nsipc_object *o)
{
  uint64_t n;
  switch (o->type)
    {
    case OBJECT_MSG:
      required (p, obj, base, "key");
      MEMBER (p, obj, base, "max_bytes", read_size, 1, INT_MAX, &o->max_bytes);
      break;
    case OBJECT_SEM:
      required (p, obj, base, "key");
      required (p, obj, base, "nsems");
      if (MEMBER (p, obj, base, "nsems", read_uint, 1, 65536, &n))
        o->nsems = json_object_get (obj, "nsems") ? n : 0;
      read_sem_values (p, obj, base, o);
      break;
    case OBJECT_SHM:
      required (p, obj, base, "key");
      required (p, obj, base, "size");
      MEMBER (p, obj, base, "size", read_size, 1, UINT64_MAX, &o->size);
      break;
    default:
      if (MEMBER (p, obj, base, "max_messages", read_uint, 1, 65536, &n) && json_object_get (obj, "max_messages"))
        o->max_messages = n;
      if (MEMBER (p, obj, base, "message_size", read_uint, 1, 16 * 1024 * 1024, &n)
          && json_object_get (obj, "message_size"))
        o->message_size = n;
      break;
    }
  if (o->type != OBJECT_MQUEUE)
    MEMBER (p, obj, base, "key", read_key, &o->key);
}

static void
read_one_object (struct nsipc_problems *p, json_t *obj, const char *base, struct nsipc_object *o)
{
  o->uid = o->gid = OWNER_UNSET;
  o->mode = 0600;
  if (!read_object (p, obj, base))
    return;
  json_t *type = json_object_get (obj, "type");
  const char *t = json_string_value (type);
  char path[PATH_LEN];
  format (path, sizeof path, "%s.type", base);
  int i = 0;
  while (t && i < OBJECT_TYPE_COUNT && strcmp (t, type_names[i]) != 0)
    i++;
  if (type == NULL)
    {
      problems_add (p, path, "required field is missing");
      return;
    }
  if (t == NULL || i == OBJECT_TYPE_COUNT)
    {
      problems_add (p, path, "must be one of \"msg\", \"sem\", \"shm\", \"mqueue\"");
      return;
    }
  o->type = i;
  char where[32];
  format (where, sizeof where, " for type %s", t);
  check_fields (p, obj, base, object_fields (o->type), where);
  read_name (p, obj, base, o);
  MEMBER (p, obj, base, "mode", read_mode, &o->mode);
  MEMBER (p, obj, base, "uid", read_owner, &o->uid);
  MEMBER (p, obj, base, "gid", read_owner, &o->gid);
  read_type_fields (p, obj, base, o);
}

/* Duplicates are found by sorting, not by comparing every pair: a
   policy's size is the author's to choose. */
struct slot
{
  const struct nsipc_object *o;
  size_t i;
};

static int
compare_keys (const void *a, const void *b)
{
  const struct slot *x = a, *y = b;
  if (x->o->type != y->o->type)
    return x->o->type < y->o->type ? -1 : 1;
  if (x->o->key != y->o->key)
    return x->o->key < y->o->key ? -1 : 1;
  return (x->i > y->i) - (x->i < y->i);
}

static int
compare_names (const void *a, const void *b)
{
  const struct slot *x = a, *y = b;
  if (x->o->type != y->o->type)
    return x->o->type < y->o->type ? -1 : 1;
  int c = strcmp (x->o->name ? x->o->name : "", y->o->name ? y->o->name : "");
  return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* FIRST[i]: the first object that shares object i's key (or name), by
   COMPARE's idea of equal; i itself when none does. */
static void
first_of_equals (const struct nsipc_policy *policy, int (*compare) (const void *, const void *), bool by_key,
                 size_t *first)
{
  size_t n = policy->n_objects;
  _cleanup_free_ struct slot *s = xcalloc (n, sizeof *s);
  for (size_t i = 0; i < n; i++)
    s[i] = (struct slot){ &policy->objects[i], i };
  qsort (s, n, sizeof *s, compare);
  for (size_t k = 0, run = 0; k < n; k++)
    {
      const struct nsipc_object *a = s[run].o, *b = s[k].o;
      bool same = a->type == b->type
                  && (by_key ? b->type != OBJECT_MQUEUE && b->key && a->key == b->key
                             : a->name && b->name && strcmp (a->name, b->name) == 0);
      if (!same)
        run = k;
      first[s[k].i] = s[run].i;
    }
}

/* Two objects of one type with one key, or one name, could not both exist. */
static void
check_unique (struct nsipc_problems *p, const struct nsipc_policy *policy)
{
  size_t n = policy->n_objects;
  _cleanup_free_ size_t *key_first = xcalloc (n, sizeof *key_first);
  _cleanup_free_ size_t *name_first = xcalloc (n, sizeof *name_first);
  first_of_equals (policy, compare_keys, true, key_first);
  first_of_equals (policy, compare_names, false, name_first);
  for (size_t i = 0; i < n; i++)
    {
      const struct nsipc_object *b = &policy->objects[i];
      char path[PATH_LEN];
      if (key_first[i] != i)
        {
          format (path, sizeof path, "objects[%zu].key", i);
          problems_add (p, path, "0x%08" PRIx32 " is already the key of objects[%zu]", b->key, key_first[i]);
        }
      if (name_first[i] != i)
        {
          format (path, sizeof path, "objects[%zu].name", i);
          problems_add (p, path, "\"%s\" is already the name of objects[%zu]", b->name, name_first[i]);
        }
    }
}

static void
limit_text (const struct nsipc_policy *policy, enum nsipc_limit_id id, char *buf, size_t len)
{
  char path[PATH_LEN], value[32];
  limits_path (id, path, sizeof path);
  uint64_t v = limits_effective (&policy->limits, id);
  if (nsipc_limits[id].kind == LIMIT_KIND_SIZE)
    units_format_size (v, value, sizeof value);
  else
    format (value, sizeof value, "%" PRIu64, v);
  format (buf, len, "%s (%s%s)", path, value, policy->limits.set[id] ? "" : ", the kernel default");
}

/* One object against one limit: "objects[2].size: 2GiB exceeds limits.shmmax (1GiB)". */
static void
check_over (struct nsipc_problems *p, const struct nsipc_policy *policy, size_t i, const char *field, uint64_t value,
            enum nsipc_limit_id id)
{
  if (value <= limits_effective (&policy->limits, id))
    return;
  char path[PATH_LEN], limit[PATH_LEN + 48], shown[32];
  format (path, sizeof path, "objects[%zu].%s", i, field);
  limit_text (policy, id, limit, sizeof limit);
  if (nsipc_limits[id].kind == LIMIT_KIND_SIZE || strcmp (field, "size") == 0)
    units_format_size (value, shown, sizeof shown);
  else
    format (shown, sizeof shown, "%" PRIu64, value);
  problems_add (p, path, "%s exceeds %s", shown, limit);
}

/* A sum over all objects against one limit. */
static void
check_total (struct nsipc_problems *p, const struct nsipc_policy *policy, uint64_t total, const char *what,
             enum nsipc_limit_id id)
{
  if (total <= limits_effective (&policy->limits, id))
    return;
  char limit[PATH_LEN + 48];
  limit_text (policy, id, limit, sizeof limit);
  problems_add (p, "objects", "more %s (%" PRIu64 ") than %s", what, total, limit);
}

static void
check_against_limits (struct nsipc_problems *p, const struct nsipc_policy *policy)
{
  uint64_t count[OBJECT_TYPE_COUNT] = { 0 }, semaphores = 0, shm_pages = 0;
  uint64_t page = getpagesize ();
  for (size_t i = 0; i < policy->n_objects; i++)
    {
      const struct nsipc_object *o = &policy->objects[i];
      count[o->type]++;
      switch (o->type)
        {
        case OBJECT_SEM:
          semaphores += o->nsems;
          check_over (p, policy, i, "nsems", o->nsems, LIMIT_SEMMSL);
          break;
        case OBJECT_SHM:
          {
            /* Rounded up without the wrap of size + page - 1, summed
               without wrapping either. */
            uint64_t pages = o->size / page + (o->size % page != 0);
            shm_pages = pages > UINT64_MAX - shm_pages ? UINT64_MAX : shm_pages + pages;
          }
          check_over (p, policy, i, "size", o->size, LIMIT_SHMMAX);
          break;
        case OBJECT_MSG:
          /* Beyond msgmnb the kernel wants CAP_SYS_RESOURCE, which
             containers rarely have: a contradiction, not a privilege test. */
          check_over (p, policy, i, "max_bytes", o->max_bytes, LIMIT_MSGMNB);
          break;
        case OBJECT_MQUEUE:
          check_over (p, policy, i, "max_messages", o->max_messages, LIMIT_MQ_MSG_MAX);
          check_over (p, policy, i, "message_size", o->message_size, LIMIT_MQ_MSGSIZE_MAX);
          break;
        default:
          break;
        }
    }
  check_total (p, policy, count[OBJECT_MSG], "message queues", LIMIT_MSGMNI);
  check_total (p, policy, count[OBJECT_SEM], "semaphore sets", LIMIT_SEMMNI);
  check_total (p, policy, semaphores, "semaphores", LIMIT_SEMMNS);
  check_total (p, policy, count[OBJECT_SHM], "shared memory segments", LIMIT_SHMMNI);
  check_total (p, policy, shm_pages, "pages of shared memory", LIMIT_SHMALL);
  check_total (p, policy, count[OBJECT_MQUEUE], "POSIX message queues", LIMIT_MQ_QUEUES_MAX);
}

static void
read_objects (struct nsipc_problems *p, json_t *v, struct nsipc_policy *policy)
{
  if (!json_is_array (v))
    {
      problems_add (p, "objects", "must be an array");
      return;
    }
  policy->n_objects = json_array_size (v);
  policy->objects = xcalloc (policy->n_objects + 1, sizeof *policy->objects);
  size_t i;
  json_t *obj;
  json_array_foreach (v, i, obj)
  {
    char base[PATH_LEN];
    format (base, sizeof base, "objects[%zu]", i);
    read_one_object (p, obj, base, &policy->objects[i]);
  }
  check_unique (p, policy);
}

static const char *const cleanup_names[] = { "safe", "by-pid", "none" };

const char *
policy_cleanup_name (enum nsipc_cleanup c)
{
  return cleanup_names[c];
}

bool
policy_cleanup_parse (const char *name, enum nsipc_cleanup *c)
{
  for (int i = 0; i <= CLEANUP_NONE; i++)
    if (name && strcmp (name, cleanup_names[i]) == 0)
      return *c = i, true;
  if (name && strcmp (name, "owned") == 0)
    return *c = CLEANUP_SAFE, true;
  return false;
}

enum nsipc_cleanup
policy_cleanup_stricter (enum nsipc_cleanup a, enum nsipc_cleanup b)
{
  /* Ranked by what they keep: none keeps all, safe more than by-pid. */
  static const int rank[] = { [CLEANUP_BY_PID] = 0, [CLEANUP_SAFE] = 1, [CLEANUP_NONE] = 2 };
  return rank[a] >= rank[b] ? a : b;
}

static void
read_cleanup (struct nsipc_problems *p, json_t *v, struct nsipc_policy *policy)
{
  if (!policy_cleanup_parse (json_string_value (v), &policy->cleanup))
    problems_add (p, "cleanup", "must be \"safe\", \"by-pid\" or \"none\"");
}

static void
read_policy (struct nsipc_problems *p, json_t *root, struct nsipc_policy *policy)
{
  static const char *const fields[] = { "version", "limits", "dev_shm", "objects", "cleanup", "seal", NULL };
  if (!json_is_object (root))
    {
      problems_add (p, "(top level)", "must be an object");
      return;
    }
  check_fields (p, root, "", fields, "");

  json_t *version = json_object_get (root, "version");
  if (version == NULL)
    problems_add (p, "version", "required field is missing");
  else if (!json_is_integer (version) || json_integer_value (version) != 1)
    problems_add (p, "version", "must be 1");

  json_t *v;
  if ((v = json_object_get (root, "limits")) && read_object (p, v, "limits"))
    read_limit_group (p, v, NULL, &policy->limits);
  if ((v = json_object_get (root, "dev_shm")))
    read_dev_shm (p, v, policy);
  if ((v = json_object_get (root, "objects")))
    read_objects (p, v, policy);
  if ((v = json_object_get (root, "seal")))
    {
      if (!json_is_boolean (v))
        problems_add (p, "seal", "must be true or false");
      policy->seal = json_is_true (v);
    }
  if ((v = json_object_get (root, "cleanup")))
    read_cleanup (p, v, policy);
  check_against_limits (p, policy);
}

static int
finish (json_t *root, const json_error_t *jerr, struct nsipc_policy *policy, struct nsipc_problems *problems)
{
  memset (policy, 0, sizeof *policy);
  memset (problems, 0, sizeof *problems);
  if (root == NULL)
    {
      char where[64];
      format (where, sizeof where, "line %d, column %d", jerr->line, jerr->column);
      problems_add (problems, where, "%s", jerr->text);
      return -1;
    }
  read_policy (problems, root, policy);
  json_decref (root);
  if (problems->n == 0)
    return 0;
  policy_free (policy);
  return -1;
}

/* A policy is small: one larger than this is a mistake. */
#define POLICY_MAX_BYTES (16 << 20)

static int
load_buffer (const char *text, size_t len, struct nsipc_policy *policy, struct nsipc_problems *problems)
{
  json_error_t jerr;
  json_t *root = json_load_text (text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (finish (root, &jerr, policy, problems) < 0)
    return -1;
  digest_sha256_text (text, len, policy->digest);
  return 0;
}

int
policy_load_string (const char *text, struct nsipc_policy *policy, struct nsipc_problems *problems)
{
  return load_buffer (text, strlen (text), policy, problems);
}

int
policy_load_file (const char *path, struct nsipc_policy *policy, struct nsipc_problems *problems)
{
  memset (policy, 0, sizeof *policy);
  memset (problems, 0, sizeof *problems);
  nsipc_error err;
  _cleanup_close_ int fd = open_regular (AT_FDCWD, path, true, &err);
  if (fd < 0)
    {
      problems_add (problems, "cannot read", "%s", err.status ? strerror (err.status) : "not a regular file");
      return -1;
    }
  size_t len;
  _cleanup_free_ char *text = read_fd_all (fd, POLICY_MAX_BYTES, &len);
  if (text == NULL)
    {
      problems_add (problems, "cannot read", "%s", strerror (errno));
      return -1;
    }
  int r = load_buffer (text, len, policy, problems);
  if (r == 0)
    policy->source = xstrdup (path);
  return r;
}

int
policy_file_digest (const char *path, char out[DIGEST_TEXT_LEN], nsipc_error *err)
{
  _cleanup_close_ int fd = open_regular (AT_FDCWD, path, true, err);
  size_t len;
  _cleanup_free_ char *text = fd < 0 ? NULL : read_fd_all (fd, POLICY_MAX_BYTES, &len);
  if (text == NULL)
    return fd < 0 ? -1 : nsipc_error_set (err, errno, "read %s", path);
  digest_sha256_text (text, len, out);
  return 0;
}

void
policy_free (struct nsipc_policy *policy)
{
  free (policy->source);
  for (size_t i = 0; i < policy->n_objects; i++)
    {
      free (policy->objects[i].name);
      free (policy->objects[i].values);
    }
  free (policy->objects);
  memset (policy, 0, sizeof *policy);
}

void
problems_free (struct nsipc_problems *problems)
{
  for (size_t i = 0; i < problems->n; i++)
    free (problems->lines[i]);
  free (problems->lines);
  memset (problems, 0, sizeof *problems);
}

void
policy_object_describe (const struct nsipc_object *obj, char *buf, size_t len)
{
  if (obj->type == OBJECT_MQUEUE)
    format (buf, len, "mqueue \"%s\"", obj->name);
  else if (obj->name)
    format (buf, len, "%s \"%s\" (key 0x%08" PRIx32 ")", type_names[obj->type], obj->name, obj->key);
  else
    format (buf, len, "%s key 0x%08" PRIx32, type_names[obj->type], obj->key);
}

static bool
ends_with (const char *s, const char *suffix)
{
  size_t n = strlen (s), m = strlen (suffix);
  return n >= m && strcmp (s + n - m, suffix) == 0;
}

int
policy_locate_name (const char *policy_dir, const char *name, char **path, nsipc_error *err)
{
  if (!state_valid_name (name, NAME_MAX - 5))
    return nsipc_error_set (err, 0, "\"%.64s\" is not a policy name ([A-Za-z0-9][A-Za-z0-9_.-])", name);
  *path = xasprintf ("%s/%s.json", policy_dir, name);
  return 0;
}

int
policy_locate (const char *policy_dir, const char *arg, char **path, nsipc_error *err)
{
  if (strchr (arg, '/') || ends_with (arg, ".json"))
    *path = xstrdup (arg);
  else if (state_valid_name (arg, NAME_MAX - 5))
    *path = xasprintf ("%s/%s.json", policy_dir, arg);
  else
    return nsipc_error_set (
        err, 0, "policy \"%s\" is neither a file (with / or .json) nor a name of [A-Za-z0-9][A-Za-z0-9_.-]", arg);
  return 0;
}
