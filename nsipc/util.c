/* Small I/O helpers shared by the library. */
#include "util.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "format.h"

ssize_t
write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  size_t left = len;
  while (left > 0)
    {
      ssize_t n = write (fd, p, left);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      p += n;
      left -= n;
    }
  return len;
}

ssize_t
read_small_file (int dirfd, const char *path, char *buf, size_t len)
{
  _cleanup_close_ int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  ssize_t n = fd < 0 ? -1 : read (fd, buf, len - 1);
  buf[n < 0 ? 0 : n] = '\0';
  return n;
}

void
dir_entries_start (struct dir_entries *d, int fd)
{
  d->fd = fd;
  d->len = d->at = 0;
}

const char *
dir_entries_next (struct dir_entries *d)
{
  if (d->at == d->len)
    {
      ssize_t n = getdents64 (d->fd, (void *)d->buf, sizeof d->buf);
      errno = n < 0 ? errno : 0;
      if (n <= 0)
        return NULL;
      d->len = (size_t)n, d->at = 0;
    }
  const struct dirent64 *de = (const struct dirent64 *)(d->buf + d->at);
  d->at += de->d_reclen;
  return de->d_name;
}

const char *
parse_u64 (const char *p, uint64_t *value)
{
  if (*p < '0' || *p > '9')
    {
      errno = EINVAL;
      return NULL;
    }
  uint64_t v = 0;
  for (; *p >= '0' && *p <= '9'; p++)
    {
      unsigned d = (unsigned)(*p - '0');
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

bool
parse_u64_whole (const char *s, uint64_t max, uint64_t *value)
{
  uint64_t v;
  const char *end = parse_u64 (s, &v);
  if (end == NULL || *end != '\0' || v > max)
    return false;
  *value = v;
  return true;
}

size_t
parse_u64s (const char *text, uint64_t *v, size_t n, const char **end)
{
  size_t got = 0;
  const char *p = text;
  for (; got < n; got++)
    {
      while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
      const char *after = parse_u64 (p, &v[got]);
      if (after == NULL)
        break;
      p = after;
    }
  if (end)
    *end = p;
  return got;
}

char *
read_fd_all (int fd, size_t max, size_t *len)
{
  size_t cap = 4096, n = 0;
  _cleanup_free_ char *buf = malloc (cap);
  for (;;)
    {
      if (buf == NULL)
        return NULL;
      if (n == cap - 1)
        {
          char *bigger = cap > max ? NULL : realloc (buf, cap * 2);
          if (bigger == NULL)
            {
              errno = cap > max ? EFBIG : ENOMEM;
              return NULL;
            }
          buf = bigger;
          cap *= 2;
          continue;
        }
      ssize_t r = read (fd, buf + n, cap - 1 - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return NULL;
      if (r == 0)
        break;
      n += r;
    }
  if (n > max)
    {
      errno = EFBIG;
      return NULL;
    }
  buf[n] = '\0';
  *len = n;
  return steal_pointer (&buf);
}

json_t *
json_read_fd (int fd, json_error_t *jerr)
{
  size_t len;
  _cleanup_free_ char *text = read_fd_all (fd, 64 << 20, &len);
  if (text == NULL)
    {
      format (jerr->text, sizeof jerr->text, "%s", strerror (errno));
      jerr->line = jerr->column = -1;
      return NULL;
    }
  return json_load_text (text, len, 0, jerr);
}

json_t *
json_load_text (const char *text, size_t len, size_t flags, json_error_t *jerr)
{
  json_t *j = json_loadb (text, len, flags, NULL);
  return j ? j : json_loadb (text, len, flags, jerr);
}

static void
out_of_memory (void)
{
  static const char msg[] = "nsipc: out of memory\n";
  (void)!write (STDERR_FILENO, msg, sizeof msg - 1);
  abort ();
}

void *
xmalloc (size_t size)
{
  void *p = malloc (size ? size : 1);
  if (p == NULL)
    out_of_memory ();
  return p;
}

void *
xcalloc (size_t n, size_t size)
{
  void *p = calloc (n ? n : 1, size ? size : 1);
  if (p == NULL)
    out_of_memory ();
  return p;
}

void *
xrealloc (void *p, size_t size)
{
  void *q = realloc (p, size ? size : 1);
  if (q == NULL)
    out_of_memory ();
  return q;
}

void *
xgrow (void *p, size_t n, size_t size)
{
  if (n != 0 && (n < 16 || (n & (n - 1)) != 0))
    return p;
  return xrealloc (p, (n ? 2 * n : 16) * size);
}

char *
xasprintf (const char *fmt, ...)
{
  va_list ap, again;
  va_start (ap, fmt);
  va_copy (again, ap);
  int n = format_v (NULL, 0, fmt, ap);
  va_end (ap);
  if (n < 0)
    out_of_memory ();
  char *s = xmalloc ((size_t)n + 1);
  format_v (s, (size_t)n + 1, fmt, again);
  va_end (again);
  return s;
}

char *
xstrdup (const char *s)
{
  char *d = strdup (s);
  if (d == NULL)
    out_of_memory ();
  return d;
}

int
open_regular (int dirfd, const char *path, bool follow, nsipc_error *err)
{
  _cleanup_close_ int fd
      = openat (dirfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
  struct stat st;
  if (fd < 0 && errno == ELOOP && !follow)
    return nsipc_error_set (err, ELOOP, "%s is a symlink; refusing to follow it", path);
  if (fd < 0 || fstat (fd, &st) < 0)
    return nsipc_error_set (err, errno, "open %s", path);
  if (!S_ISREG (st.st_mode))
    return nsipc_error_set (err, 0, "%s is not a regular file", path);
  return steal_fd (&fd);
}

static bool
is_control (unsigned char c)
{
  return c < 0x20 || c == 0x7f || c == '\\';
}

/* Whether C, once printed, hides what it is: a C1 control (a terminal
   reads U+009B as ESC [), or an invisible one that reorders or hides the
   text around it (bidi overrides and isolates, zero-width characters). */
static bool
is_hidden (uint32_t c)
{
  return c < 0xa0 || (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f)
         || c == 0xfeff;
}

/* The length of the character at P when it may be printed as it is; 0
   when its first byte is to be escaped: a control, a byte that starts no
   well-formed UTF-8, or a hidden character. */
static size_t
printable_len (const unsigned char *p)
{
  if (*p < 0x80)
    return is_control (*p) ? 0 : 1;
  size_t n = *p >= 0xc2 && *p < 0xe0 ? 2 : *p >= 0xe0 && *p < 0xf0 ? 3 : *p >= 0xf0 && *p < 0xf5 ? 4 : 0;
  uint32_t c = *p & (0x7f >> n);
  for (size_t i = 1; i < n; i++)
    {
      if ((p[i] & 0xc0) != 0x80)
        return 0;
      c = c << 6 | (p[i] & 0x3f);
    }
  static const uint32_t least[] = { 0, 0, 0x80, 0x800, 0x10000 };
  if (n == 0 || c < least[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) || is_hidden (c))
    return 0;
  return n;
}

bool
escape_controls (const char *in, char *out, size_t len)
{
  size_t w = 0;
  if (len == 0)
    return *in == '\0';
  while (*in && w + 5 < len)
    {
      /* The clean run first, whole: escapes are rare. */
      size_t run = 0, n;
      while (in[run] && (n = printable_len ((const unsigned char *)in + run)) > 0 && w + run + n + 5 < len)
        run += n;
      memcpy (out + w, in, run);
      w += run, in += run;
      if (*in && w + 5 < len && printable_len ((const unsigned char *)in) == 0)
        w += format (out + w, len - w, "\\x%02x", (unsigned char)*in++);
      else if (*in && run == 0)
        break; /* a character that does not fit whole */
    }
  out[w] = '\0';
  return *in == '\0';
}

json_t *
json_string_bytes (const char *s)
{
  /* A backslash too: "\xff" as four characters must not read as the
     byte 0xff escaped. */
  json_t *j = strchr (s, '\\') ? NULL : json_string (s);
  if (j)
    return j;
  size_t len = 4 * strlen (s) + 1;
  _cleanup_free_ char *out = xmalloc (len);
  size_t w = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p >= 0x7f || *p == '\\')
      w += format (out + w, len - w, "\\x%02x", *p);
    else
      out[w++] = (char)*p;
  out[w] = '\0';
  return json_string (out);
}
