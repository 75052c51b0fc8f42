/* Named namespace records: the provisioned list grows as policies are
   applied and never shrinks while the namespace lives. */
#include "named.h"

#include <errno.h>
#include <stdio.h>

#include "state.h"
#include "util.h"

int
named_merge_provisioned (json_t *record, const struct nsipc_ledger_object *list, size_t n, nsipc_error *err)
{
  json_t *old = json_object_get (record, "provisioned");
  struct nsipc_ledger_object *have = NULL;
  size_t n_have = 0;
  if (old && ledger_objects_from_json (old, &have, &n_have) < 0)
    {
      ledger_objects_free (have, n_have);
      return nsipc_error_set (err, 0, "the record's provisioned list is malformed");
    }
  json_t *merged = old ? json_copy (old) : json_array ();
  for (size_t i = 0; merged && i < n; i++)
    if (!ledger_object_listed (have, n_have, list[i].type, list[i].id, list[i].key, list[i].name))
      {
        _cleanup_json_ json_t *one = ledger_objects_to_json (&list[i], 1);
        json_array_extend (merged, one);
      }
  ledger_objects_free (have, n_have);
  if (merged == NULL)
    return nsipc_error_set (err, ENOMEM, "record");
  json_object_set_new (record, "provisioned", merged);
  return 0;
}

int
named_add_provisioned (int ns_dirfd, const char *name, const struct nsipc_ledger_object *list, size_t n,
                       nsipc_error *err)
{
  char file[STATE_NAME_MAX + 8];
  snprintf (file, sizeof file, "%s.json", name);
  if (state_lock (ns_dirfd, err) < 0)
    return -1;
  _cleanup_json_ json_t *record = state_read_json (ns_dirfd, file, err);
  if (record == NULL || named_merge_provisioned (record, list, n, err) < 0)
    return nsipc_error_prefix (err, "record of namespace %s", name);
  return state_write_json (ns_dirfd, file, record, err);
}
