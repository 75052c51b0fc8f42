/* /proc/sysvipc parsing on the files a real kernel printed (fixtures/inventory,
   see its README), and on what a short read or another kernel could give. */
#include <errno.h>
#include <stdlib.h>

#include "inventory.h"
#include "tap.h"
#include "util.h"

static const char *fixtures;

static const char shm_header[] = "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  "
                                 "cuid  cgid      atime      dtime      ctime                   rss                  "
                                 "swap\n";
static const char msg_header[] = "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  "
                                 "cgid      stime      rtime      ctime\n";

/* Parses fixtures/inventory/NAME as TYPE into a fresh INV. */
static int
parse_fixture (enum nsipc_object_type type, const char *name, struct nsipc_inventory *inv, nsipc_error *err)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/inventory/%s", fixtures, name);
  _cleanup_free_ char *text = tap_slurp (path);
  *inv = (struct nsipc_inventory){ 0 };
  if (text == NULL)
    return nsipc_error_set (err, errno, "read %s", path);
  return inventory_parse_sysvipc (type, text, inv, err);
}

static void
test_shm (void)
{
  struct nsipc_inventory inv;
  nsipc_error err = { 0 };
  ok (parse_fixture (OBJECT_SHM, "shm", &inv, &err) == 0 && inv.n == 3, "the kernel's shm file: three segments");
  if (inv.n != 3)
    {
      printf ("# %s\n", err.msg);
      inventory_free (&inv);
      return;
    }
  const struct nsipc_ipc_object *o = inv.objects;
  ok (o[0].type == OBJECT_SHM, "they are segments");
  ok (o[0].key == 0xffffffff, "key 0xffffffff, printed as -1, is 0xffffffff");
  ok (o[0].id == 0 && o[1].id == 1 && o[2].id == 2, "shmid");
  ok (o[0].mode == 0640 && o[1].mode == 0666, "perms are octal");
  ok (o[0].size == 4096 && o[1].size == 1048576, "size in bytes");
  ok (o[0].cpid == 7370 && o[0].lpid == 7377, "creator and last attach pid");
  ok (o[0].nattch == 1 && o[1].nattch == 0, "attach count");
  ok (o[0].uid == 2000 && o[0].gid == 3000, "owner after IPC_SET");
  ok (o[0].cuid == 1000 && o[0].cgid == 1001, "creator's uid and gid, which IPC_SET leaves");
  ok (o[1].atime == 1795789539 && o[1].dtime == 1795789539 && o[1].ctime == 1795789537,
      "attach, detach and change time");
  ok (o[0].dtime == 0, "never detached: detach time 0");
  ok (o[1].key == 0x1000, "a small key");
  ok (o[2].key == 0 && o[2].mode == 0600 && o[2].nattch == 1,
      "a removed but attached segment: key 0, perms 1600 read as mode 0600");
  ok (o[0].bytes == 0 && o[0].messages == 0 && o[0].nsems == 0 && o[0].name == NULL,
      "no message or semaphore fields on a segment");
  ok (inventory_count (&inv, OBJECT_SHM) == 3 && inventory_count (&inv, OBJECT_MSG) == 0, "counted by type");
  inventory_free (&inv);
}

static void
test_msg (void)
{
  struct nsipc_inventory inv;
  nsipc_error err = { 0 };
  ok (parse_fixture (OBJECT_MSG, "msg", &inv, &err) == 0 && inv.n == 2, "the kernel's msg file: two queues");
  if (inv.n != 2)
    {
      printf ("# %s\n", err.msg);
      inventory_free (&inv);
      return;
    }
  const struct nsipc_ipc_object *o = inv.objects;
  ok (o[0].type == OBJECT_MSG, "they are queues");
  ok (o[0].key == 0x80000000, "key 0x80000000, printed as -2147483648, is 0x80000000");
  ok (o[0].id == 0 && o[1].id == 1, "msqid");
  ok (o[0].mode == 0662 && o[1].mode == 0600, "perms are octal");
  ok (o[0].bytes == 33 && o[0].messages == 2, "bytes and messages queued");
  ok (o[0].lspid == 7372 && o[0].lrpid == 7374, "last sender and receiver pid");
  ok (o[0].uid == 2002 && o[0].gid == 3002 && o[0].cuid == 1000 && o[0].cgid == 1001, "owner and creator");
  ok (o[0].atime == 1795789539 && o[0].dtime == 1795789540 && o[0].ctime == 1795789541,
      "send, receive and change time");
  ok (o[1].key == 0 && o[1].bytes == 0 && o[1].lspid == 0 && o[1].atime == 0, "an unused IPC_PRIVATE queue");
  ok (o[0].cpid == 0 && o[0].size == 0 && o[0].nattch == 0, "no segment fields on a queue");
  inventory_free (&inv);
}

