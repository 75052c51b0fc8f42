/* json_wide: numbers past jansson's go through it as they were written;
   everything else is what json_loadb and json_dumps make of it. */
#include <string.h>

#include "jsonwide.h"
#include "tap.h"
#include "util.h"

/* TEXT loaded and dumped compact: NULL when the load fails. */
static char *
round_trip (const char *text)
{
  struct json_wide w;
  json_error_t jerr;
  _cleanup_json_ json_t *j = json_wide_load (text, strlen (text), &w, &jerr);
  char *out = j ? json_wide_dump (j, &w, JSON_COMPACT) : NULL;
  json_wide_free (&w);
  return out;
}

static void
test_round_trips (void)
{
  static const struct
  {
    const char *text, *want, *what;
  } cases[] = {
    { "{\"a\": 1, \"b\": [true, null, -2, 0.5]}", "{\"a\":1,\"b\":[true,null,-2,0.5]}",
      "a document jansson holds whole" },
    { "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,\"soft\":"
      "18446744073709551615}]}}",
      "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,\"soft\":"
      "18446744073709551615}]}}",
      "podman's unlimited rlimit, kept as it was" },
    { "[9223372036854775807, 9223372036854775808, -9223372036854775808, -9223372036854775809]",
      "[9223372036854775807,9223372036854775808,-9223372036854775808,-9223372036854775809]",
      "int64's ends: jansson's, and one past each" },
    { "{\"r\": 1e400, \"s\": \"18446744073709551615 \\\" 1e400\"}",
      "{\"r\":1e400,\"s\":\"18446744073709551615 \\\" 1e400\"}",
      "a real past double; numbers in a string, after an escaped quote, are text" },
    { "{\"n\": 18446744073709551615", NULL, "a broken document is still refused" },
    { "{18446744073709551615: 1}", NULL, "a number where a key goes is no key" },
    { "[1844674407370955161500000000000-]", NULL, "nor is a number with something after it" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    {
      _cleanup_free_ char *out = round_trip (cases[i].text);
      if (cases[i].want)
        is_str (out, cases[i].want, "%s", cases[i].what);
      else
        ok (out == NULL, "%s", cases[i].what);
    }
}

static void
test_markers_of_its_own (void)
{
  /* A text with the marker's words in it is not marked: as json_loadb. */
  ok (round_trip ("{\"a\": \"\\u0001nsipc-wide:0\", \"b\": 18446744073709551615}") == NULL,
      "a text holding a marker of its own is read as jansson reads it");
  _cleanup_free_ char *out = round_trip ("{\"a\": \"\\u0001nsipc-wide:0\"}");
  is_str (out, "{\"a\":\"\\u0001nsipc-wide:0\"}", "and written as jansson writes it");
}

int
main (void)
{
  test_round_trips ();
  test_markers_of_its_own ();
  return tap_done ();
}
