/* Small I/O helpers shared by the library. */
#include "util.h"

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
