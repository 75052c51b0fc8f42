/* JSON with numbers past jansson's: each held as a marker string. */
#include "jsonwide.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpick.h"
#include "util.h"

/* A marker as it is written into the text, and as jansson writes it back:
   a string that starts with a control character, which it escapes so. */
#define MARK "\"\\u0001nsipc-wide:"

/* Whether jansson holds the number token START (LEN bytes) as it is: an
   integer within int64_t, or a real within double's range. */
static bool
fits (const char *start, size_t len)
{
  char buf[64];
  if (len >= sizeof buf)
    return false;
  memcpy (buf, start, len);
  buf[len] = '\0';
  errno = 0;
  if (strpbrk (buf, ".eE") == NULL)
    return strtoimax (buf, NULL, 10), errno != ERANGE;
  return !isinf (strtod (buf, NULL));
}

/* The end of the string whose opening quote is at I. */
static size_t
string_end (const char *text, size_t len, size_t i)
{
  for (i++; i < len && text[i] != '"'; i++)
    i += text[i] == '\\';
  return i < len ? i + 1 : len;
}

/* TEXT with each number jansson cannot hold written as a marker: only a
   well-formed number where a value goes, so that a text jansson refuses
   stays refused.  KEY: the next string of the innermost object is a key. */
static char *
mark_numbers (const char *text, size_t len, struct json_wide *w, size_t *out_len)
{
  char *out = NULL;
  FILE *f = open_memstream (&out, out_len);
  if (f == NULL)
    abort ();
  char stack[512]; /* the open containers, innermost last; deeper, nothing is marked */
  size_t depth = 0;
  bool key = false;
  for (size_t i = 0, j; i < len; i = j)
    {
      char c = text[i];
      size_t n;
      j = i + 1;
      if (c == '"')
        j = string_end (text, len, i);
      else if (c == '{' || c == '[')
        {
          if (depth < sizeof stack)
            stack[depth] = c;
          depth++;
          key = c == '{';
        }
      else if (c == '}' || c == ']')
        depth -= depth > 0, key = false;
      else if (c == ':')
        key = false;
      else if (c == ',')
        key = depth > 0 && depth <= sizeof stack && stack[depth - 1] == '{';
      else if ((c == '-' || (c >= '0' && c <= '9')) && !key && depth <= sizeof stack
               && (n = json_number_len (text + i, len - i)) > 0)
        {
          j = i + n;
          if (!fits (text + i, n))
            {
              w->numbers = xrealloc (w->numbers, (w->n + 1) * sizeof *w->numbers);
              w->numbers[w->n] = xasprintf ("%.*s", (int)n, text + i);
              fprintf (f, MARK "%zu\"", w->n++);
              continue;
            }
        }
      fwrite (text + i, 1, j - i, f);
    }
  if (fclose (f) != 0)
    abort ();
  return out;
}

json_t *
json_wide_load (const char *text, size_t len, struct json_wide *w, json_error_t *jerr)
{
  *w = (struct json_wide){ NULL, 0 };
  /* A text that has markers of its own is taken as it is. */
  if (memmem (text, len, "nsipc-wide:", 11) || memchr (text, '\0', len))
    return json_load_text (text, len, JSON_REJECT_DUPLICATES, jerr);
  size_t marked_len;
  _cleanup_free_ char *marked = mark_numbers (text, len, w, &marked_len);
  json_t *j = json_load_text (marked, marked_len, JSON_REJECT_DUPLICATES, jerr);
  if (j == NULL)
    json_wide_free (w);
  return j;
}

char *
json_wide_dump (const json_t *j, const struct json_wide *w, size_t flags)
{
  _cleanup_free_ char *dumped = json_dumps (j, flags);
  if (dumped == NULL)
    abort (); /* only out of memory: J is a document jansson made */
  if (w->n == 0)
    return steal_pointer (&dumped);
  char *out = NULL;
  size_t out_len;
  FILE *f = open_memstream (&out, &out_len);
  if (f == NULL)
    abort ();
  const char *p = dumped, *mark;
  while ((mark = strstr (p, MARK)) != NULL)
    {
      char *end;
      size_t k = strtoul (mark + strlen (MARK), &end, 10);
      fwrite (p, 1, (size_t)(mark - p), f);
      if (*end == '"' && k < w->n)
        fputs (w->numbers[k], f), p = end + 1;
      else
        fputs (MARK, f), p = mark + strlen (MARK);
    }
  fputs (p, f);
  if (fclose (f) != 0)
    abort ();
  return out;
}

void
json_wide_free (struct json_wide *w)
{
  for (size_t i = 0; i < w->n; i++)
    free (w->numbers[i]);
  free (w->numbers);
  *w = (struct json_wide){ NULL, 0 };
}
