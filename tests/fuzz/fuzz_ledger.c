/* Ledger records and object lists, JSON in, JSON out and in again
   (ledger_from_json, ledger_to_json, ledger_objects_*): whatever is read
   must be written so that it reads back the same.  An array as input is an
   object list alone; anything else a container's ledger. */
#include "fuzz.h"
#include "ledger.h"
#include "util.h"

static bool
same_objects (const struct nsipc_ledger_object *a, size_t na, const struct nsipc_ledger_object *b, size_t nb)
{
  if (na != nb)
    return false;
  for (size_t i = 0; i < na; i++)
    {
      if (a[i].type != b[i].type || !same_str (a[i].name, b[i].name))
        return false;
      /* A POSIX queue is its name: ids, keys and times are System V's. */
      if (a[i].type != OBJECT_MQUEUE && (a[i].id != b[i].id || a[i].key != b[i].key || a[i].ctime != b[i].ctime))
        return false;
    }
  return true;
}

static void
objects_round_trip (json_t *in)
{
  struct nsipc_ledger_object *a, *b = NULL;
  size_t na, nb = 0;
  if (ledger_objects_from_json (in, &a, &na) == 0)
    {
      _cleanup_json_ json_t *out = ledger_objects_to_json (a, na);
      CHECK (json_array_size (out) == na);
      CHECK (ledger_objects_from_json (out, &b, &nb) == 0);
      CHECK (same_objects (a, na, b, nb));
    }
  ledger_objects_free (a, na);
  ledger_objects_free (b, nb);
}

static void
ledger_round_trip (json_t *in)
{
  struct nsipc_ledger a, b;
  nsipc_error err = { 0 };
  if (ledger_from_json (in, "c1", &a, &err) < 0)
    {
      CHECK (err.msg[0] != '\0');
      return;
    }
  _cleanup_json_ json_t *out = ledger_to_json (&a);
  CHECK (out != NULL);
  CHECK (ledger_from_json (out, "c1", &b, &err) == 0);
  CHECK (same_str (a.id, b.id) && same_str (a.bundle, b.bundle) && same_str (a.policy, b.policy)
         && same_str (a.policy_digest, b.policy_digest) && same_str (a.ns_name, b.ns_name)
         && same_str (a.ns_path, b.ns_path));
  CHECK (a.kind == b.kind && a.ns_inode == b.ns_inode && a.pid == b.pid && a.pid_start == b.pid_start
         && a.created == b.created && a.complete == b.complete && a.cleanup == b.cleanup);
  CHECK (same_objects (a.preexisting, a.n_preexisting, b.preexisting, b.n_preexisting));
  CHECK (same_objects (a.provisioned, a.n_provisioned, b.provisioned, b.n_provisioned));
  ledger_free (&a);
  ledger_free (&b);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  _cleanup_json_ json_t *in = json_loadb ((const char *)data, size, 0, NULL);
  if (json_is_array (in))
    objects_round_trip (in);
  else if (in)
    ledger_round_trip (in);
  return 0;
}
