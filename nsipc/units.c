/* Parsing and printing of sizes, keys and modes as policies write them. */
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <strings.h>

static const struct
{
  const char *suffix;
  unsigned shift;
} size_units[] = {
  { "", 0 },     { "b", 0 },  { "k", 10 },   { "kib", 10 }, { "m", 20 },
  { "mib", 20 }, { "g", 30 }, { "gib", 30 }, { "t", 40 },   { "tib", 40 },
};

/* Reads decimal digits into *value; returns the first non-digit, or NULL when
   there is no digit or the number overflows (errno says which). */
static const char *
parse_digits (const char *p, uint64_t *value)
{
  if (!isdigit ((unsigned char)*p))
    {
      errno = EINVAL;
      return NULL;
    }
  uint64_t v = 0;
  for (; isdigit ((unsigned char)*p); p++)
    {
      unsigned d = *p - '0';
      if (v > (UINT64_MAX - d) / 10)
        {
          errno = ERANGE;
          return NULL;
        }
      v = v * 10 + d;
    }
  *value = v;
  return p;
}

int
units_parse_size (const char *text, uint64_t *bytes)
{
  uint64_t v;
  const char *p = parse_digits (text, &v);
  if (p == NULL)
    return -1;
  if (*p == ' ' && p[1] != '\0')
    p++;
  for (size_t i = 0; i < sizeof size_units / sizeof size_units[0]; i++)
    {
      if (strcasecmp (p, size_units[i].suffix) != 0)
        continue;
      unsigned shift = size_units[i].shift;
      if (shift > 0 && v > (UINT64_MAX >> shift))
        {
          errno = ERANGE;
          return -1;
        }
      *bytes = v << shift;
      return 0;
    }
  errno = EINVAL;
  return -1;
}

int
units_parse_key (const char *text, uint32_t *key)
{
  if (text[0] != '0' || (text[1] != 'x' && text[1] != 'X') || text[2] == '\0')
    {
      errno = EINVAL;
      return -1;
    }
  uint64_t v = 0;
  for (const char *p = text + 2; *p; p++)
    {
      if (!isxdigit ((unsigned char)*p))
        {
          errno = EINVAL;
          return -1;
        }
      v = v * 16 + (isdigit ((unsigned char)*p) ? *p - '0' : (tolower ((unsigned char)*p) - 'a' + 10));
      if (v > UINT32_MAX)
        {
          errno = ERANGE;
          return -1;
        }
    }
  if (v == 0)
    {
      errno = ERANGE;
      return -1;
    }
  *key = v;
  return 0;
}

int
units_parse_mode (const char *text, unsigned *mode)
{
  unsigned v = 0;
  size_t n = 0;
  for (const char *p = text; *p; p++, n++)
    {
      if (*p < '0' || *p > '7' || n == 4)
        {
          errno = EINVAL;
          return -1;
        }
      v = v * 8 + (*p - '0');
    }
  if (n == 0 || v > 0777)
    {
      errno = EINVAL;
      return -1;
    }
  *mode = v;
  return 0;
}

void
units_format_size (uint64_t bytes, char *buf, size_t len)
{
  static const char *const names[] = { "TiB", "GiB", "MiB", "KiB" };
  static const unsigned shifts[] = { 40, 30, 20, 10 };
  for (size_t i = 0; i < 4; i++)
    {
      uint64_t unit = (uint64_t)1 << shifts[i];
      if (bytes >= unit && bytes % unit == 0)
        {
          snprintf (buf, len, "%" PRIu64 "%s", bytes >> shifts[i], names[i]);
          return;
        }
    }
  snprintf (buf, len, "%" PRIu64 "B", bytes);
}
