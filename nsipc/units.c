/* Parsing and printing of sizes, keys and modes as policies write them. */
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "format.h"
#include "util.h"

static const struct
{
  const char *suffix;
  unsigned shift;
} size_units[] = {
  { "", 0 },     { "b", 0 },  { "k", 10 },   { "kib", 10 }, { "m", 20 },
  { "mib", 20 }, { "g", 30 }, { "gib", 30 }, { "t", 40 },   { "tib", 40 },
};

/* S equals LOWER (lowercase ASCII), case aside. */
static bool
equals_lowercase (const char *s, const char *lower)
{
  for (; *s && *lower; s++, lower++)
    if ((*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s) != *lower)
      return false;
  return *s == *lower;
}

int
units_parse_size (const char *text, uint64_t *bytes)
{
  uint64_t v;
  const char *p = parse_u64 (text, &v);
  if (p == NULL)
    return -1;
  if (*p == ' ' && p[1] != '\0')
    p++;
  for (size_t i = 0; i < sizeof size_units / sizeof size_units[0]; i++)
    {
      if (!equals_lowercase (p, size_units[i].suffix))
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
          format (buf, len, "%" PRIu64 "%s", bytes >> shifts[i], names[i]);
          return;
        }
    }
  format (buf, len, "%" PRIu64 "B", bytes);
}
