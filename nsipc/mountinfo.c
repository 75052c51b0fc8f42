/* Read by hand: nsipc needs a few fields of each line, and libmount,
   which read them before, brought libblkid, libselinux and libpcre2 into
   every process that used it, and cannot be loaded at all by nsipc-hook,
   which is linked statically. */
#include "mountinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util.h"

/* The kernel writes space, tab, newline and backslash in a path as \ooo. */
static void
unescape (char *s)
{
  char *out = s;
  for (; *s; s++)
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7')
      {
        *out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
        s += 3;
      }
    else
      *out++ = *s;
  *out = '\0';
}

/* The next field of LINE at *POS, NUL-terminated in place, or NULL. */
static char *
field (char **pos)
{
  char *f = *pos;
  if (f == NULL || *f == '\0')
    return NULL;
  char *sp = strchr (f, ' ');
  if (sp)
    *sp++ = '\0';
  *pos = sp;
  return f;
}

int
mountinfo_parse (char *line, struct mountinfo_entry *m)
{
  char *pos = line, *id = field (&pos);
  field (&pos); /* the parent's id */
  char *dev = field (&pos), *root = field (&pos), *target = field (&pos), *options = field (&pos);
  if (options == NULL || pos == NULL)
    return -1;
  /* the optional fields, none or more, end at " - " */
  char *dash = strncmp (pos, "- ", 2) == 0 ? pos : strstr (pos, " - ");
  if (dash == NULL)
    return -1;
  m->optional = "";
  if (dash > pos)
    {
      *dash = '\0';
      m->optional = pos;
    }
  pos = dash + (dash > pos ? 3 : 2);
  char *end, *minor;
  unsigned long major = strtoul (dev, &minor, 10);
  m->dev = makedev (major, *minor == ':' ? strtoul (minor + 1, &end, 10) : 0);
  m->id = strtoul (id, &id, 10);
  m->fstype = field (&pos);
  if (*minor != ':' || *end != '\0' || *id != '\0' || m->fstype == NULL)
    return -1;
  unescape (root);
  unescape (target);
  m->root = root;
  m->target = target;
  return 0;
}

int
mountinfo_each (int (*fn) (const struct mountinfo_entry *m, void *data), void *data, nsipc_error *err)
{
  size_t len;
  _cleanup_close_ int fd = open ("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  _cleanup_free_ char *table = fd < 0 ? NULL : read_fd_all (fd, 64 << 20, &len);
  if (table == NULL)
    return nsipc_error_set (err, errno, "read /proc/self/mountinfo");
  int r = 0;
  for (char *line = table, *next; r == 0 && line && *line; line = next)
    {
      if ((next = strchr (line, '\n')))
        *next++ = '\0';
      struct mountinfo_entry m;
      if (mountinfo_parse (line, &m) == 0)
        r = fn (&m, data);
    }
  return r;
}
