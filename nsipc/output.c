/* Audit JSON, table and Prometheus text. */
#include "output.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "format.h"
#include "gc.h"
#include "table.h"
#include "units.h"
#include "util.h"

/* Built with nsipc's own keys set one by one: json_pack's format parsing
   was half of a namespace's JSON in audit. */
static void
member (json_t *object, const char *key, json_t *value)
{
  json_object_set_new_nocheck (object, key, value);
}

static json_t *
owners_json (const struct nsipc_census_ns *ns)
{
  json_t *a = json_array ();
  for (size_t i = 0; i < ns->n_owners; i++)
    {
      const struct nsipc_owner *o = &ns->owners[i];
      json_t *owner = json_object (), *pids = json_array ();
      for (size_t k = 0; k < o->n_pids; k++)
        json_array_append_new (pids, json_integer (o->pids[k]));
      member (owner, "container", o->container ? json_string_bytes (o->container) : json_null ());
      member (owner, "runtime", json_string (o->runtime));
      member (owner, "pids", pids);
      json_array_append_new (a, owner);
    }
  return a;
}

static uint64_t
add_u64 (uint64_t a, uint64_t b)
{
  return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

/* A namespace's "usage": per type (its key, policy_type_name's), the count
   and up to two sums, in DESIGN.md §7's order.  Both the tree and audit
   --json's text are written from it. */
struct usage
{
  size_t count[OBJECT_TYPE_COUNT];
  size_t n[OBJECT_TYPE_COUNT];
  const char *keys[OBJECT_TYPE_COUNT][2];
  uint64_t values[OBJECT_TYPE_COUNT][2];
};

static void
usage_of (const struct nsipc_inventory *inv, struct usage *u)
{
  uint64_t msg_bytes = 0, semaphores = 0, shm_bytes = 0, shm_pages = 0, page = getpagesize ();
  for (size_t i = 0; i < inv->n; i++)
    {
      const struct nsipc_ipc_object *o = &inv->objects[i];
      /* Saturating: two segments of 2^63 bytes (SHM_NORESERVE) are no
         sum a uint64_t holds. */
      msg_bytes = add_u64 (msg_bytes, o->bytes);
      semaphores = add_u64 (semaphores, o->nsems);
      shm_bytes = add_u64 (shm_bytes, o->size);
      shm_pages = add_u64 (shm_pages, o->size / page + (o->size % page != 0));
    }
  *u = (struct usage){
    .n = { [OBJECT_MSG] = 1, [OBJECT_SEM] = 1, [OBJECT_SHM] = 2 },
    .keys = { [OBJECT_MSG] = { "bytes" }, [OBJECT_SEM] = { "semaphores" }, [OBJECT_SHM] = { "bytes", "pages" } },
    .values = { [OBJECT_MSG] = { msg_bytes }, [OBJECT_SEM] = { semaphores }, [OBJECT_SHM] = { shm_bytes, shm_pages } },
  };
  for (int type = 0; type < OBJECT_TYPE_COUNT; type++)
    u->count[type] = inventory_count (inv, type);
}

static json_t *
usage_json (const struct nsipc_inventory *inv)
{
  struct usage u;
  usage_of (inv, &u);
  json_t *j = json_object ();
  for (int type = 0; type < OBJECT_TYPE_COUNT; type++)
    {
      json_t *one = json_object ();
      member (one, "count", json_integer ((json_int_t)u.count[type]));
      for (size_t i = 0; i < u.n[type]; i++)
        member (one, u.keys[type][i], output_u64 (u.values[type][i]));
      member (j, policy_type_name (type), one);
    }
  return j;
}

/* ---- integers past jansson's --------------------------------------------

   JSON numbers have no bound; jansson's integers stop at 2^63 - 1, and a
   fresh namespace's shmmax and shmall are near 2^64.  Such a value is kept
   in the tree as a string, "\x01NONCE:DIGITS", and output_dumps writes the
   digits in its place.  The nonce is random per process, so no string a
   workload chose (a queue name) can pass for one. */

static const char *
u64_mark (void)
{
  static char mark[40];
  if (mark[0] == '\0')
    {
      uint64_t nonce = 0;
      if (getrandom (&nonce, sizeof nonce, 0) != sizeof nonce)
        nonce = (uint64_t)getpid () * 0x9e3779b97f4a7c15u ^ (uint64_t)time (NULL);
      format (mark, sizeof mark, "\x01%016" PRIx64 ":", nonce);
    }
  return mark;
}

/* KEY as DESIGN.md §7 writes it, "0x%08x", at the end of BUF: KEY_TEXT
   bytes and a NUL. */
#define KEY_TEXT 10
static const char *
key_text (char buf[24], uint32_t key)
{
  char *d = digits (buf, key, 16, 8);
  d[-2] = '0', d[-1] = 'x';
  return d - 2;
}

/* MODE as DESIGN.md §7 writes it, "0%03o", at the end of BUF. */
static const char *
mode_text (char buf[24], unsigned mode)
{
  char *d = digits (buf, mode, 8, 3);
  *--d = '0';
  return d;
}

json_t *
output_key (uint32_t key)
{
  char buf[24];
  return json_string_nocheck (key_text (buf, key));
}

json_t *
output_u64 (uint64_t v)
{
  if (v <= INT64_MAX)
    return json_integer ((json_int_t)v);
  char text[64];
  format (text, sizeof text, "%s%" PRIu64, u64_mark (), v);
  return json_string (text);
}

uint64_t
output_u64_value (json_t *j)
{
  const char *s = json_string_value (j);
  size_t n = strlen (u64_mark ());
  if (s && strncmp (s, u64_mark (), n) == 0)
    return strtoull (s + n, NULL, 10);
  return json_integer_value (j) < 0 ? 0 : (uint64_t)json_integer_value (j);
}

/* JSON text written here, not by json_dumps: at 2000 objects jansson's
   writer took half of audit's time (2.3 us an object).  The same text as
   json_dumps with JSON_INDENT (2) writes, output_u64's markers aside.

   Two layers: put_* write at a cursor where room was made (they return
   the cursor after what they wrote); add_* make room at the end of the
   text, put, and move its end.  An object's fields are put through one
   cursor: a length kept in memory must be read back after every byte
   stored (a char store may alias it), a cursor in a register need not. */
static void __attribute__ ((noinline)) grow (struct output_text *t, size_t n)
{
  t->cap = 2 * (t->len + n + 1);
  t->s = xrealloc (t->s, t->cap);
}

/* Where N more bytes go at the end of T's text, with room for them and a
   NUL after them. */
static inline char *
room (struct output_text *t, size_t n)
{
  if (t->len + n + 1 > t->cap)
    grow (t, n);
  return t->s + t->len;
}

/* As room, once T's text ends at P. */
static inline char *
room_at (struct output_text *t, char *p, size_t n)
{
  t->len = (size_t)(p - t->s);
  return room (t, n);
}

/* Inline: most pieces are a few bytes of a known length, which the
   compiler copies in place (it was a third of audit's instructions as a
   call). */
static inline char *
put_bytes (char *p, const char *s, size_t n)
{
  memcpy (p, s, n);
  return p + n;
}

static inline void
add (struct output_text *t, const char *s, size_t n)
{
  t->len = (size_t)(put_bytes (room (t, n), s, n) - t->s);
}

#define add_literal(t, s) add (t, s, sizeof s - 1)

/* Inline: the depth is a constant at nearly every call. */
static inline void
add_line (struct output_text *t, int depth)
{
  static const char spaces[] = "\n                                                                ";
  size_t n = 1 + 2 * (size_t)depth;
  if (n < sizeof spaces) /* the newline and the indent at once */
    {
      add (t, spaces, n);
      return;
    }
  add (t, "\n", 1);
  for (n -= 1; n > 0; n -= n < sizeof spaces - 2 ? n : sizeof spaces - 2)
    add (t, spaces + 1, n < sizeof spaces - 2 ? n : sizeof spaces - 2);
}

/* The code point of the UTF-8 sequence at S (N bytes left) in *CP, and its
   length; 0 when it is cut short.  jansson's strings are valid UTF-8. */
static size_t
utf8_decode (const unsigned char *s, size_t n, uint32_t *cp)
{
  size_t len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
  if (len > n)
    return 0;
  *cp = s[0] & (0x7f >> len);
  for (size_t i = 1; i < len; i++)
    *cp = *cp << 6 | (s[i] & 0x3f);
  return len;
}

/* "\uXXXX" for CP, a pair of them (UTF-16 surrogates) past U+FFFF. */
static char *
put_u_escape (char *p, uint32_t cp)
{
  if (cp > 0xffff)
    {
      p = put_u_escape (p, 0xd800 + ((cp - 0x10000) >> 10));
      cp = 0xdc00 + ((cp - 0x10000) & 0x3ff);
    }
  *p++ = '\\', *p++ = 'u';
  for (int shift = 12; shift >= 0; shift -= 4)
    *p++ = "0123456789ABCDEF"[cp >> shift & 0xf];
  return p;
}

static bool
plain (unsigned char c, bool ascii)
{
  return c >= 0x20 && c != '"' && c != '\\' && (c < 0x80 || !ascii);
}

/* Whether the sixteen bytes at U are all plain: in a vector (GCC's vector
   extension, SSE2 on x86-64), with no branch a byte. */
typedef unsigned char bytes16 __attribute__ ((vector_size (16)));
static inline bool
plain16 (const unsigned char *u, bool ascii)
{
  bytes16 x, stop;
  memcpy (&x, u, sizeof x);
  stop = (bytes16)((x < 0x20) | (x == '"') | (x == '\\'));
  if (ascii)
    stop |= (bytes16)(x >= 0x80);
  uint64_t half[2];
  memcpy (half, &stop, sizeof half);
  return (half[0] | half[1]) == 0;
}

/* Where the bytes from I on that JSON keeps as they are (plain) end:
   sixteen at a time, and the last sixteen of S at once when they are what
   is left (strings are most of what audit writes, and most are plain). */
static size_t
plain_run (const unsigned char *u, size_t i, size_t n, bool ascii)
{
  while (i + 16 <= n && plain16 (u + i, ascii))
    i += 16;
  /* [i, n) is inside the last sixteen when they are all that is left. */
  if (i + 16 > n && n >= 16 && plain16 (u + n - 16, ascii))
    return n;
  while (i < n && plain (u[i], ascii))
    i++;
  return i;
}

/* The most put_quoted writes for N bytes: each byte escaped as \u00XX. */
#define QUOTED_MAX(n) (6 * (size_t)(n) + 2)

/* S quoted, escaped as jansson escapes: the quote, the backslash and the
   control characters, and with ASCII (JSON_ENSURE_ASCII) what is past
   U+007F; the rest as it is. */
static char *
put_quoted (char *p, const char *s, size_t n, bool ascii)
{
  const unsigned char *u = (const unsigned char *)s;
  *p++ = '"';
  for (size_t i = 0; i < n;)
    {
      size_t run = plain_run (u, i, n, ascii);
      p = put_bytes (p, s + i, run - i);
      if (run == n)
        break;
      /* Past U+007F (ASCII only), jansson's short escapes, else \u00XX. */
      static const char from[] = "\"\\\b\f\n\r\t", to[] = "\"\\bfnrt";
      const char *k = s[run] ? strchr (from, s[run]) : NULL;
      uint32_t cp;
      size_t len = u[run] >= 0x80 ? utf8_decode (u + run, n - run, &cp) : 0;
      if (len)
        p = put_u_escape (p, cp);
      else if (k)
        *p++ = '\\', *p++ = to[k - from];
      else
        p = put_u_escape (p, u[run]);
      i = run + (len ? len : 1);
    }
  *p++ = '"';
  return p;
}

static void
add_string_as (struct output_text *t, const char *s, size_t n, bool ascii)
{
  t->len = (size_t)(put_quoted (room (t, QUOTED_MAX (n)), s, n, ascii) - t->s);
}

static void
add_string (struct output_text *t, const char *s, size_t n)
{
  add_string_as (t, s, n, false);
}

/* The most put_decimal writes: a minus and 20 digits. */
#define DECIMAL_MAX 21

/* U (10 or more) in decimal, two digits at a time: an object has eight
   numbers, and digits () and a copy of them were a fifth of its text. */
static char *__attribute__ ((noinline)) put_digits (char *p, uint64_t u)
{
  static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                              "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                              "8081828384858687888990919293949596979899";
  size_t width = 1;
  for (uint64_t v = u; v >= 10; v /= 10)
    width++;
  char *d = p + width;
  for (; u >= 100; u /= 100)
    memcpy (d -= 2, &pairs[2 * (u % 100)], 2);
  if (u >= 10)
    memcpy (d - 2, &pairs[2 * u], 2);
  else
    d[-1] = (char)('0' + u);
  return p + width;
}

/* U in decimal, after a minus when NEGATIVE.  Inline for the one digit of
   most: ids, uids and pids of nobody are 0. */
static inline char *
put_decimal (char *p, uint64_t u, bool negative)
{
  *p = '-';
  p += negative;
  if (u >= 10)
    return put_digits (p, u);
  *p = (char)('0' + u);
  return p + 1;
}

static inline char *
put_int (char *p, int64_t x)
{
  return put_decimal (p, x < 0 ? -(uint64_t)x : (uint64_t)x, x < 0);
}

static void
add_decimal (struct output_text *t, uint64_t u)
{
  t->len = (size_t)(put_decimal (room (t, DECIMAL_MAX), u, false) - t->s);
}

static void
add_int (struct output_text *t, int64_t x)
{
  t->len = (size_t)(put_int (room (t, DECIMAL_MAX), x) - t->s);
}

static bool
is_u64 (const char *s, const char *mark)
{
  size_t n = strlen (mark);
  return strncmp (s, mark, n) == 0 && s[n] != '\0' && s[n + strspn (s + n, "0123456789")] == '\0';
}

/* How dumps writes: jansson's JSON_INDENT (2) layout or one line
   (JSON_COMPACT); keys as they come or sorted (JSON_SORT_KEYS); UTF-8 as it
   is or escaped (JSON_ENSURE_ASCII). */
struct style
{
  bool sorted, compact, ascii;
};

static void add_value (struct output_text *t, json_t *j, int depth, const struct style *st);

static void
next_line (struct output_text *t, int depth, const struct style *st)
{
  if (!st->compact)
    add_line (t, depth);
}

struct member
{
  const char *key;
  json_t *value;
};

static int
compare_keys (const void *a, const void *b)
{
  return strcmp (((const struct member *)a)->key, ((const struct member *)b)->key);
}

static void
add_member (struct output_text *t, const char *key, json_t *v, int depth, const struct style *st, bool first)
{
  add (t, ",", !first);
  next_line (t, depth + 1, st);
  add_string_as (t, key, strlen (key), st->ascii);
  add (t, ": ", st->compact ? 1 : 2);
  add_value (t, v, depth + 1, st);
}

static void
add_object (struct output_text *t, json_t *j, int depth, const struct style *st)
{
  size_t n = json_object_size (j), i = 0;
  const char *key;
  json_t *v;
  add (t, "{", 1);
  if (st->sorted)
    {
      _cleanup_free_ struct member *m = xcalloc (n + 1, sizeof *m);
      json_object_foreach (j, key, v) m[i++] = (struct member){ key, v };
      qsort (m, n, sizeof *m, compare_keys);
      for (i = 0; i < n; i++)
        add_member (t, m[i].key, m[i].value, depth, st, i == 0);
    }
  else
    json_object_foreach (j, key, v) add_member (t, key, v, depth, st, i++ == 0);
  if (n)
    next_line (t, depth, st);
  add (t, "}", 1);
}

static void
add_value (struct output_text *t, json_t *j, int depth, const struct style *st)
{
  const char *mark = u64_mark ();
  json_t *v;
  size_t i;
  switch (json_typeof (j))
    {
    case JSON_OBJECT:
      add_object (t, j, depth, st);
      break;
    case JSON_ARRAY:
      add (t, "[", 1);
      json_array_foreach (j, i, v)
      {
        add (t, ",", i > 0);
        next_line (t, depth + 1, st);
        add_value (t, v, depth + 1, st);
      }
      if (json_array_size (j))
        next_line (t, depth, st);
      add (t, "]", 1);
      break;
    case JSON_STRING:
      if (is_u64 (json_string_value (j), mark)) /* output_u64's: the number */
        add (t, json_string_value (j) + strlen (mark), json_string_length (j) - strlen (mark));
      else
        add_string_as (t, json_string_value (j), json_string_length (j), st->ascii);
      break;
    case JSON_INTEGER:
      add_int (t, json_integer_value (j));
      break;
    case JSON_TRUE:
      add (t, "true", 4);
      break;
    case JSON_FALSE:
      add (t, "false", 5);
      break;
    case JSON_NULL:
      add (t, "null", 4);
      break;
    default: /* a real: nsipc writes none, jansson knows how */
      {
        _cleanup_free_ char *real = json_dumps (j, JSON_ENCODE_ANY);
        add (t, real ? real : "null", real ? strlen (real) : 4);
      }
    }
}

static char *
dumps (json_t *j, struct style st)
{
  struct output_text t = { 0 };
  add (&t, "", 0);
  add_value (&t, j, 0, &st);
  t.s[t.len] = '\0';
  return t.s;
}

char *
output_dumps (json_t *j)
{
  return dumps (j, (struct style){ 0 });
}

char *
output_dumps_sorted (json_t *j)
{
  return dumps (j, (struct style){ .sorted = true });
}

char *
output_dumps_line (json_t *j)
{
  return dumps (j, (struct style){ .compact = true, .ascii = true });
}

void
output_audit_json_end (struct output_audit_json *w, size_t skipped)
{
  struct output_text *t = &w->text;
  if (w->n == 0)
    add_literal (t, "{\n  \"namespaces\": [],");
  else
    add_literal (t, "\n  ],");
  add_literal (t, "\n  \"skipped\": ");
  add_int (t, (int64_t)skipped);
  add_literal (t, "\n}\n");
  fwrite (t->s, 1, t->len, w->out);
  free (t->s);
  *t = (struct output_text){ 0 };
  w->n = 0;
}

/* One field of an object, as output_object and output_audit_json_object both
   write it.  HEAD is what comes before the value in audit's text, made
   by the compiler: the comma, the new line, the indent of an object's
   fields (OBJECT_FIELDS_DEPTH) and the quoted key.  Written piece by
   piece, it was a third of audit's instructions. */
#define FIELD_INDENT "          "
#define OBJECT_FIELDS_DEPTH 5
_Static_assert(sizeof FIELD_INDENT - 1 == 2 * OBJECT_FIELDS_DEPTH, "the indent of an object's fields");
#define FIELD(key) key, ",\n" FIELD_INDENT "\"" key "\": ", sizeof (",\n" FIELD_INDENT "\"" key "\": ") - 1
struct field
{
  const char *key, *head;
  size_t head_len;
  enum
  {
    FIELD_NULL,
    FIELD_INT,
    FIELD_BOOL,
    FIELD_PLAIN,  /* nsipc's own text, N bytes with nothing to escape */
    FIELD_STRING, /* nsipc's own text, or a policy's label */
    FIELD_BYTES,  /* a name someone chose: may not be UTF-8 */
  } kind;
  int64_t n;
  const char *s;
};

/* O's fields, in DESIGN.md §7's order, each told to PUT: the one list of
   them.  Inlined into each writer, with PUT: so each field's head and kind
   are constants there, and audit's text copies the head in place (a loop
   over a table of fields called memcpy for each, and was two thirds of an
   object's cost). */
static inline __attribute__ ((always_inline)) void
object_fields (const struct nsipc_ipc_object *o, const char *label, const char *rule, const char *reason,
               void (*put) (void *ctx, const struct field *f), void *ctx)
{
  char mode_buf[24], key_buf[24];
  const char *mode = mode_text (mode_buf, o->mode), *key = key_text (key_buf, o->key);
  const char *type = policy_type_name (o->type);
  bool mq = o->type == OBJECT_MQUEUE;
#define PUT(key, kind, n, s) put (ctx, &(const struct field){ FIELD (key), kind, n, s })
  PUT ("type", FIELD_PLAIN, (int64_t)strlen (type), type);
  PUT ("key", mq ? FIELD_NULL : FIELD_PLAIN, KEY_TEXT, key);
  PUT ("id", mq ? FIELD_NULL : FIELD_INT, o->id, NULL);
  PUT ("mode", FIELD_PLAIN, mode_buf + 23 - mode, mode);
  PUT ("uid", FIELD_INT, o->uid, NULL);
  PUT ("gid", FIELD_INT, o->gid, NULL);
  PUT ("cuid", FIELD_INT, o->cuid, NULL);
  PUT ("cgid", FIELD_INT, o->cgid, NULL);
  PUT ("cpid", o->type == OBJECT_SHM ? FIELD_INT : FIELD_NULL, o->cpid, NULL);
  PUT ("policy_object", label ? FIELD_STRING : FIELD_NULL, 0, label);
  PUT ("orphan", FIELD_BOOL, strcmp (rule, "orphan") == 0, NULL);
  PUT ("rule", FIELD_PLAIN, (int64_t)strlen (rule), rule);
  PUT ("reason", FIELD_STRING, 0, reason);
  switch (o->type)
    {
    case OBJECT_SHM:
      PUT ("size", FIELD_INT, (int64_t)o->size, NULL);
      PUT ("nattch", FIELD_INT, (int64_t)o->nattch, NULL);
      PUT ("lpid", FIELD_INT, o->lpid, NULL);
      break;
    case OBJECT_MSG:
      PUT ("bytes", FIELD_INT, (int64_t)o->bytes, NULL);
      PUT ("messages", FIELD_INT, (int64_t)o->messages, NULL);
      PUT ("lspid", FIELD_INT, o->lspid, NULL);
      PUT ("lrpid", FIELD_INT, o->lrpid, NULL);
      break;
    case OBJECT_SEM:
      PUT ("nsems", FIELD_INT, (int64_t)o->nsems, NULL);
      break;
    default:
      PUT ("name", FIELD_BYTES, 0, o->name);
    }
#undef PUT
}

static json_t *
field_json (const struct field *f)
{
  switch (f->kind)
    {
    case FIELD_NULL:
      return json_null ();
    case FIELD_INT:
      return json_integer (f->n);
    case FIELD_BOOL:
      return json_boolean (f->n);
    case FIELD_PLAIN:
      return json_stringn_nocheck (f->s, (size_t)f->n);
    case FIELD_STRING:
      return json_string (f->s);
    default:
      return json_string_bytes (f->s);
    }
}

static void
put_json (void *ctx, const struct field *f)
{
  json_object_set_new_nocheck (ctx, f->key, field_json (f));
}

json_t *
output_object (const struct nsipc_ipc_object *o, const char *label, const char *rule, const char *reason)
{
  json_t *j = json_object ();
  object_fields (o, label, rule, reason, put_json, j);
  return j;
}

/* An object written as text: its fields at OBJECT_FIELDS_DEPTH, put
   through a cursor (P) from where T's text ends. */
struct text_object
{
  struct output_text *t;
  char *p;
  size_t n;
};

/* F's head, with room after it for VALUE_MAX bytes: where its value goes. */
static inline __attribute__ ((always_inline)) char *
put_head (struct text_object *w, const struct field *f, size_t value_max)
{
  bool first = w->n++ == 0;
  char *p = room_at (w->t, w->p, f->head_len + value_max);
  return put_bytes (p, f->head + first, f->head_len - first);
}

static inline __attribute__ ((always_inline)) void
put_text (void *ctx, const struct field *f)
{
  struct text_object *w = ctx;
  switch (f->kind)
    {
    case FIELD_NULL:
      w->p = put_bytes (put_head (w, f, 4), "null", 4);
      break;
    case FIELD_INT:
      w->p = put_int (put_head (w, f, DECIMAL_MAX), f->n);
      break;
    case FIELD_BOOL:
      w->p = put_bytes (put_head (w, f, 5), f->n ? "true" : "false", f->n ? 4 : 5);
      break;
    case FIELD_PLAIN:
      {
        char *p = put_head (w, f, (size_t)f->n + 2);
        *p++ = '"';
        p = put_bytes (p, f->s, (size_t)f->n);
        *p++ = '"';
        w->p = p;
      }
      break;
    case FIELD_STRING:
      {
        size_t n = strlen (f->s);
        w->p = put_quoted (put_head (w, f, QUOTED_MAX (n)), f->s, n, false);
      }
      break;
    default:
      {
        _cleanup_json_ json_t *bytes = json_string_bytes (f->s);
        size_t n = json_string_length (bytes);
        w->p = put_quoted (put_head (w, f, QUOTED_MAX (n)), json_string_value (bytes), n, false);
      }
    }
}

/* ---- audit --json, written as audit judges -------------------------------

   The text output_dumps writes of {"namespaces": [output_namespace, ...],
   "skipped": N}, written a namespace at a time into W's text, not built as
   a tree first: at 20 objects a namespace, the tree and its writing were
   half of audit's time.  A namespace's members are at depth 3, its objects
   at 4 and their fields at OBJECT_FIELDS_DEPTH. */

/* Inline: most keys and depths are constants. */
static inline void
text_key (struct output_text *t, const char *key, bool first, int depth)
{
  add (t, ",", !first);
  add_line (t, depth);
  add (t, "\"", 1); /* nsipc's own key: nothing to escape */
  add (t, key, strlen (key));
  add (t, "\": ", 3);
}

static void
text_usage (struct output_text *t, const struct nsipc_inventory *inv)
{
  struct usage u;
  usage_of (inv, &u);
  add (t, "{", 1);
  for (int type = 0; type < OBJECT_TYPE_COUNT; type++)
    {
      text_key (t, policy_type_name (type), type == 0, 4);
      add (t, "{", 1);
      text_key (t, "count", true, 5);
      add_decimal (t, u.count[type]);
      for (size_t i = 0; i < u.n[type]; i++)
        {
          text_key (t, u.keys[type][i], false, 5);
          add_decimal (t, u.values[type][i]);
        }
      add_line (t, 4);
      add (t, "}", 1);
    }
  add_line (t, 3);
  add (t, "}", 1);
}

static void
text_limits (struct output_text *t, const struct nsipc_limit_set *limits)
{
  bool first = true;
  add (t, "{", 1);
  for (int id = 0; id < LIMIT_COUNT; id++)
    if (limits->set[id])
      {
        text_key (t, nsipc_limits[id].field, first, 4);
        add_decimal (t, limits->value[id]);
        first = false;
      }
  if (!first)
    add_line (t, 3);
  add (t, "}", 1);
}

void
output_audit_json_begin (struct output_audit_json *w, const struct nsipc_census_ns *ns,
                         const struct nsipc_limit_set *limits, const struct nsipc_inventory *inv)
{
  struct output_text *t = &w->text;
  w->begun = t->len;
  w->objects = 0;
  if (w->n++ == 0)
    add_literal (t, "{\n  \"namespaces\": [");
  else
    add (t, ",", 1);
  add_line (t, 2);
  add (t, "{", 1);
  text_key (t, "inode", true, 3);
  add_int (t, (int64_t)ns->inode);
  const char *kind = namespace_kind_name (ns->kind);
  text_key (t, "kind", false, 3);
  add_string (t, kind, strlen (kind));
  text_key (t, "owners", false, 3);
  _cleanup_json_ json_t *owners = owners_json (ns); /* a few, and their names need jansson's checks */
  add_value (t, owners, 3, &(struct style){ 0 });
  text_key (t, "limits", false, 3);
  text_limits (t, limits);
  text_key (t, "usage", false, 3);
  text_usage (t, inv);
  text_key (t, "objects", false, 3);
}

void
output_audit_json_object (struct output_audit_json *w, const struct nsipc_ipc_object *o, const char *label,
                          const char *rule, const char *reason)
{
  struct output_text *t = &w->text;
  add (t, w->objects++ ? "," : "[", 1);
  add_line (t, OBJECT_FIELDS_DEPTH - 1);
  add (t, "{", 1);
  struct text_object f = { t, t->s + t->len, 0 };
  object_fields (o, label, rule, reason, put_text, &f);
  t->len = (size_t)(f.p - t->s);
  add_line (t, OBJECT_FIELDS_DEPTH - 1);
  add (t, "}", 1);
}

void
output_audit_json_finish (struct output_audit_json *w, const struct nsipc_census_ns *ns, bool drop)
{
  struct output_text *t = &w->text;
  if (drop)
    {
      t->len = w->begun;
      w->n--;
      return;
    }
  if (w->objects)
    {
      add_line (t, 3);
      add (t, "]", 1);
    }
  else
    add (t, "[]", 2);
  /* Not every path is UTF-8: as output_namespace, no "name" then. */
  _cleanup_json_ json_t *name = ns->kind == NS_KIND_PINNED ? json_string (ns->name ? ns->name : ns->path) : NULL;
  if (name)
    {
      text_key (t, "name", false, 3);
      add_string (t, json_string_value (name), json_string_length (name));
    }
  if (ns->name)
    {
      text_key (t, "policy_changed", false, 3);
      if (ns->policy_changed < 0)
        add (t, "null", 4);
      else
        add (t, ns->policy_changed ? "true" : "false", ns->policy_changed ? 4 : 5);
    }
  add_line (t, 2);
  add (t, "}", 1);
  if (t->len >= OUTPUT_AUDIT_JSON_BLOCK)
    {
      fwrite (t->s, 1, t->len, w->out);
      t->len = 0;
    }
}

json_t *
output_namespace (const struct nsipc_census_ns *ns, const struct nsipc_limit_set *limits,
                  const struct nsipc_inventory *inv, json_t *objects)
{
  json_t *l = json_object ();
  for (int id = 0; id < LIMIT_COUNT; id++)
    if (limits->set[id])
      member (l, nsipc_limits[id].field, output_u64 (limits->value[id]));
  json_t *j = json_object ();
  member (j, "inode", json_integer ((json_int_t)ns->inode));
  member (j, "kind", json_string (namespace_kind_name (ns->kind)));
  member (j, "owners", owners_json (ns));
  member (j, "limits", l);
  member (j, "usage", usage_json (inv));
  member (j, "objects", objects);
  if (ns->kind == NS_KIND_PINNED)
    member (j, "name", json_string (ns->name ? ns->name : ns->path));
  if (ns->name) /* nsipc's own: whether its policy file changed since applied */
    member (j, "policy_changed", ns->policy_changed < 0 ? json_null () : json_boolean (ns->policy_changed));
  return j;
}

/* What fills up, each against its limit. */
static const struct
{
  const char *limit, *type, *field;
} gauges[] = {
  { "msgmni", "msg", "count" }, { "semmni", "sem", "count" }, { "semmns", "sem", "semaphores" },
  { "shmmni", "shm", "count" }, { "shmall", "shm", "pages" }, { "queues_max", "mqueue", "count" },
};

static double
use_ratio (json_t *ns, size_t g)
{
  double limit = (double)output_u64_value (json_object_get (json_object_get (ns, "limits"), gauges[g].limit));
  uint64_t used = output_u64_value (
      json_object_get (json_object_get (json_object_get (ns, "usage"), gauges[g].type), gauges[g].field));
  return limit > 0 ? (double)used / (double)limit : used > 0 ? 1.0 : 0.0;
}

static json_int_t
count_of (json_t *ns, const char *type)
{
  return json_integer_value (json_object_get (json_object_get (json_object_get (ns, "usage"), type), "count"));
}

static void
owner_text (json_t *ns, char *buf, size_t len)
{
  json_t *owners = json_object_get (ns, "owners");
  const char *name = json_string_value (json_object_get (ns, "name"));
  json_t *first = json_array_get (owners, 0);
  int n = 0;
  if (name)
    {
      /* Another pin's name is its mount path, which may hold any byte. */
      char shown[256];
      escape_controls (name, shown, sizeof shown);
      n = format (buf, len, "%s%s", shown,
                  json_is_true (json_object_get (ns, "policy_changed")) ? " (policy changed)" : "");
    }
  if (first && (size_t)n < len)
    {
      /* A container's name may come from a cgroup someone else named. */
      char container[128];
      const char *id = json_string_value (json_object_get (first, "container"));
      escape_controls (id ? id : "", container, sizeof container);
      n += format (buf + n, len - n, "%s%s (%s)", n ? " " : "", id ? container : "pid",
                   json_string_value (json_object_get (first, "runtime")));
      if (!id && (size_t)n < len)
        n += format (buf + n, len - n - 1, " %" JSON_INTEGER_FORMAT,
                     json_integer_value (json_array_get (json_object_get (first, "pids"), 0)));
      if (json_array_size (owners) > 1 && (size_t)n < len)
        format (buf + n, len - n, " +%zu", json_array_size (owners) - 1);
    }
  if (buf[0] == '\0')
    format (buf, len, "-");
}

static void
object_line (FILE *out, json_t *o)
{
  const char *type = json_string_value (json_object_get (o, "type"));
  const char *key = json_string_value (json_object_get (o, "key")) ?: "-";
  const char *label = json_string_value (json_object_get (o, "policy_object"));
  char detail[64] = "";
  if (strcmp (type, "shm") == 0)
    {
      char size[32];
      units_format_size (json_integer_value (json_object_get (o, "size")), size, sizeof size);
      format (detail, sizeof detail, "%s nattch %" JSON_INTEGER_FORMAT, size,
              json_integer_value (json_object_get (o, "nattch")));
    }
  else if (strcmp (type, "sem") == 0)
    format (detail, sizeof detail, "%" JSON_INTEGER_FORMAT " semaphores",
            json_integer_value (json_object_get (o, "nsems")));
  else if (strcmp (type, "msg") == 0)
    format (detail, sizeof detail, "%" JSON_INTEGER_FORMAT " messages %" JSON_INTEGER_FORMAT "B",
            json_integer_value (json_object_get (o, "messages")), json_integer_value (json_object_get (o, "bytes")));
  else
    escape_controls (json_string_value (json_object_get (o, "name")) ?: "", detail, sizeof detail);
  char id[24] = "-";
  if (json_is_integer (json_object_get (o, "id")))
    format (id, sizeof id, "%" JSON_INTEGER_FORMAT, json_integer_value (json_object_get (o, "id")));
  fprintf (out, "    %-6s %-10s id %-6s %s %5" JSON_INTEGER_FORMAT ":%-5" JSON_INTEGER_FORMAT "  %-24s  ", type, key,
           id, json_string_value (json_object_get (o, "mode")), json_integer_value (json_object_get (o, "uid")),
           json_integer_value (json_object_get (o, "gid")), detail);
  if (json_is_true (json_object_get (o, "orphan")))
    fprintf (out, "ORPHAN: %s\n", json_string_value (json_object_get (o, "reason")));
  else if (label)
    fprintf (out, "policy: %s\n", label);
  else
    fprintf (out, "kept (%s): %s\n", json_string_value (json_object_get (o, "rule")),
             json_string_value (json_object_get (o, "reason")));
}

void
output_audit_table (FILE *out, json_t *audit)
{
  fprintf (out, "%-12s %-8s %-36s %4s %4s %4s %4s  %s\n", "NAMESPACE", "KIND", "NAME/OWNER", "MSG", "SEM", "SHM", "MQ",
           "FULLEST");
  size_t i;
  json_t *ns;
  json_array_foreach (json_object_get (audit, "namespaces"), i, ns)
  {
    size_t fullest = 0;
    for (size_t g = 1; g < sizeof gauges / sizeof gauges[0]; g++)
      if (use_ratio (ns, g) > use_ratio (ns, fullest))
        fullest = g;
    char owner[128] = "";
    owner_text (ns, owner, sizeof owner);
    fprintf (out,
             "%-12" JSON_INTEGER_FORMAT " %-8s %-36.36s %4" JSON_INTEGER_FORMAT " %4" JSON_INTEGER_FORMAT
             " %4" JSON_INTEGER_FORMAT " %4" JSON_INTEGER_FORMAT "  %s %.0f%%\n",
             json_integer_value (json_object_get (ns, "inode")), json_string_value (json_object_get (ns, "kind")),
             owner, count_of (ns, "msg"), count_of (ns, "sem"), count_of (ns, "shm"), count_of (ns, "mqueue"),
             gauges[fullest].limit, 100 * use_ratio (ns, fullest));
    size_t k;
    json_t *o;
    json_array_foreach (json_object_get (ns, "objects"), k, o) object_line (out, o);
  }
  json_int_t skipped = json_integer_value (json_object_get (audit, "skipped"));
  if (skipped)
    fprintf (out, "(%" JSON_INTEGER_FORMAT " %s skipped: %s IPC namespace could not be read)\n", skipped,
             skipped == 1 ? "process" : "processes", skipped == 1 ? "its" : "their");
}

/* Label values escape \, " and newline. */
static void
label_value (FILE *out, const char *s)
{
  for (; s && *s; s++)
    {
      if (*s == '\\' || *s == '"')
        fputc ('\\', out);
      if (*s == '\n')
        fputs ("\\n", out);
      else
        fputc (*s, out);
    }
}

static void
labels (FILE *out, json_t *ns, const char *extra_key, const char *extra)
{
  json_t *owner = json_array_get (json_object_get (ns, "owners"), 0);
  fprintf (out, "{namespace=\"%" JSON_INTEGER_FORMAT "\",kind=\"%s\",name=\"",
           json_integer_value (json_object_get (ns, "inode")), json_string_value (json_object_get (ns, "kind")));
  label_value (out, json_string_value (json_object_get (ns, "name")));
  fputs ("\",container=\"", out);
  label_value (out, json_string_value (json_object_get (owner, "container")));
  fprintf (out, "\",%s=\"%s\"}", extra_key, extra);
}

static void
metric_header (FILE *out, const char *name, const char *help)
{
  fprintf (out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

void
output_audit_prometheus (FILE *out, json_t *audit)
{
  static const char *const types[] = { "msg", "sem", "shm", "mqueue" };
  json_t *list = json_object_get (audit, "namespaces"), *ns;
  size_t i;
  metric_header (out, "nsipc_ipc_objects", "IPC objects in a namespace, by type.");
  json_array_foreach (list, i, ns) for (size_t t = 0; t < 4; t++)
  {
    fputs ("nsipc_ipc_objects", out);
    labels (out, ns, "type", types[t]);
    fprintf (out, " %" JSON_INTEGER_FORMAT "\n", count_of (ns, types[t]));
  }
  metric_header (out, "nsipc_ipc_bytes", "Bytes in IPC objects: shared memory size, queued message bytes.");
  json_array_foreach (list, i, ns) for (size_t t = 0; t < 3; t += 2)
  {
    fputs ("nsipc_ipc_bytes", out);
    labels (out, ns, "type", types[t]);
    fprintf (out, " %" PRIu64 "\n",
             output_u64_value (json_object_get (json_object_get (json_object_get (ns, "usage"), types[t]), "bytes")));
  }
  metric_header (out, "nsipc_limit_use_ratio", "How full an IPC limit is, 0 to 1.");
  json_array_foreach (list, i, ns) for (size_t g = 0; g < sizeof gauges / sizeof gauges[0]; g++)
  {
    fputs ("nsipc_limit_use_ratio", out);
    labels (out, ns, "limit", gauges[g].limit);
    fprintf (out, " %.6g\n", use_ratio (ns, g));
  }
  metric_header (out, "nsipc_orphan_objects", "IPC objects that no live process uses.");
  json_array_foreach (list, i, ns) for (size_t t = 0; t < 4; t++)
  {
    size_t k, n = 0;
    json_t *o;
    json_array_foreach (json_object_get (ns, "objects"), k, o) n
        += json_is_true (json_object_get (o, "orphan"))
           && strcmp (json_string_value (json_object_get (o, "type")), types[t]) == 0;
    fputs ("nsipc_orphan_objects", out);
    labels (out, ns, "type", types[t]);
    fprintf (out, " %zu\n", n);
  }
  metric_header (out, "nsipc_skipped_processes", "Processes whose IPC namespace could not be read.");
  fprintf (out, "nsipc_skipped_processes %" JSON_INTEGER_FORMAT "\n",
           json_integer_value (json_object_get (audit, "skipped")));
}

/* ns list's table, as lsipc prints its own: columns declared once. */
enum
{
  COL_NAME,
  COL_INODE,
  COL_POLICY,
  COL_MSG,
  COL_SEM,
  COL_SHM,
  COL_MQUEUE,
  COL_PROCS,
  COL_CREATED,
  COL_STATE,
  COL_COUNT
};

const struct table_column output_ns_columns[COL_COUNT] = {
  [COL_NAME] = { "NAME", "namespace name", false },
  [COL_INODE] = { "INODE", "IPC namespace inode", true },
  [COL_POLICY] = { "POLICY", "policy last applied", false },
  [COL_MSG] = { "MSG", "message queues", true },
  [COL_SEM] = { "SEM", "semaphore sets", true },
  [COL_SHM] = { "SHM", "shared memory segments", true },
  [COL_MQUEUE] = { "MQUEUE", "POSIX message queues", true },
  [COL_PROCS] = { "PROCS", "processes inside", true },
  [COL_CREATED] = { "CREATED", "creation time (UTC)", false },
  [COL_STATE] = { "STATE", "ready, incomplete, pin missing, or policy changed", false },
};

static const char default_columns[] = "NAME,INODE,POLICY,MSG,SEM,SHM,MQUEUE,PROCS,CREATED,STATE";

static char *
number (json_t *j)
{
  char *s;
  s = xasprintf ("%" JSON_INTEGER_FORMAT, json_integer_value (j));
  return s;
}

static const char *
state_of (json_t *ns)
{
  if (!json_is_true (json_object_get (ns, "complete")))
    return "incomplete";
  if (!json_is_true (json_object_get (ns, "pinned")))
    return "pin missing";
  return json_is_true (json_object_get (ns, "policy_changed")) ? "policy changed" : "ready";
}

int
output_ns_table (FILE *out, json_t *list, const struct table_options *o, nsipc_error *err)
{
  size_t n = json_array_size (list);
  _cleanup_free_ char **cells = xcalloc (n * COL_COUNT + 1, sizeof *cells);
  for (size_t i = 0; i < n; i++)
    {
      json_t *ns = json_array_get (list, i), *objects = json_object_get (ns, "objects");
      char **row = cells + i * COL_COUNT;
      const char *policy = json_string_value (json_object_get (ns, "policy"));
      row[COL_NAME] = xstrdup (json_string_value (json_object_get (ns, "name")));
      row[COL_INODE] = number (json_object_get (ns, "inode"));
      row[COL_POLICY] = xstrdup (policy ? policy : "-");
      row[COL_MSG] = number (json_object_get (objects, "msg"));
      row[COL_SEM] = number (json_object_get (objects, "sem"));
      row[COL_SHM] = number (json_object_get (objects, "shm"));
      row[COL_MQUEUE] = number (json_object_get (objects, "mqueue"));
      row[COL_PROCS] = number (json_object_get (ns, "processes"));
      row[COL_CREATED] = xstrdup (json_string_value (json_object_get (ns, "created")) ?: "-");
      row[COL_STATE] = xstrdup (state_of (ns));
    }
  int r = table_print (out, output_ns_columns, COL_COUNT, default_columns, o, cells, n, err);
  for (size_t i = 0; i < n * COL_COUNT; i++)
    free (cells[i]);
  return r;
}

const size_t output_ns_n_columns = COL_COUNT;

/* One line per event, as the log and a person read it: "removed shm key
   0x00000501 id 3 from IPC namespace 4026532177 pod1: not attached, …". */
/* A removal's line is built by hand, not by printf: gc prints one per
   removal, often 10 000 in a run, and printf and escaping the whole line
   took a fifth of gc's time.  Only the text others chose (queue, namespace
   and container names) is escaped. */
struct line
{
  char *at, *end; /* END: the last byte, kept for the NUL */
};

static void
put (struct line *l, const char *s)
{
  size_t n = strnlen (s, l->end - l->at);
  memcpy (l->at, s, n);
  *(l->at += n) = '\0';
}

static void
put_escaped (struct line *l, const char *s)
{
  bool whole = escape_controls (s, l->at, l->end - l->at + 1);
  l->at += strlen (l->at);
  if (!whole) /* cut: nothing may follow */
    l->end = l->at;
}

static void
put_number (struct line *l, uint64_t n, unsigned base, int width)
{
  char buf[24];
  put (l, digits (buf, n, base, width));
}

/* A System V object's start of line, "removed shm key 0x00000501 id 3",
   at P, which has room for REMOVAL_START_MAX bytes (the longest, "would
   remove sem key 0x… id 2147483647", is 45): its end. */
#define REMOVAL_START_MAX 48
static char *
removal_start (char *p, const struct nsipc_removal *o, bool dry_run)
{
  char buf[24];
  p = dry_run ? mempcpy (p, "would remove ", 13) : mempcpy (p, "removed ", 8);
  p = mempcpy (p, policy_type_name (o->type), 3); /* "msg", "sem", "shm" */
  p = mempcpy (p, " key 0x", 7);                  /* key_text's "0x%08x", without its copies */
  p = mempcpy (p, digits (buf, o->key, 16, 8), 8);
  p = mempcpy (p, " id ", 4);
  const char *id = digits (buf, (unsigned)o->id, 10, 1);
  return mempcpy (p, id, (size_t)(buf + 23 - id));
}

/* The line's start, or a queue's "removed mqueue NAME". */
static void
removal_what (struct line *l, const struct nsipc_removal *o, bool dry_run)
{
  if (o->type != OBJECT_MQUEUE)
    {
      char start[REMOVAL_START_MAX];
      *removal_start (start, o, dry_run) = '\0';
      put (l, start);
      return;
    }
  put (l, dry_run ? "would remove " : "removed ");
  put (l, "mqueue "); /* a queue has a name, no key or id */
  put_escaped (l, o->name);
}

/* " from IPC namespace 4026532177 pod1": the namespace's part. */
static void
removal_where (struct line *l, const struct gc_event *e)
{
  put (l, " from IPC namespace ");
  put_number (l, e->ns, 10, 1);
  if (e->name || e->container)
    {
      put (l, e->name ? " " : " container ");
      put_escaped (l, e->name ? e->name : e->container);
    }
}

static void
removal_line (const struct gc_event *e, bool dry_run, char *out, size_t len)
{
  struct line l = { out, out + len - 1 };
  *out = '\0';
  removal_what (&l, e->removal, dry_run);
  removal_where (&l, e);
  put (&l, ": ");
  put (&l, e->removal->reason); /* nsipc's own words and numbers */
}

/* SEEN->where for E's namespace, unless it has it already.  A part that
   does not fit whole is not kept: its lines take the slow way, which cuts
   them as output_gc_line does. */
static void
see_namespace (struct output_gc_seen *seen, const struct gc_event *e)
{
  if (seen->made && seen->ns == e->ns && seen->name == e->name && seen->container == e->container)
    return;
  struct line l = { seen->where, seen->where + sizeof seen->where - 1 };
  *l.at = '\0';
  removal_where (&l, e);
  put (&l, ": ");
  seen->len = l.at < l.end ? (size_t)(l.at - seen->where) : 0;
  seen->made = true, seen->ns = e->ns, seen->name = e->name, seen->container = e->container;
}

size_t
output_gc_removal (struct output_gc_seen *seen, const struct gc_event *e, bool dry_run, char *out, size_t len)
{
  const struct nsipc_removal *o = e->removal;
  see_namespace (seen, e);
  size_t reason = strnlen (o->reason, sizeof o->reason);
  if (o->type == OBJECT_MQUEUE || seen->len == 0 || REMOVAL_START_MAX + seen->len + reason >= len)
    {
      removal_line (e, dry_run, out, len);
      return strlen (out);
    }
  char *p = removal_start (out, o, dry_run);
  p = mempcpy (p, seen->where, seen->len);
  p = mempcpy (p, o->reason, reason);
  *p = '\0';
  return (size_t)(p - out);
}

void
output_gc_line (const struct gc_event *e, bool dry_run, char *out, size_t len)
{
  char line[1024];
  if (e->kind == GC_REMOVED)
    {
      removal_line (e, dry_run, out, len);
      return;
    }
  if (e->kind == GC_UNPINNED)
    format (line, sizeof line, "%s %s pinned namespace %s (%" PRIu64 ")", dry_run ? "would unpin" : "unpinned",
            e->interrupted ? "half-made" : "unused", e->name, e->ns);
  else
    format (line, sizeof line, "%s stale record of container %s", dry_run ? "would drop" : "dropped", e->container);
  escape_controls (line, out, len);
}

static json_t *
removal_json (const struct gc_event *e)
{
  const struct nsipc_removal *o = e->removal;
  bool mq = o->type == OBJECT_MQUEUE;
  return json_pack ("{s:I, s:s?, s:s?, s:s, s:o, s:o, s:o?, s:s}", "namespace", (json_int_t)e->ns, "name", e->name,
                    "container", e->container, "type", policy_type_name (o->type), "key",
                    mq ? json_null () : output_key (o->key), "id", mq ? json_null () : json_integer (o->id), "mqueue",
                    o->name ? json_string_bytes (o->name) : NULL, "reason", e->removal->reason);
}

json_t *
output_gc_event_json (const struct gc_event *e)
{
  static const char *const kinds[] = { [GC_REMOVED] = "removed", [GC_UNPINNED] = "unpinned", [GC_DROPPED] = "dropped" };
  char line[1024];
  output_gc_line (e, false, line, sizeof line);
  json_t *j = e->kind == GC_REMOVED    ? removal_json (e)
              : e->kind == GC_UNPINNED ? json_pack ("{s:s, s:I}", "name", e->name, "namespace", (json_int_t)e->ns)
                                       : json_pack ("{s:s}", "container", e->container);
  json_object_set_new (j, "event", json_string (kinds[e->kind]));
  json_object_set_new (j, "message", json_string (line));
  return j;
}

json_t *
output_removal_json (const char *container, uint64_t ns, const struct nsipc_removal *r)
{
  struct gc_event e = { .kind = GC_REMOVED, .ns = ns, .container = container, .removal = r };
  json_t *j = removal_json (&e);
  char line[1024];
  output_removal_line (container, ns, r, line, sizeof line);
  json_object_set_new (j, "event", json_string ("removed"));
  json_object_set_new (j, "message", json_string (line));
  return j;
}

void
output_gc_json_add (struct gc_json *j, const struct gc_event *e)
{
  if (j->removed == NULL)
    {
      j->removed = json_array ();
      j->pins = json_array ();
      j->records = json_array ();
    }
  if (e->kind == GC_REMOVED)
    json_array_append_new (j->removed, removal_json (e));
  else if (e->kind == GC_UNPINNED)
    json_array_append_new (j->pins, json_pack ("{s:s, s:I}", "name", e->name, "namespace", (json_int_t)e->ns));
  else
    json_array_append_new (j->records, json_string (e->container));
}

void
output_gc_json (FILE *out, struct gc_json *j, const struct gc_report *r, bool dry_run)
{
  json_t *errors = json_array ();
  for (size_t i = 0; i < r->errors.n; i++)
    json_array_append_new (errors, json_string (r->errors.lines[i]));
  _cleanup_json_ json_t *top = json_pack ("{s:b, s:o, s:I, s:o, s:o, s:o}", "dry_run", dry_run, "removed",
                                          j->removed ? j->removed : json_array (), "kept_in_use", (json_int_t)r->kept,
                                          "errors", errors, "pins_removed", j->pins ? j->pins : json_array (),
                                          "records_removed", j->records ? j->records : json_array ());
  *j = (struct gc_json){ 0 };
  _cleanup_free_ char *text = output_dumps (top);
  if (text)
    {
      fputs (text, out);
      fputc ('\n', out);
    }
}

void
output_removal_line (const char *container, uint64_t ns, const struct nsipc_removal *r, char *out, size_t len)
{
  const struct nsipc_removal *o = r;
  char line[1024];
  format (line, sizeof line,
          "container %s: removed %s key 0x%08" PRIx32 " id %d%s%s from IPC namespace %" PRIu64 ": %s", container,
          policy_type_name (o->type), o->key, o->id, o->name ? " " : "", o->name ? o->name : "", ns, r->reason);
  escape_controls (line, out, len); /* a queue's name is the workload's */
}

/* audit -o/-r/-n: one row per object, lsipc's way, with its namespace. */
enum
{
  AC_NAMESPACE,
  AC_KIND,
  AC_NAME,
  AC_TYPE,
  AC_KEY,
  AC_ID,
  AC_QUEUE,
  AC_MODE,
  AC_UID,
  AC_GID,
  AC_CUID,
  AC_CPID,
  AC_SIZE,
  AC_NATTCH,
  AC_NSEMS,
  AC_MESSAGES,
  AC_POLICY,
  AC_RULE,
  AC_REASON,
  AC_COUNT
};

const struct table_column output_audit_columns[AC_COUNT] = {
  [AC_NAMESPACE] = { "NAMESPACE", "IPC namespace inode", true },
  [AC_KIND] = { "KIND", "host, private, shared or pinned", false },
  [AC_NAME] = { "NAME", "named namespace, or first container", false },
  [AC_TYPE] = { "TYPE", "msg, sem, shm or mqueue", false },
  [AC_KEY] = { "KEY", "System V key", false },
  [AC_ID] = { "ID", "System V id", true },
  [AC_QUEUE] = { "QUEUE", "POSIX queue name", false },
  [AC_MODE] = { "MODE", "permissions", false },
  [AC_UID] = { "UID", "owner", true },
  [AC_GID] = { "GID", "group", true },
  [AC_CUID] = { "CUID", "creator's uid", true },
  [AC_CPID] = { "CPID", "creator's pid (segments)", true },
  [AC_SIZE] = { "SIZE", "segment bytes, or bytes queued", true },
  [AC_NATTCH] = { "NATTCH", "attaches (segments)", true },
  [AC_NSEMS] = { "NSEMS", "semaphores in the set", true },
  [AC_MESSAGES] = { "MESSAGES", "messages queued", true },
  [AC_POLICY] = { "POLICY", "the policy's label for it", false },
  [AC_RULE] = { "RULE", "the rule that keeps it, or orphan", false },
  [AC_REASON] = { "REASON", "why, in words", false },
};

const size_t output_audit_n_columns = AC_COUNT;

static char *
cell_of (json_t *j)
{
  if (json_is_string (j))
    return xstrdup (json_string_value (j));
  if (json_is_integer (j))
    return xasprintf ("%" JSON_INTEGER_FORMAT, json_integer_value (j));
  return NULL;
}

static void
object_row (json_t *ns, json_t *obj, char **row)
{
  json_t *name = json_object_get (ns, "name");
  if (name == NULL) /* else the first container's id */
    name = json_object_get (json_array_get (json_object_get (ns, "owners"), 0), "container");
  const char *type = json_string_value (json_object_get (obj, "type"));
  row[AC_NAMESPACE] = cell_of (json_object_get (ns, "inode"));
  row[AC_KIND] = cell_of (json_object_get (ns, "kind"));
  row[AC_NAME] = cell_of (name);
  row[AC_TYPE] = cell_of (json_object_get (obj, "type"));
  row[AC_KEY] = cell_of (json_object_get (obj, "key"));
  row[AC_ID] = cell_of (json_object_get (obj, "id"));
  row[AC_QUEUE] = cell_of (json_object_get (obj, "name"));
  row[AC_MODE] = cell_of (json_object_get (obj, "mode"));
  row[AC_UID] = cell_of (json_object_get (obj, "uid"));
  row[AC_GID] = cell_of (json_object_get (obj, "gid"));
  row[AC_CUID] = cell_of (json_object_get (obj, "cuid"));
  row[AC_CPID] = cell_of (json_object_get (obj, "cpid"));
  row[AC_SIZE] = cell_of (json_object_get (obj, strcmp (type ? type : "", "msg") == 0 ? "bytes" : "size"));
  row[AC_NATTCH] = cell_of (json_object_get (obj, "nattch"));
  row[AC_NSEMS] = cell_of (json_object_get (obj, "nsems"));
  row[AC_MESSAGES] = cell_of (json_object_get (obj, "messages"));
  row[AC_POLICY] = cell_of (json_object_get (obj, "policy_object"));
  row[AC_RULE] = cell_of (json_object_get (obj, "rule"));
  char reason[512];
  escape_controls (json_string_value (json_object_get (obj, "reason")) ?: "", reason, sizeof reason);
  row[AC_REASON] = xstrdup (reason);
}

int
output_audit_objects (FILE *out, json_t *audit, const struct table_options *o, nsipc_error *err)
{
  size_t rows = 0, i, k;
  json_t *ns, *obj;
  json_array_foreach (json_object_get (audit, "namespaces"), i, ns) rows
      += json_array_size (json_object_get (ns, "objects"));
  _cleanup_free_ char **cells = xcalloc (rows * AC_COUNT + 1, sizeof *cells);
  size_t r = 0;
  json_array_foreach (json_object_get (audit, "namespaces"), i, ns)
  {
    json_array_foreach (json_object_get (ns, "objects"), k, obj) object_row (ns, obj, cells + AC_COUNT * r++);
  }
  int ret = table_print (out, output_audit_columns, AC_COUNT,
                         "NAMESPACE,NAME,TYPE,KEY,ID,QUEUE,MODE,UID,GID,SIZE,RULE,REASON", o, cells, rows, err);
  for (size_t c = 0; c < rows * AC_COUNT; c++)
    free (cells[c]);
  return ret;
}
