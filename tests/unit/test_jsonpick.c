/* json_pick against jansson: the members it picks are the ones json_loadb
   finds in the whole text, on runc's config and on texts made to trip a
   reader of structure (twins, escapes, depth, what jansson refuses). */
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "jsonpick.h"
#include "tap.h"
#include "util.h"

static const char *const config_paths[] = { "root", "linux.namespaces", "linux.sysctl", "linux.seccomp", NULL };

/* The member PATH ("a" or "a.b") of DOC, or NULL. */
static json_t *
member (json_t *doc, const char *path)
{
  const char *dot = strchr (path, '.');
  if (dot == NULL)
    return json_object_get (doc, path);
  char first[64];
  format (first, sizeof first, "%.*s", (int)(dot - path), path);
  return json_object_get (json_object_get (doc, first), dot + 1);
}

/* Whether PATHS names a member of KEY (has "KEY.").  */
static bool
parent_named (const char *const *paths, const char *key)
{
  size_t len = strlen (key);
  for (size_t i = 0; paths[i]; i++)
    if (strncmp (paths[i], key, len) == 0 && paths[i][len] == '.')
      return true;
  return false;
}

/* Whether PICKED holds what the whole document WHOLE holds at each path,
   and nothing else. */
static bool
same_members (json_t *picked, json_t *whole, const char *const *paths)
{
  size_t members = 0, leaves = 0;
  for (size_t i = 0; paths[i]; i++)
    {
      json_t *a = member (picked, paths[i]), *b = member (whole, paths[i]);
      if ((a == NULL) != (b == NULL) || (a && !json_equal (a, b)))
        return false;
      members += a != NULL;
    }
  const char *key;
  json_t *v;
  json_object_foreach (picked, key, v) leaves += parent_named (paths, key) ? json_object_size (v) : 1;
  return leaves == members;
}

/* TEXT picked as jansson reads it whole: the same members, or the same
   error. */
static void
agrees (const char *what, const char *text)
{
  json_error_t pe, we;
  json_t *picked = json_pick (text, strlen (text), config_paths, &pe);
  json_t *whole = json_loadb (text, strlen (text), 0, &we);
  if (whole == NULL)
    ok (picked == NULL && pe.line == we.line && pe.column == we.column && strcmp (pe.text, we.text) == 0,
        "%s: refused as jansson refuses it (line %d, column %d: %s)", what, we.line, we.column, we.text);
  else
    ok (picked && same_members (picked, whole, config_paths), "%s: the members jansson finds", what);
  json_decref (picked);
  json_decref (whole);
}

static void
test_runc_config (const char *fixtures)
{
  char path[4096];
  format (path, sizeof path, "%s/oci/config.json", fixtures);
  _cleanup_free_ char *text = tap_slurp (path);
  ok (text != NULL, "fixture %s", path);
  if (text == NULL)
    return;
  agrees ("runc spec's config", text);
  json_error_t jerr;
  _cleanup_json_ json_t *picked = json_pick (text, strlen (text), config_paths, &jerr);
  is_str (json_string_value (member (picked, "root") ? json_object_get (member (picked, "root"), "path") : NULL),
          "rootfs", "runc spec's config: root.path");
  ok (json_array_size (member (picked, "linux.namespaces")) == 5, "runc spec's config: its five namespaces");
  ok (json_object_get (picked, "process") == NULL && json_object_get (picked, "mounts") == NULL,
      "runc spec's config: process and mounts are not read");
}

