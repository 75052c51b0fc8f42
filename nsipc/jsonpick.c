/* json_pick: a reader of JSON's structure that keeps where the wanted
   members lie, then jansson on those alone. */
#include "jsonpick.h"

#include <stdbool.h>
#include <string.h>

#include "format.h"
#include "util.h"

#define PICK_MAX 8
/* Deeper documents are parsed whole (jansson's own limit is 2048). */
#define DEPTH_MAX 512

struct span
{
  const char *start;
  size_t len;
};

struct picker
{
  const char *const *paths;
  size_t n;
  struct span found[PICK_MAX];
  bool escaped_key; /* a key that would need decoding to compare */
  /* A member a path names, or its parent, given twice, or spelled as Go
     still takes it (another case): where, what runc reads it as, which. */
  const char *odd_at;
  char odd_name[128];
  bool odd_twice;
  unsigned seen[PICK_MAX][2]; /* keys matched: the parent's, the member's */
};

struct reader
{
  const char *p, *end;
  int depth;
};

static void
skip_space (struct reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
    r->p++;
}

static bool
is_hex (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

/* The string at r->p: TEXT is set to what lies between its quotes, and
   ESCAPED to whether that holds an escape. */
static bool
read_string (struct reader *r, struct span *text, bool *escaped)
{
  if (r->p >= r->end || *r->p != '"')
    return false;
  text->start = ++r->p;
  *escaped = false;
  for (; r->p < r->end; r->p++)
    {
      unsigned char c = (unsigned char)*r->p;
      if (c == '"')
        {
          text->len = (size_t)(r->p++ - text->start);
          return true;
        }
      if (c < 0x20)
        return false;
      if (c != '\\')
        continue;
      *escaped = true;
      if (++r->p >= r->end)
        return false;
      if (*r->p == 'u')
        {
          for (int i = 0; i < 4; i++)
            if (++r->p >= r->end || !is_hex (*r->p))
              return false;
        }
      else if (memchr ("\"\\/bfnrt", *r->p, 8) == NULL)
        return false;
    }
  return false;
}

/* How many digits start P, of LEN bytes, from *I on; *I is moved past them. */
static size_t
skip_digits (const char *p, size_t len, size_t *i)
{
  size_t from = *i;
  while (*i < len && is_digit (p[*i]))
    (*i)++;
  return *i - from;
}

size_t
json_number_len (const char *p, size_t len)
{
  size_t i = len > 0 && p[0] == '-';
  if (i < len && p[i] == '0')
    i++;
  else if (skip_digits (p, len, &i) == 0)
    return 0;
  if (i < len && p[i] == '.' && (i++, skip_digits (p, len, &i) == 0))
    return 0;
  if (i < len && (p[i] == 'e' || p[i] == 'E'))
    {
      i++;
      i += i < len && (p[i] == '+' || p[i] == '-');
      if (skip_digits (p, len, &i) == 0)
        return 0;
    }
  return i;
}

static bool
skip_number (struct reader *r)
{
  size_t n = json_number_len (r->p, (size_t)(r->end - r->p));
  r->p += n;
  return n > 0;
}

static bool
skip_word (struct reader *r, const char *word)
{
  size_t len = strlen (word);
  if ((size_t)(r->end - r->p) < len || memcmp (r->p, word, len) != 0)
    return false;
  r->p += len;
  return true;
}

static bool skip_value (struct reader *r);
static bool pick_member (struct reader *r, struct picker *pk, const struct span *parent, const struct span *key);

/* The object or array at r->p.  With PK, an object whose members are
   matched against the paths (pick_member); without, skipped. */
static bool
skip_container (struct reader *r, struct picker *pk, const struct span *parent)
{
  char close = *r->p == '{' ? '}' : ']';
  if (++r->depth > DEPTH_MAX)
    return false;
  r->p++;
  skip_space (r);
  if (r->p < r->end && *r->p == close)
    return r->p++, r->depth--, true;
  for (;;)
    {
      if (close == '}')
        {
          struct span key;
          bool escaped;
          if (!read_string (r, &key, &escaped))
            return false;
          skip_space (r);
          if (r->p >= r->end || *r->p++ != ':')
            return false;
          skip_space (r);
          if (pk && escaped)
            pk->escaped_key = true;
          if (!(pk ? pick_member (r, pk, parent, &key) : skip_value (r)))
            return false;
        }
      else if (!skip_value (r))
        return false;
      skip_space (r);
      if (r->p >= r->end)
        return false;
      char c = *r->p++;
      if (c == close)
        return r->depth--, true;
      if (c != ',')
        return false;
      skip_space (r);
    }
}

static bool
skip_value (struct reader *r)
{
  skip_space (r);
  if (r->p >= r->end)
    return false;
  struct span text;
  bool escaped;
  switch (*r->p)
    {
    case '"':
      return read_string (r, &text, &escaped);
    case '{':
    case '[':
      return skip_container (r, NULL, NULL);
    case 't':
      return skip_word (r, "true");
    case 'f':
      return skip_word (r, "false");
    case 'n':
      return skip_word (r, "null");
    default:
      return skip_number (r);
    }
}

static bool
same (const struct span *a, const struct span *b)
{
  return a->len == b->len && memcmp (a->start, b->start, a->len) == 0;
}

static char
lower (char c)
{
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool
json_key_folds (const char *key, size_t len, const char *name, size_t name_len)
{
  size_t i = 0;
  for (size_t k = 0; k < name_len; k++)
    {
      char want = lower (name[k]);
      if (i < len && (unsigned char)key[i] < 0x80 && lower (key[i]) == want)
        i++;
      else if (want == 's' && len - i >= 2 && memcmp (key + i, "\xc5\xbf", 2) == 0) /* U+017F */
        i += 2;
      else if (want == 'k' && len - i >= 3 && memcmp (key + i, "\xe2\x84\xaa", 3) == 0) /* U+212A */
        i += 3;
      else
        return false;
    }
  return i == len;
}

static bool
folds (const struct span *key, const struct span *name)
{
  return json_key_folds (key->start, key->len, name->start, name->len);
}

enum role
{
  NOT_NAMED,
  NAMED,     /* the path names the member */
  PARENT_OF, /* the path names a member of it */
};

/* What PATH makes of the member KEY of the object that is the member
   PARENT of the top one (NULL: of the top one), when KEY is compared by
   MATCH; NAME is set to the part of PATH it matched. */
static enum role
role_of (const char *path, const struct span *parent, const struct span *key,
         bool (*match) (const struct span *, const struct span *), struct span *name)
{
  const char *dot = strchr (path, '.');
  struct span first = { path, dot ? (size_t)(dot - path) : strlen (path) };
  *name = first;
  if (parent == NULL)
    return !match (key, &first) ? NOT_NAMED : dot ? PARENT_OF : NAMED;
  if (dot == NULL || !same (&first, parent))
    return NOT_NAMED;
  *name = (struct span){ dot + 1, strlen (dot + 1) };
  return match (key, name) ? NAMED : NOT_NAMED;
}

/* KEY as runc would read it: a second time (Go merges, or keeps the last
   of scalars, where jansson keeps the last whole), or spelled otherwise
   than the member it fills. */
static void
note_odd (struct picker *pk, const struct span *key, const struct span *name, bool twice)
{
  if (pk->odd_at)
    return;
  pk->odd_at = key->start;
  format (pk->odd_name, sizeof pk->odd_name, "%.*s", (int)name->len, name->start);
  pk->odd_twice = twice;
}

/* The member KEY, its value at r->p, of the object PARENT (NULL: the top
   one): read, and kept where a path names it. */
static bool
pick_member (struct reader *r, struct picker *pk, const struct span *parent, const struct span *key)
{
  const char *start = r->p;
  enum role roles[PICK_MAX];
  bool parent_of = false;
  for (size_t i = 0; i < pk->n; i++)
    {
      struct span name;
      roles[i] = role_of (pk->paths[i], parent, key, same, &name);
      if (roles[i] == NOT_NAMED && role_of (pk->paths[i], parent, key, folds, &name) != NOT_NAMED)
        note_odd (pk, key, &name, false);
      if (roles[i] != NOT_NAMED && ++pk->seen[i][roles[i] == NAMED] > 1)
        note_odd (pk, key, &name, true);
      /* A twin replaces its elder, and what the elder held. */
      if (roles[i] != NOT_NAMED)
        pk->found[i] = (struct span){ NULL, 0 };
      parent_of |= roles[i] == PARENT_OF;
    }
  if (!(parent_of && r->p < r->end && *r->p == '{' ? skip_container (r, pk, key) : skip_value (r)))
    return false;
  for (size_t i = 0; i < pk->n; i++)
    if (roles[i] == NAMED)
      pk->found[i] = (struct span){ start, (size_t)(r->p - start) };
  return true;
}

/* PATH's first key in FIRST; its second, or NULL. */
static const char *
split_path (const char *path, char first[128])
{
  const char *dot = strchr (path, '.');
  format (first, 128, "%.*s", dot ? (int)(dot - path) : (int)strlen (path), path);
  return dot ? dot + 1 : NULL;
}

/* VALUE (a reference taken) at PATH of DOC. */
static void
put (json_t *doc, const char *path, json_t *value)
{
  char first[128];
  const char *second = split_path (path, first);
  if (second == NULL)
    {
      json_object_set_new (doc, first, value);
      return;
    }
  json_t *parent = json_object_get (doc, first);
  if (parent == NULL)
    json_object_set_new (doc, first, parent = json_object ());
  json_object_set_new (parent, second, value);
}

/* The document of what PK found; NULL when jansson refuses a part. */
static json_t *
found_document (const struct picker *pk)
{
  _cleanup_json_ json_t *doc = json_object ();
  for (size_t i = 0; i < pk->n; i++)
    {
      if (pk->found[i].start == NULL)
        continue;
      json_t *value = json_loadb (pk->found[i].start, pk->found[i].len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
      if (value == NULL)
        return NULL;
      put (doc, pk->paths[i], value);
    }
  return steal_pointer (&doc);
}

/* The members PK names of WHOLE, an object parsed whole (its twins were
   refused); a key at the levels read that Go takes for a member a path
   names, but spelled otherwise, is noted in PK. */
static json_t *
members_of (json_t *whole, struct picker *pk)
{
  json_t *doc = json_object ();
  for (size_t i = 0; i < pk->n; i++)
    {
      char first[128];
      const char *second = split_path (pk->paths[i], first);
      json_t *parent = json_object_get (whole, first), *value = second ? json_object_get (parent, second) : parent;
      const char *key;
      json_t *v;
      json_object_foreach (whole, key, v)
      {
        struct span k = { key, strlen (key) }, name = { first, strlen (first) };
        if (strcmp (key, first) != 0 && folds (&k, &name))
          note_odd (pk, &k, &name, false);
      }
      json_object_foreach (second && json_is_object (parent) ? parent : NULL, key, v)
      {
        struct span k = { key, strlen (key) }, name = { second, strlen (second) };
        if (strcmp (key, second) != 0 && folds (&k, &name))
          note_odd (pk, &k, &name, false);
      }
      if (value)
        put (doc, pk->paths[i], json_incref (value));
    }
  return doc;
}

/* *JERR for the odd key PK noted, at its place in TEXT when it is there. */
static void
odd_error (const struct picker *pk, const char *text, size_t len, json_error_t *jerr)
{
  memset (jerr, 0, sizeof *jerr);
  format (jerr->source, sizeof jerr->source, "json_pick");
  format (jerr->text, sizeof jerr->text,
          pk->odd_twice ? "\"%s\" is given twice, and runc (Go) reads both"
                        : "a key that runc (Go) reads as \"%s\" is spelled otherwise",
          pk->odd_name);
  if (pk->odd_at < text || pk->odd_at > text + len)
    return; /* a key of the whole document, decoded */
  jerr->position = (int)(pk->odd_at - text);
  jerr->line = 1;
  const char *line = text;
  for (const char *p = text; p < pk->odd_at; p++)
    if (*p == '\n')
      jerr->line++, line = p + 1;
  jerr->column = (int)(pk->odd_at - line); /* 1-based, of its opening quote */
}

json_t *
json_pick (const char *text, size_t len, const char *const *paths, json_error_t *jerr)
{
  struct picker pk = { .paths = paths };
  while (pk.n < PICK_MAX && paths[pk.n])
    pk.n++;
  struct reader r = { text, text + len, 0 };
  skip_space (&r);
  bool read = paths[pk.n] == NULL && r.p < r.end && *r.p == '{' && skip_container (&r, &pk, NULL);
  skip_space (&r);
  if (read && pk.odd_at)
    return odd_error (&pk, text, len, jerr), NULL;
  json_t *doc = read && r.p == r.end && !pk.escaped_key ? found_document (&pk) : NULL;
  if (doc)
    return doc;
  pk.odd_at = NULL;
  _cleanup_json_ json_t *whole = json_load_text (text, len, JSON_REJECT_DUPLICATES, jerr);
  if (!json_is_object (whole))
    return steal_pointer (&whole);
  doc = members_of (whole, &pk);
  if (pk.odd_at == NULL)
    return doc;
  json_decref (doc);
  return odd_error (&pk, text, len, jerr), NULL;
}
