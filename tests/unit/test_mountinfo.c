/* mountinfo lines as the kernel writes them (proc(5)), and lines of
   another shape. */
#include <sys/sysmacros.h>

#include "mountinfo.h"
#include "tap.h"

static void
test_lines (void)
{
  struct mountinfo_entry m;
  char plain[] = "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue";
  ok (mountinfo_parse (plain, &m) == 0, "proc(5)'s example parses");
  ok (m.id == 36 && m.dev == makedev (98, 0), "its id and device");
  is_str (m.root, "/mnt1", "its root");
  is_str (m.target, "/mnt2", "its target");
  is_str (m.optional, "master:1", "its optional field");
  is_str (m.fstype, "ext3", "its type");

  char none[] = "25 1 0:22 / /dev/shm rw,nosuid,nodev - tmpfs tmpfs rw,size=65536k";
  ok (mountinfo_parse (none, &m) == 0 && *m.optional == '\0', "no optional fields");
  is_str (m.fstype, "tmpfs", "the type after a bare dash");

  char two[] = "40 25 0:4 ipc:[4026532281] /run/nsipc/ns/a\\040b rw shared:12 master:3 - nsfs nsfs rw";
  ok (mountinfo_parse (two, &m) == 0, "two optional fields");
  is_str (m.optional, "shared:12 master:3", "both kept");
  is_str (m.root, "ipc:[4026532281]", "an nsfs root");
  is_str (m.target, "/run/nsipc/ns/a b", "an escaped space undone");

  char escapes[] = "41 25 0:50 / /tmp/x\\011y\\012z\\134w rw - tmpfs shm rw";
  ok (mountinfo_parse (escapes, &m) == 0, "tab, newline, backslash");
  is_str (m.target, "/tmp/x\ty\nz\\w", "each undone");

  char dash_dir[] = "42 25 0:51 / /tmp/a-b rw - tmpfs t rw";
  ok (mountinfo_parse (dash_dir, &m) == 0, "a dash inside a path");
  is_str (m.target, "/tmp/a-b", "is only a path");

  static const char *const bad[] = {
    "",
    "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 ext3 /dev/root rw",
    "36 35 98:0 /mnt1 /mnt2",
    "36 35 98 /mnt1 /mnt2 rw - ext3 /dev/root rw",
    "x 35 98:0 /mnt1 /mnt2 rw - ext3 /dev/root rw",
    "36 35 98:0x /mnt1 /mnt2 rw - ext3 /dev/root rw",
    "36 35 98:0 /mnt1 /mnt2 rw -",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      char line[128];
      snprintf (line, sizeof line, "%s", bad[i]);
      ok (mountinfo_parse (line, &m) < 0, "refused: \"%s\"", bad[i]);
    }
}

/* Our own table, read whole: it has a mount on /. */
static int
find_root (const struct mountinfo_entry *m, void *data)
{
  (void)data;
  return strcmp (m->target, "/") == 0;
}

int
main (void)
{
  test_lines ();
  nsipc_error err;
  ok (mountinfo_each (find_root, NULL, &err) == 1, "our own table has a mount on /");
  printf ("1..%d\n", tap_count);
  return tap_failed != 0;
}
