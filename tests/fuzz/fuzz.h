/* What the fuzz targets share: NUL-terminated copies of the input, and
   checks whose failure is a finding (abort () is what libFuzzer reports). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                                                    \
  do                                                                                                                   \
    {                                                                                                                  \
      if (!(cond))                                                                                                     \
        {                                                                                                              \
          fprintf (stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                                    \
          abort ();                                                                                                    \
        }                                                                                                              \
    }                                                                                                                  \
  while (0)

static inline char *
fuzz_text (const uint8_t *data, size_t size)
{
  char *s = malloc (size + 1);
  CHECK (s != NULL);
  memcpy (s, data, size);
  s[size] = '\0';
  return s;
}

static inline bool
same_str (const char *a, const char *b)
{
  return a == b || (a && b && strcmp (a, b) == 0);
}
