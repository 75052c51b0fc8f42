/* The fixtures' format: namespaces captured as the kernel printed their
   /proc/sysvipc files.  nsipc itself reads the kernel by *_STAT_ANY
   (inventory.c); this turns a captured snapshot into the same objects. */
#include "sysvipc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* One data line of /proc/sysvipc/TYPE (columns as in ipc/{msg,sem,shm}.c):
   the first N numbers, the third (perms) octal.  strtoll, not sscanf:
   sscanf measures its whole input on every call. */
static bool
parse_line (enum nsipc_object_type type, const char *line, struct nsipc_ipc_object *o)
{
  const size_t n = type == OBJECT_SEM ? 10 : 14;
  long long f[14] = { 0 };
  const char *p = line;
  for (size_t i = 0; i < n; i++)
    {
      char *end;
      errno = 0;
      /* strtoll skips any white space, a newline too: a short line must
         not borrow the next one's numbers. */
      if (*p == '\n')
        return false;
      f[i] = strtoll (p, &end, i == 2 ? 8 : 10);
      if (end == p || errno || (*end != ' ' && *end != '\n' && *end != '\0') || memchr (p, '\n', end - p))
        return false;
      p = end;
    }
  *o = (struct nsipc_ipc_object){ .type = type,
                                  .key = (uint32_t)f[0],
                                  .id = f[1],
                                  .mode = f[2] & 0777,
                                  .uid = f[type == OBJECT_SEM ? 4 : 7],
                                  .gid = f[type == OBJECT_SEM ? 5 : 8],
                                  .cuid = f[type == OBJECT_SEM ? 6 : 9],
                                  .cgid = f[type == OBJECT_SEM ? 7 : 10] };
  switch (type)
    {
    case OBJECT_SHM:
      o->size = f[3], o->cpid = f[4], o->lpid = f[5], o->nattch = f[6];
      o->atime = f[11], o->dtime = f[12], o->ctime = f[13];
      break;
    case OBJECT_MSG:
      o->bytes = f[3], o->messages = f[4], o->lspid = f[5], o->lrpid = f[6];
      o->atime = f[11], o->dtime = f[12], o->ctime = f[13];
      break;
    default:
      o->nsems = f[3], o->atime = f[8], o->ctime = f[9];
      break;
    }
  return true;
}

int
sysvipc_parse (enum nsipc_object_type type, const char *text, struct nsipc_inventory *inv, nsipc_error *err)
{
  const char *line = strchr (text, '\n'); /* the header */
  for (int lineno = 2; line && line[1]; lineno++)
    {
      line++;
      struct nsipc_ipc_object *o = inventory_append (inv);
      if (!parse_line (type, line, o))
        {
          inv->n--;
          return nsipc_error_set (err, 0, "/proc/sysvipc/%s line %d: unexpected format", policy_type_name (type),
                                  lineno);
        }
      line = strchr (line, '\n');
    }
  return 0;
}
