/* json_pick against json_loadb on the same text: whatever jansson parses
   whole, the members picked are the ones it finds, and nothing else;
   unless json_pick refuses it as runc reads it otherwise (a member named
   twice, or spelled in another case). */
#include "fuzz.h"
#include "jsonpick.h"
#include "util.h"

static const char *const paths[] = { "root", "linux.namespaces", "linux.sysctl", "linux.seccomp", NULL };

static json_t *
member (json_t *doc, const char *path)
{
  const char *dot = strchr (path, '.');
  if (dot == NULL)
    return json_object_get (doc, path);
  return json_object_get (json_object_get (doc, "linux"), dot + 1);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  json_error_t jerr;
  _cleanup_json_ json_t *whole = json_loadb ((const char *)data, size, 0, &jerr);
  _cleanup_json_ json_t *picked = json_pick ((const char *)data, size, paths, &jerr);
  if (whole == NULL)
    return 0; /* refused, or read more leniently than jansson reads: both fine */
  if (picked == NULL)
    {
      CHECK (strcmp (jerr.source, "json_pick") == 0 || json_error_code (&jerr) == json_error_duplicate_key);
      return 0;
    }
  if (!json_is_object (whole))
    return 0;
  size_t members = 0;
  for (size_t i = 0; paths[i]; i++)
    {
      json_t *a = member (picked, paths[i]), *b = member (whole, paths[i]);
      CHECK ((a == NULL) == (b == NULL));
      CHECK (a == NULL || json_equal (a, b));
      members += a != NULL;
    }
  json_t *linux_ = json_object_get (picked, "linux");
  CHECK (json_object_size (picked) - (linux_ != NULL) + json_object_size (linux_) == members);
  return 0;
}
