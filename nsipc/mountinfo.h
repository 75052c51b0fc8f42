/* The mount table of our mount namespace, /proc/self/mountinfo (proc(5)),
   line by line. */
#pragma once

#include <sys/types.h>

#include "error.h"

struct mountinfo_entry
{
  unsigned long id;     /* the mount id, as statx's STATX_MNT_ID */
  dev_t dev;            /* st_dev of the files on it */
  const char *root;     /* the path in its file system that is mounted */
  const char *target;   /* where, in our root */
  const char *optional; /* the optional fields, space-separated: "shared:1 master:2", or "" */
  const char *fstype;
};

/* One line, "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw",
   cut in place: 0 with M filled, -1 for a line of another shape. */
int mountinfo_parse (char *line, struct mountinfo_entry *m);

/* Calls FN with each mount until it returns non-zero, and returns that
   (0 when FN never did; -1 with ERR when the table cannot be read).  Paths
   come unescaped; the entry lives until FN returns. */
int mountinfo_each (int (*fn) (const struct mountinfo_entry *m, void *data), void *data, nsipc_error *err);
