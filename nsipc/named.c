/* Named namespace records: the provisioned list grows as policies are
   applied and never shrinks while the namespace lives. */
#include "named.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "namespace.h"

#include "state.h"
#include "util.h"

const char *
named_record_name (json_t *record, const char *file)
{
  const char *name = json_string_value (json_object_get (record, "name"));
  size_t len = name ? strlen (name) : 0;
  if (name == NULL || !state_valid_name (name, STATE_NAME_MAX) || strncmp (file, name, len) != 0
      || strcmp (file + len, ".json") != 0)
    return NULL;
  return name;
}

bool
named_record_complete (json_t *record)
{
  const char *state = json_string_value (json_object_get (record, "state"));
  return state == NULL || strcmp (state, "ready") == 0;
}

void
named_record_set_state (json_t *record, const char *state)
{
  json_object_set_new (record, "state", json_string (state));
}

bool
named_pin_leftover (int ns_dirfd, const char *name)
{
  struct stat st;
  return fstatat (ns_dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG (st.st_mode);
}

int
named_discard (int ns_dirfd, const char *name, nsipc_error *err)
{
  _cleanup_close_ int nsfd = namespace_open_pin (ns_dirfd, name, err);
  if (nsfd < 0 && err->status != ENOENT && !named_pin_leftover (ns_dirfd, name))
    return -1; /* a symlink, a device: not ours to remove */
  if (nsfd >= 0)
    {
      uint64_t inode;
      _cleanup_free_ pid_t *pids = NULL;
      size_t n = 0, skipped;
      if (namespace_inode (nsfd, &inode, err) < 0 || namespace_members (inode, &pids, &n, &skipped, err) < 0)
        return -1;
      if (n > 0)
        return nsipc_error_set (err, 0, "namespace %s is in use by %zu process%s", name, n, n == 1 ? "" : "es");
    }
  char file[STATE_NAME_MAX + 8];
  snprintf (file, sizeof file, "%s.json", name);
  if (namespace_unpin (ns_dirfd, name, err) < 0 || state_remove (ns_dirfd, file, err) < 0)
    return -1;
  return 0;
}

int
named_merge_provisioned (json_t *record, const struct nsipc_ledger_object *list, size_t n, nsipc_error *err)
{
  json_t *old = json_object_get (record, "provisioned");
  struct nsipc_ledger_object *have = NULL;
  size_t n_have = 0;
  if (!json_is_object (record) || ledger_objects_from_json (old, &have, &n_have) < 0)
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