static void
test_sem (void)
{
  struct nsipc_inventory inv;
  nsipc_error err = { 0 };
  ok (parse_fixture (OBJECT_SEM, "sem", &inv, &err) == 0 && inv.n == 1, "the kernel's sem file: one set");
  if (inv.n != 1)
    {
      printf ("# %s\n", err.msg);
      inventory_free (&inv);
      return;
    }
  const struct nsipc_ipc_object *o = inv.objects;
  ok (o->type == OBJECT_SEM && o->key == 0x7fffffff && o->id == 0, "key 0x7fffffff and semid");
  ok (o->mode == 0664 && o->nsems == 3, "perms and number of semaphores");
  ok (o->uid == 2004 && o->gid == 3004 && o->cuid == 1000 && o->cgid == 1001, "owner and creator");
  ok (o->atime == 1795789539 && o->ctime == 1795789541 && o->dtime == 0, "last semop and change time");
  inventory_free (&inv);
}

static void
test_shapes (void)
{
  struct nsipc_inventory inv = { 0 };
  nsipc_error err = { 0 };
  ok (inventory_parse_sysvipc (OBJECT_SHM, shm_header, &inv, &err) == 0 && inv.n == 0,
      "a header alone: an empty namespace");
  ok (inventory_parse_sysvipc (OBJECT_SHM, "", &inv, &err) == 0 && inv.n == 0, "an empty file: nothing");

  /* Older kernels print no rss and swap columns. */
  char text[1024];
  snprintf (text, sizeof text, "%s%s", shm_header,
            "      4096          1   666               1048576  7370  7372      0  1000  1001  1000  1001 1795789539 "
            "1795789539 1795789537\n");
  ok (inventory_parse_sysvipc (OBJECT_SHM, text, &inv, &err) == 0 && inv.n == 1 && inv.objects[0].ctime == 1795789537
          && inv.objects[0].size == 1048576,
      "a shm line of 14 columns, without rss and swap");
  snprintf (text, sizeof text, "%s%s", shm_header,
            "        -1          0   640                  4096  7370  7377      1  2000  3000  1000  1001 1795789541 "
            "0 1795789541 0 0");
  ok (inventory_parse_sysvipc (OBJECT_SHM, text, &inv, &err) == 0 && inv.n == 2 && inv.objects[1].key == 0xffffffff,
      "a last line without its newline; objects are appended");
  inventory_free (&inv);

  snprintf (
      text, sizeof text, "%s%s", msg_header,
      "4294967295          0   600           0          0     0     0     0     0     0     0          0          "
      "0 1795789537\n");
  ok (inventory_parse_sysvipc (OBJECT_MSG, text, &inv, &err) == 0 && inv.n == 1 && inv.objects[0].key == 0xffffffff,
      "a key printed unsigned is the same key");
  inventory_free (&inv);
}

static void
test_broken (void)
{
  struct nsipc_inventory inv = { 0 };
  nsipc_error err = { 0 };
  static const char good_line[] = "-2147483648          0   662          33          2  7372  7374  2002  3002  1000  "
                                  "1001 1795789539 1795789540 1795789541\n";
  char text[1024];

  snprintf (text, sizeof text, "%s%s%s", msg_header, good_line, "-2147483648          1   662          33\n");
  ok (inventory_parse_sysvipc (OBJECT_MSG, text, &inv, &err) < 0, "a truncated last line is refused");
  is_str (err.msg, "/proc/sysvipc/msg line 3: unexpected format", "with its line number");
  ok (inv.n == 1, "the lines before it stay parsed");
  inventory_free (&inv);

  snprintf (text, sizeof text, "%s%s", msg_header, "hello world\n");
  ok (inventory_parse_sysvipc (OBJECT_MSG, text, &inv, &err) < 0, "garbage is refused");
  is_str (err.msg, "/proc/sysvipc/msg line 2: unexpected format", "line 2, the first after the header");
  ok (inv.n == 0, "and leaves nothing");
  inventory_free (&inv);

  snprintf (text, sizeof text, "%s%s", msg_header,
            "-2147483648          0   662          33          2  7372  7374  2002  3002  1000  1001 1795789539 "
            "17957x9540 1795789541\n");
  ok (inventory_parse_sysvipc (OBJECT_MSG, text, &inv, &err) < 0, "a letter inside a number is refused");
  inventory_free (&inv);

  snprintf (text, sizeof text, "%s%s", msg_header,
            "-2147483648          0   662          33 99999999999999999999  7372  7374  2002  3002  1000  1001 "
            "1795789539 1795789540 1795789541\n");
  ok (inventory_parse_sysvipc (OBJECT_MSG, text, &inv, &err) < 0, "a number out of range is refused");
  inventory_free (&inv);

  /* A short line followed by a whole one: the short one must not borrow the
     next line's numbers. */
  snprintf (text, sizeof text, "%s%s%s", msg_header, "-2147483648          1   662          33\n", good_line);
  int r = inventory_parse_sysvipc (OBJECT_MSG, text, &inv, &err);
  ok (r < 0, "a truncated line in the middle is refused");
  is_str (err.msg, "/proc/sysvipc/msg line 2: unexpected format", "with its line number");
  inventory_free (&inv);
}

int
main (int argc, char **argv)
{
  fixtures = argc > 1 ? argv[1] : "tests/fixtures";
  test_shm ();
  test_msg ();
  test_sem ();
  test_shapes ();
  test_broken ();
  return tap_done ();
}
