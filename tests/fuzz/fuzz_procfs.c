/* What nsipc reads from /proc: the first byte picks the file ('0' msg,
   '1' sem, '2' shm of /proc/sysvipc; '3' a task's syscall and status; any
   byte, mod 4), the rest is its text. */
#include "evidence.h"
#include "fuzz.h"
#include "inventory.h"
#include "util.h"

static void
sysvipc (enum nsipc_object_type type, const char *text)
{
  struct nsipc_inventory inv = { 0 };
  nsipc_error err = { 0 };
  if (inventory_parse_sysvipc (type, text, &inv, &err) < 0)
    CHECK (err.msg[0] != '\0');
  CHECK (inventory_count (&inv, type) == inv.n);
  inventory_free (&inv);
}

static void
task (const char *text)
{
  enum nsipc_object_type type;
  int id;
  const char *call = NULL;
  uid_t uids[4];
  if (evidence_parse_syscall (text, &type, &id, &call))
    CHECK (call != NULL && (type == OBJECT_MSG || type == OBJECT_SEM));
  evidence_parse_uids (text, uids);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const enum nsipc_object_type types[] = { OBJECT_MSG, OBJECT_SEM, OBJECT_SHM };
  if (size == 0)
    return 0;
  _cleanup_free_ char *text = fuzz_text (data + 1, size - 1);
  if (data[0] % 4 < 3)
    sysvipc (types[data[0] % 4], text);
  else
    task (text);
  return 0;
}
