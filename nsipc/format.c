/* A small snprintf: see format.h for what it does itself and why. */
#include "format.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

struct out
{
  char *buf;
  size_t size, len; /* len counts what did not fit too, as snprintf's */
};

static void
put (struct out *o, const char *s, size_t n)
{
  if (o->len < o->size)
    {
      size_t room = o->size - o->len;
      memcpy (o->buf + o->len, s, n < room ? n : room);
    }
  o->len += n;
}

static void
pad (struct out *o, char c, size_t n)
{
  static const char zeros[] = "0000000000000000", spaces[] = "                ";
  for (size_t k; n > 0; n -= k)
    {
      k = n < 16 ? n : 16;
      put (o, c == '0' ? zeros : spaces, k);
    }
}

/* One conversion's spec, as far as format understands it. */
struct spec
{
  bool left, zero;
  size_t width;
  int precision; /* -1: none */
  int size;      /* 'H' hh, 'h', 'l', 'L' ll or j, 'z' size_t or ptrdiff_t */
};

static void
put_field (struct out *o, const struct spec *sp, const char *sign, const char *s, size_t n)
{
  size_t total = strlen (sign) + n;
  size_t fill = sp->width > total ? sp->width - total : 0;
  if (!sp->left && !sp->zero)
    pad (o, ' ', fill);
  put (o, sign, strlen (sign));
  if (!sp->left && sp->zero)
    pad (o, '0', fill);
  put (o, s, n);
  if (sp->left)
    pad (o, ' ', fill);
}

static uint64_t
unsigned_arg (const struct spec *sp, va_list *ap)
{
  switch (sp->size)
    {
    case 'H':
      return (unsigned char)va_arg (*ap, unsigned);
    case 'h':
      return (unsigned short)va_arg (*ap, unsigned);
    case 'l':
      return va_arg (*ap, unsigned long);
    case 'L':
      return va_arg (*ap, unsigned long long);
    case 'z':
      return va_arg (*ap, size_t);
    default:
      return va_arg (*ap, unsigned);
    }
}

static int64_t
signed_arg (const struct spec *sp, va_list *ap)
{
  switch (sp->size)
    {
    case 'H':
      return (signed char)va_arg (*ap, int);
    case 'h':
      return (short)va_arg (*ap, int);
    case 'l':
      return va_arg (*ap, long);
    case 'L':
      return va_arg (*ap, long long);
    case 'z':
      return va_arg (*ap, ptrdiff_t);
    default:
      return va_arg (*ap, int);
    }
}

/* Reads the spec after a '%' at *F, up to its conversion letter. */
static void
parse_spec (const char **f, struct spec *sp, va_list *ap)
{
  const char *p = *f;
  *sp = (struct spec){ .precision = -1 };
  for (;; p++)
    if (*p == '-')
      sp->left = true;
    else if (*p == '0')
      sp->zero = true;
    else
      break;
  if (*p == '*')
    {
      int w = va_arg (*ap, int);
      sp->left |= w < 0;
      sp->width = w < 0 ? -(size_t)w : (size_t)w;
      p++;
    }
  for (; *p >= '0' && *p <= '9'; p++)
    sp->width = sp->width * 10 + (size_t)(*p - '0');
  if (*p == '.')
    {
      p++;
      sp->precision = 0;
      if (*p == '*')
        {
          sp->precision = va_arg (*ap, int);
          p++;
        }
      for (; *p >= '0' && *p <= '9'; p++)
        sp->precision = sp->precision * 10 + (*p - '0');
    }
  if (p[0] == 'h' && p[1] == 'h')
    sp->size = 'H', p += 2;
  else if (p[0] == 'l' && p[1] == 'l')
    sp->size = 'L', p += 2;
  else if (*p == 'h' || *p == 'l' || *p == 'z')
    sp->size = *p++;
  else if (*p == 'j')
    sp->size = 'L', p++;
  else if (*p == 't')
    sp->size = 'z', p++;
  *f = p;
}

/* Conversion C with its spec; false if format leaves it to libc. */
static bool
convert (struct out *o, const struct spec *sp, char c, va_list *ap)
{
  char buf[24];
  if ((c == 's' || c == 'c') && sp->size != 0) /* wide characters */
    return false;
  if (c == 's')
    {
      const char *s = va_arg (*ap, const char *);
      if (s == NULL)
        return false;
      size_t n = sp->precision < 0 ? strlen (s) : strnlen (s, (size_t)sp->precision);
      struct spec text = *sp;
      text.zero = false;
      put_field (o, &text, "", s, n);
      return true;
    }
  if (c == 'c')
    {
      buf[0] = (char)va_arg (*ap, int);
      struct spec text = *sp;
      text.zero = false;
      put_field (o, &text, "", buf, 1);
      return true;
    }
  if (sp->precision >= 0)
    return false;
  const char *d, *sign = "";
  if (c == 'd' || c == 'i')
    {
      int64_t v = signed_arg (sp, ap);
      sign = v < 0 ? "-" : "";
      d = digits (buf, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, 1);
    }
  else if (c == 'u' || c == 'x' || c == 'X' || c == 'o')
    {
      d = digits (buf, unsigned_arg (sp, ap), c == 'u' ? 10 : c == 'o' ? 8 : 16, 1);
      if (c == 'X')
        for (size_t i = (size_t)(d - buf); buf[i]; i++)
          if (buf[i] >= 'a')
            buf[i] = (char)(buf[i] - 'a' + 'A');
    }
  else
    return false;
  put_field (o, sp, sign, d, (size_t)(buf + 23 - d));
  return true;
}

int
format_v (char *buf, size_t size, const char *fmt, va_list ap)
{
  va_list from_start, args;
  va_copy (from_start, ap);
  va_copy (args, ap);
  struct out o = { buf, size, 0 };
  bool ours = true;
  for (const char *f = fmt; *f && ours;)
    {
      const char *run = strchrnul (f, '%');
      put (&o, f, (size_t)(run - f));
      if (*run == '\0')
        break;
      f = run + 1;
      if (*f == '%')
        {
          put (&o, "%", 1);
          f++;
          continue;
        }
      struct spec sp;
      parse_spec (&f, &sp, &args);
      ours = *f && convert (&o, &sp, *f, &args);
      f++;
    }
  va_end (args);
  int r;
  if (ours)
    {
      if (size > 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
      r = o.len > INT32_MAX ? -1 : (int)o.len; /* snprintf fails past INT_MAX */
    }
  else
    r = vsnprintf (buf, size, fmt, from_start);
  va_end (from_start);
  return r;
}

int
format (char *buf, size_t size, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int r = format_v (buf, size, fmt, ap);
  va_end (ap);
  return r;
}

void
format_utc (char buf[FORMAT_UTC_LEN], const struct timespec *ts)
{
  /* The civil date of a day count: Howard Hinnant's civil_from_days, for
     days since 1970 (so no negative eras). */
  int64_t days = ts->tv_sec / 86400, secs = ts->tv_sec % 86400;
  int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2);
  format (buf, FORMAT_UTC_LEN, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03ldZ", (long long)year, (long long)month,
          (long long)day, (long long)(secs / 3600), (long long)(secs / 60 % 60), (long long)(secs % 60),
          ts->tv_nsec / 1000000);
}
