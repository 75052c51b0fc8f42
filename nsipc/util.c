/* Small I/O helpers shared by the library. */
#include "util.h"

#include <stdio.h>
#include <string.h>

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
      snprintf (jerr->text, sizeof jerr->text, "%s", strerror (errno));
      jerr->line = jerr->column = -1;
      return NULL;
    }
  return json_loadb (text, len, 0, jerr);
}
