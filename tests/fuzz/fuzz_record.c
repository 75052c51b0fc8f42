/* A named namespace's record gaining provisioned objects
   (named_merge_provisioned): the record is the input, the objects a fixed
   list of each type.  After a merge the record lists every one of them, and
   a second merge adds nothing. */
#include "fuzz.h"
#include "named.h"
#include "util.h"

static const struct nsipc_ledger_object list[] = {
  { .type = OBJECT_MSG, .id = 0, .key = 0x1000, .ctime = 1700000000, .name = "jobs" },
  { .type = OBJECT_SEM, .id = 1, .key = 0x1001, .ctime = 1700000000 },
  { .type = OBJECT_SHM, .id = 32769, .key = 0x1002, .ctime = 1700000001, .name = "frames" },
  { .type = OBJECT_MQUEUE, .id = -1, .name = "/events" },
};
#define N_LIST (sizeof list / sizeof list[0])

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  _cleanup_json_ json_t *record = json_loadb ((const char *)data, size, 0, NULL);
  nsipc_error err = { 0 };
  if (record == NULL)
    return 0;
  if (named_merge_provisioned (record, list, N_LIST, &err) < 0)
    {
      CHECK (err.msg[0] != '\0');
      return 0;
    }
  struct nsipc_ledger_object *have;
  size_t n_have;
  CHECK (ledger_objects_from_json (json_object_get (record, "provisioned"), &have, &n_have) == 0);
  for (size_t i = 0; i < N_LIST; i++)
    CHECK (ledger_object_listed (have, n_have, list[i].type, list[i].id, list[i].key, list[i].name));
  ledger_objects_free (have, n_have);
  /* Merging again adds nothing. */
  size_t before = json_array_size (json_object_get (record, "provisioned"));
  CHECK (named_merge_provisioned (record, list, N_LIST, &err) == 0);
  CHECK (json_array_size (json_object_get (record, "provisioned")) == before);
  return 0;
}