static void
test_texts (void)
{
  static const struct
  {
    const char *what, *text;
  } cases[] = {
    { "the members alone", "{\"root\": {\"path\": \"r\"}, \"linux\": {\"namespaces\": [{\"type\": \"ipc\"}]}}" },
    { "every kind of value around them",
      " {\"a\": -0.5e+10, \"b\": [true, false, null, 0, 1E3, \"s\\\"}\"], \"root\": \"x\", \"c\": {\"d\": [[], {}]},"
      " \"linux\": {\"x\": {\"namespaces\": 1}, \"sysctl\": {\"kernel.msgmni\": \"4\"}}}\n" },
    { "twins where nothing is picked", "{\"process\": {\"args\": [1], \"args\": [2]}, \"Process\": 1, \"root\": {}}" },
    { "keys that fold to no path", "{\"ROOTX\": 1, \"Linu\": {}, \"linux\": {\"Namespace\": 1}}" },
    { "an escaped key where keys are compared", "{\"li\\u006eux\": {\"namespaces\": [\"hidden\"]}}" },
    { "an escaped key inside the member", "{\"linux\": {\"n\\u0061mespaces\": [3]}}" },
    { "an escaped key elsewhere", "{\"process\": {\"\\u0061rgs\": []}, \"root\": 1}" },
    { "keys with dots and prefixes", "{\"linux.namespaces\": 1, \"rootx\": 2, \"roo\": 3, \"linu\": {}}" },
    { "linux is an array", "{\"linux\": [{\"namespaces\": [1]}]}" },
    { "empty", "{}" },
    { "no object: an array", "[{\"root\": 1}]" },
    { "no object: a string", "\"root\"" },
    { "unclosed", "{\"root\": {\"path\": \"r\"}" },
    { "a trailing comma", "{\"linux\": [1,]}" },
    { "text after the object", "{\"root\": 1} x" },
    { "two objects", "{} {}" },
    { "a leading zero", "{\"a\": 01, \"root\": 1}" },
    { "a bare minus", "{\"a\": -, \"root\": 1}" },
    { "a fraction without digits", "{\"a\": 1., \"root\": 1}" },
    { "a bad literal", "{\"a\": tru, \"root\": 1}" },
    { "a raw tab in a string", "{\"a\": \"x\ty\", \"root\": 1}" },
    { "a bad escape", "{\"a\": \"\\x\", \"root\": 1}" },
    { "a short \\u escape", "{\"a\": \"\\u12\", \"root\": 1}" },
    { "a key that is no string", "{root: 1}" },
    { "a missing colon", "{\"root\" 1}" },
    { "a picked number too large for jansson", "{\"root\": 1e400}" },
    { "a picked string with a NUL escape", "{\"root\": \"a\\u0000b\"}" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    agrees (cases[i].what, cases[i].text);
}

/* Texts runc reads otherwise than jansson: refused, saying where. */
static void
test_runc_reads (void)
{
  static const struct
  {
    const char *what, *text, *why;
    int line, column;
  } cases[] = {
    { "twin parents, which Go merges",
      "{\"linux\": {\"namespaces\": [1], \"sysctl\": {}},\n \"linux\": {\"sysctl\": {\"a\": \"b\"}}}",
      "\"linux\" is given twice, and runc (Go) reads both", 2, 2 },
    { "twin members", "{\"linux\": {\"namespaces\": [1], \"namespaces\": [2]}}",
      "\"namespaces\" is given twice, and runc (Go) reads both", 1, 31 },
    { "a twin that is no object", "{\"linux\": {\"namespaces\": [1]}, \"linux\": null}",
      "\"linux\" is given twice, and runc (Go) reads both", 1, 32 },
    { "a parent in another case", "{\"Linux\": {\"namespaces\": [{\"type\": \"ipc\", \"path\": \"/x\"}]}}",
      "a key that runc (Go) reads as \"linux\" is spelled otherwise", 1, 2 },
    { "a member in another case", "{\"linux\": {\"namespaces\": [], \"NAMESPACES\": [{\"type\": \"ipc\"}]}}",
      "a key that runc (Go) reads as \"namespaces\" is spelled otherwise", 1, 30 },
    { "U+017F for s", "{\"linux\": {\"sy\xc5\xbf\x63tl\": {\"kernel.msgmni\": \"1\"}}}",
      "a key that runc (Go) reads as \"sysctl\" is spelled otherwise", 1, 12 },
    { "an escaped key in another case, read whole", "{\"Li\\u006eux\": {}}",
      "a key that runc (Go) reads as \"linux\" is spelled otherwise", 0, 0 },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      json_error_t jerr;
      json_t *picked = json_pick (cases[i].text, strlen (cases[i].text), config_paths, &jerr);
      ok (picked == NULL && strcmp (jerr.source, "json_pick") == 0 && strcmp (jerr.text, cases[i].why) == 0
              && jerr.line == cases[i].line && jerr.column == cases[i].column,
          "%s: refused (line %d, column %d: %s)", cases[i].what, jerr.line, jerr.column, jerr.text);
      json_decref (picked);
    }
  json_error_t jerr;
  const char *deep = "{\"linux\": {\"namespaces\": [{\"type\": \"ipc\", \"type\": \"net\"}]}}";
  ok (json_pick (deep, strlen (deep), config_paths, &jerr) == NULL
          && json_error_code (&jerr) == json_error_duplicate_key,
      "a twin deep in a picked member: jansson's duplicate key");
  ok (json_key_folds ("Pat\xc5\xbfh", 7, "path", 4) == false
          && json_key_folds ("\xe2\x84\xaa"
                             "EY",
                             5, "key", 3)
          && json_key_folds ("PATH", 4, "path", 4) && !json_key_folds ("paths", 5, "path", 4),
      "json_key_folds: Go's folding, U+212A for k, nothing more");
}

/* DEPTH nested arrays under "process", then the members. */
static char *
deep (int depth)
{
  size_t len = 2 * (size_t)depth + 128;
  char *text = malloc (len), *p = text;
  p += format (p, len, "{\"process\": ");
  for (int i = 0; i < depth; i++)
    *p++ = '[';
  for (int i = 0; i < depth; i++)
    *p++ = ']';
  format (p, len - (size_t)(p - text), ", \"root\": {\"path\": \"deep\"}}");
  return text;
}

static void
test_depth (void)
{
  static const int depths[] = { 10, 511, 512, 513, 2000, 3000 };
  for (size_t i = 0; i < sizeof depths / sizeof depths[0]; i++)
    {
      _cleanup_free_ char *text = deep (depths[i]);
      char what[64];
      format (what, sizeof what, "arrays %d deep", depths[i]);
      agrees (what, text);
    }
}

/* Where the reader checks less than jansson: what it does not pick. */
static void
test_lenient (void)
{
  static const char *const texts[] = {
    "{\"process\": {\"env\": [\"\xff\"]}, \"root\": {\"path\": \"r\"}}",
    "{\"process\": {\"n\": 99999999999999999999999}, \"root\": {\"path\": \"r\"}}",
    "{\"process\": \"\\ud800\", \"root\": {\"path\": \"r\"}}",
  };
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    {
      json_error_t jerr;
      _cleanup_json_ json_t *whole = json_loadb (texts[i], strlen (texts[i]), 0, &jerr);
      _cleanup_json_ json_t *picked = json_pick (texts[i], strlen (texts[i]), config_paths, &jerr);
      _cleanup_json_ json_t *want = json_pack ("{s:s}", "path", "r");
      ok (whole == NULL && picked && json_equal (member (picked, "root"), want),
          "lenient %zu: jansson refuses the whole, the members are read", i);
    }
}

int
main (int argc, char **argv)
{
  test_runc_config (argc > 1 ? argv[1] : "tests/fixtures");
  test_texts ();
  test_runc_reads ();
  test_depth ();
  test_lenient ();
  return tap_done ();
}
