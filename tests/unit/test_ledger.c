/* Ledger records and named namespace records in and out of JSON: what
   poststop, gc and audit read back must be what createRuntime wrote, and
   a record planted or damaged on disk must not lead anywhere else. */
#include <stdlib.h>

#include "ledger.h"
#include "named.h"
#include "tap.h"
#include "util.h"

static struct nsipc_ledger_object before[] = {
  { OBJECT_MSG, 3, 0x80000000, 1795789541, NULL },
  { OBJECT_SEM, 4, 0x7fffffff, 1795789542, "locks" },
  { OBJECT_SHM, 5, 0xffffffff, 1795789543, NULL },
  { OBJECT_MQUEUE, -1, 0, 0, "/before" },
};
static struct nsipc_ledger_object made[] = {
  { OBJECT_MSG, 32768, 0x1000, 1795790000, "jobs" },
  { OBJECT_SEM, 32769, 0x1001, 1795790001, "locks" },
  { OBJECT_SHM, 0, 0x1002, 1795790002, "frames" },
  { OBJECT_MQUEUE, -1, 0, 0, "/events" },
};
#define N(a) (sizeof (a) / sizeof (a)[0])

static struct nsipc_ledger
full (void)
{
  return (struct nsipc_ledger){ .id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                                .bundle = "/run/containers/storage/overlay-containers/x/userdata",
                                .policy = "web",
                                .policy_digest
                                = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                                .kind = NS_KIND_NAMED,
                                .ns_name = "pod1",
                                .ns_path = "/run/nsipc/ns/pod1",
                                .ns_inode = 4026532182ull,
                                .ns_handle = "241:788e0a00000000000000000857010f0",
                                .pid = 7820,
                                .pid_start = 123456789012ull,
                                .created = 1795790000,
                                .complete = true,
                                .cleanup = CLEANUP_BY_PID,
                                .preexisting = before,
                                .n_preexisting = N (before),
                                .provisioned = made,
                                .n_provisioned = N (made) };
}

static bool
same_objects (const struct nsipc_ledger_object *a, size_t n_a, const struct nsipc_ledger_object *b, size_t n_b)
{
  if (n_a != n_b)
    return false;
  for (size_t i = 0; i < n_a; i++)
    {
      if (a[i].type != b[i].type || (a[i].name == NULL) != (b[i].name == NULL)
          || (a[i].name && strcmp (a[i].name, b[i].name) != 0))
        return false;
      /* A queue is its name: no id, key or ctime is stored for it. */
      if (a[i].type != OBJECT_MQUEUE && (a[i].id != b[i].id || a[i].key != b[i].key || a[i].ctime != b[i].ctime))
        return false;
    }
  return true;
}

static int
from_text (const char *text, struct nsipc_ledger *l, nsipc_error *err)
{
  json_error_t jerr;
  _cleanup_json_ json_t *j = json_loads (text, 0, &jerr);
  if (j == NULL)
    return nsipc_error_set (err, 0, "test JSON: %s", jerr.text);
  return ledger_from_json (j, "c1", l, err);
}

static void
test_round_trip (void)
{
  struct nsipc_ledger in = full (), out;
  nsipc_error err = { 0 };
  _cleanup_json_ json_t *j = ledger_to_json (&in);
  ok (j != NULL, "a full ledger becomes JSON");
  is_str (json_string_value (json_object_get (j, "ns_kind")), "named", "its kind as a word");
  ok (json_integer_value (json_object_get (json_array_get (json_object_get (j, "provisioned"), 2), "key")) == 0x1002,
      "keys as numbers");
  ok (ledger_from_json (j, in.id, &out, &err) == 0, "and reads back");
  is_str (out.id, in.id, "id");
  is_str (out.bundle, in.bundle, "bundle");
  is_str (out.policy, "web", "policy");
  is_str (out.policy_digest, in.policy_digest, "policy digest");
  ok (out.kind == NS_KIND_NAMED, "namespace kind");
  is_str (out.ns_name, "pod1", "namespace name");
  is_str (out.ns_path, "/run/nsipc/ns/pod1", "namespace path");
  is_str (out.ns_handle, "241:788e0a00000000000000000857010f0", "namespace handle");
  ok (out.ns_inode == 4026532182ull, "namespace inode, beyond 32 bits");
  ok (out.pid == 7820 && out.pid_start == 123456789012ull, "init pid and its start time");
  ok (out.created == 1795790000, "creation time");
  ok (out.complete, "complete");
  ok (out.cleanup == CLEANUP_BY_PID, "cleanup mode");
  ok (same_objects (out.preexisting, out.n_preexisting, before, N (before)),
      "the preexisting msg, sem, shm and mqueue, keys above 0x7fffffff included");
  ok (same_objects (out.provisioned, out.n_provisioned, made, N (made)), "the provisioned objects, with their labels");
  ledger_free (&out);

  struct nsipc_ledger bare = { .id = "c1", .kind = NS_KIND_PRIVATE, .ns_inode = 4026532190ull };
  _cleanup_json_ json_t *b = ledger_to_json (&bare);
  ok (b && ledger_from_json (b, "c1", &out, &err) == 0, "a ledger with nothing optional");
  ok (out.bundle == NULL && out.policy == NULL && out.ns_name == NULL && out.ns_path == NULL && out.ns_handle == NULL,
      "absent strings stay absent");
  ok (out.kind == NS_KIND_PRIVATE && !out.complete && out.n_preexisting == 0 && out.n_provisioned == 0,
      "private, incomplete, no objects");
  ledger_free (&out);

  static const enum nsipc_ns_kind kinds[] = { NS_KIND_HOST, NS_KIND_PRIVATE, NS_KIND_SHARED, NS_KIND_NAMED };
  bool all = true;
  for (size_t i = 0; i < N (kinds); i++)
    {
      bare.kind = kinds[i];
      _cleanup_json_ json_t *k = ledger_to_json (&bare);
      all &= k && ledger_from_json (k, "c1", &out, &err) == 0 && out.kind == kinds[i];
      ledger_free (&out);
    }
  ok (all, "host, private, shared and named read back as themselves");
}

static void
test_refused (void)
{
  struct nsipc_ledger l;
  nsipc_error err = { 0 };
  ok (from_text ("{\"ns_inode\":1}", &l, &err) < 0, "no ns_kind: refused");
  is_str (err.msg, "ledger of c1: no namespace recorded", "and says so");
  ok (from_text ("{\"ns_kind\":\"mine\",\"ns_inode\":1}", &l, &err) < 0, "an unknown kind: refused");
  ok (from_text ("{\"ns_kind\":\"pinned\",\"ns_inode\":1}", &l, &err) < 0,
      "\"pinned\" (audit's word, no container's): refused");
  ok (from_text ("{\"ns_kind\":7,\"ns_inode\":1}", &l, &err) < 0, "a kind that is not a string: refused");
  ok (from_text ("{\"ns_kind\":\"private\"}", &l, &err) < 0, "no inode: refused");
  ok (from_text ("{\"ns_kind\":\"private\",\"ns_inode\":\"4026532182\"}", &l, &err) < 0,
      "an inode that is not a number: refused");
  ok (from_text ("{\"ns_kind\":\"named\",\"ns_inode\":1,\"ns_name\":\"../x\"}", &l, &err) < 0,
      "ns_name \"../x\": refused (it becomes a path)");
  is_str (err.msg, "ledger of c1: \"ns_name\" is not a namespace name", "and says so");
  ok (from_text ("{\"ns_kind\":\"named\",\"ns_inode\":1,\"ns_name\":\"\"}", &l, &err) < 0, "an empty ns_name: refused");
  ok (from_text ("{\"ns_kind\":\"shared\",\"ns_inode\":1,\"ns_path\":\"proc/1/ns/ipc\"}", &l, &err) < 0,
      "a relative ns_path: refused");
  is_str (err.msg, "ledger of c1: \"ns_path\" is not an absolute path", "and says so");
  ok (from_text ("{\"ns_kind\":\"private\",\"ns_inode\":1,\"provisioned\":{\"type\":\"shm\"}}", &l, &err) < 0,
      "a provisioned list that is not an array: refused, not read as empty");
  is_str (err.msg, "ledger of c1: malformed object list", "and says so");
  ok (from_text ("{\"ns_kind\":\"private\",\"ns_inode\":1,\"preexisting\":\"none\"}", &l, &err) < 0,
      "nor a preexisting list");
  ok (from_text ("{\"ns_kind\":\"private\",\"ns_inode\":1,\"provisioned\":[{\"type\":\"pipe\",\"id\":1}]}", &l, &err)
          < 0,
      "an object of an unknown type: refused");
  ok (from_text ("{\"ns_kind\":\"private\",\"ns_inode\":1,\"provisioned\":[{\"type\":\"mqueue\"}]}", &l, &err) < 0,
      "a queue without a name: refused");
  ok (from_text ("{\"ns_kind\":\"private\",\"ns_inode\":1,\"provisioned\":[{\"type\":\"shm\",\"id\":1,\"key\":2},"
                 "{\"id\":2}]}",
                 &l, &err)
          < 0,
      "an object without a type after a good one: refused, nothing leaked");
  ok (l.provisioned == NULL && l.id == NULL, "a refused ledger is left empty");

  ok (from_text ("{\"ns_kind\":\"private\",\"ns_inode\":1,\"cleanup\":\"all\"}", &l, &err) == 0
          && l.cleanup == CLEANUP_SAFE,
      "an unknown cleanup word reads as the careful default, never a laxer mode");
  ledger_free (&l);
  ok (from_text ("{\"ns_kind\":\"private\",\"ns_inode\":1,\"cleanup\":\"owned\"}", &l, &err) == 0
          && l.cleanup == CLEANUP_SAFE,
      "the first version's \"owned\" is safe");
  ledger_free (&l);
}

static void
test_objects (void)
{
  _cleanup_json_ json_t *j = ledger_objects_to_json (made, N (made));
  ok (json_array_size (j) == 4, "four objects, four entries");
  json_t *q = json_array_get (j, 3);
  ok (json_object_size (q) == 2 && strcmp (json_string_value (json_object_get (q, "name")), "/events") == 0,
      "a queue is written as its type and name");
  is_str (json_string_value (json_object_get (json_array_get (j, 0), "label")), "jobs", "a SysV label as \"label\"");
  _cleanup_json_ json_t *unlabelled = ledger_objects_to_json (before, 1);
  ok (!json_is_string (json_object_get (json_array_get (unlabelled, 0), "label")), "no label, no label string");

  struct nsipc_ledger_object *list;
  size_t n;
  ok (ledger_objects_from_json (j, &list, &n) == 0 && same_objects (list, n, made, N (made)), "and back");
  ledger_objects_free (list, n);
  ok (ledger_objects_from_json (NULL, &list, &n) == 0 && n == 0, "no list is an empty one");
  ledger_objects_free (list, n);
  _cleanup_json_ json_t *empty = json_array ();
  ok (ledger_objects_from_json (empty, &list, &n) == 0 && n == 0, "so is []");
  ledger_objects_free (list, n);
  _cleanup_json_ json_t *object = json_object ();
  ok (ledger_objects_from_json (object, &list, &n) < 0, "an object is no list");
  ledger_objects_free (list, n);
  _cleanup_json_ json_t *numbers = json_pack ("[i]", 5);
  ok (ledger_objects_from_json (numbers, &list, &n) < 0, "a number is no object");
  ledger_objects_free (list, n);
}

static void
test_listed (void)
{
  ok (ledger_object_listed (made, N (made), OBJECT_SHM, 0, 0x1002, NULL), "SysV: listed by type, id and key");
  ok (!ledger_object_listed (made, N (made), OBJECT_SHM, 7, 0x1002, NULL), "the same key with another id is not");
  ok (!ledger_object_listed (made, N (made), OBJECT_SHM, 0, 0x1003, NULL), "the same id with another key is not");
  ok (!ledger_object_listed (made, N (made), OBJECT_MSG, 0, 0x1002, NULL),
      "the same id and key of another type is not");
  ok (ledger_object_listed (made, N (made), OBJECT_SEM, 32769, 0x1001, "another label"),
      "a SysV object's label does not matter");
  ok (ledger_object_listed (before, N (before), OBJECT_SHM, 5, 0xffffffff, NULL), "a key above 0x7fffffff");
  ok (ledger_object_listed (made, N (made), OBJECT_MQUEUE, 123, 456, "/events"), "a queue: by name alone");
  ok (!ledger_object_listed (made, N (made), OBJECT_MQUEUE, -1, 0, "/event"), "another name is not");
  ok (!ledger_object_listed (made, N (made), OBJECT_MQUEUE, -1, 0, NULL), "no name is not");
  ok (!ledger_object_listed (NULL, 0, OBJECT_SHM, 0, 0x1002, NULL), "nothing is in an empty list");
}

static json_t *
record (const char *text)
{
  json_error_t jerr;
  return json_loads (text, 0, &jerr);
}

static void
test_named_record (void)
{
  _cleanup_json_ json_t *r = record ("{\"name\":\"pod1\",\"inode\":4026532182,\"provisioned\":[]}");
  is_str (named_record_name (r, "pod1.json"), "pod1", "a record's name is its file's stem");
  ok (named_record_name (r, "pod2.json") == NULL, "a record in another name's file is refused");
  ok (named_record_name (r, "pod1.json.tmp") == NULL, "a temporary file is not the record");
  ok (named_record_name (r, "pod1") == NULL, "nor a file without .json");
  ok (named_record_name (r, "pod.json") == NULL, "nor a shorter stem");
  _cleanup_json_ json_t *up = record ("{\"name\":\"../x\"}");
  ok (named_record_name (up, "../x.json") == NULL, "a name that is no valid name is refused, even in its own file");
  _cleanup_json_ json_t *none = record ("{\"inode\":1}");
  ok (named_record_name (none, "pod1.json") == NULL, "no name: refused");
  _cleanup_json_ json_t *number = record ("{\"name\":1}");
  ok (named_record_name (number, "1.json") == NULL, "a name that is not a string: refused");
  _cleanup_json_ json_t *empty = record ("{\"name\":\"\"}");
  ok (named_record_name (empty, ".json") == NULL, "an empty name: refused");
  _cleanup_json_ json_t *dotted = record ("{\"name\":\"a.json\"}");
  is_str (named_record_name (dotted, "a.json.json"), "a.json", "a name may contain .json itself");

  ok (named_record_complete (r), "a record without a state (older than the field) is complete");
  named_record_set_state (r, "creating");
  ok (!named_record_complete (r), "\"creating\" is not complete");
  is_str (json_string_value (json_object_get (r, "state")), "creating", "the state is written as given");
  named_record_set_state (r, "applying");
  ok (!named_record_complete (r), "\"applying\" is not complete");
  named_record_set_state (r, "ready");
  ok (named_record_complete (r), "\"ready\" is");
  ok (json_object_size (r) == 4, "setting the state adds one field and replaces it after");
}

static void
test_merge (void)
{
  nsipc_error err = { 0 };
  _cleanup_json_ json_t *r
      = record ("{\"name\":\"pod1\",\"provisioned\":[{\"type\":\"shm\",\"id\":0,\"key\":4098,\"ctime\":1,"
                "\"label\":\"frames\"},{\"type\":\"mqueue\",\"name\":\"/events\"}]}");
  struct nsipc_ledger_object add[] = {
    { OBJECT_SHM, 0, 0x1002, 99, NULL },         /* there already (ctime and label do not count) */
    { OBJECT_SHM, 3, 0x1002, 99, NULL },         /* the key again, another id: another segment */
    { OBJECT_MQUEUE, -1, 0, 0, "/events" },      /* there already */
    { OBJECT_SEM, 32769, 0x1001, 5, "locks" },   /* new */
    { OBJECT_MQUEUE, -1, 0, 0, "/more-events" }, /* new */
  };
  ok (named_merge_provisioned (r, add, N (add), &err) == 0, "merging into a record");
  json_t *list = json_object_get (r, "provisioned");
  ok (json_array_size (list) == 5, "adds only the three it lacks");
  is_str (json_string_value (json_object_get (json_array_get (list, 0), "label")), "frames",
          "what was there stays as it was");
  ok (json_integer_value (json_object_get (json_array_get (list, 2), "id")) == 3, "new objects come after, in order");
  is_str (json_string_value (json_object_get (json_array_get (list, 3), "label")), "locks", "with their labels");
  is_str (json_string_value (json_object_get (json_array_get (list, 4), "name")), "/more-events", "and queue names");
  ok (named_merge_provisioned (r, add, N (add), &err) == 0 && json_array_size (json_object_get (r, "provisioned")) == 5,
      "merging the same again changes nothing");
  is_str (json_string_value (json_object_get (r, "name")), "pod1", "the rest of the record is untouched");

  _cleanup_json_ json_t *fresh = record ("{\"name\":\"pod2\"}");
  ok (named_merge_provisioned (fresh, add, 2, &err) == 0
          && json_array_size (json_object_get (fresh, "provisioned")) == 2,
      "a record without a list gets one");

  struct nsipc_ledger_object twice[] = { { OBJECT_MSG, 1, 0x2000, 0, NULL }, { OBJECT_MSG, 1, 0x2000, 0, NULL } };
  _cleanup_json_ json_t *dup = record ("{\"name\":\"pod3\",\"provisioned\":[]}");
  ok (named_merge_provisioned (dup, twice, 2, &err) == 0, "a list naming one object twice is merged");
  ok (json_array_size (json_object_get (dup, "provisioned")) == 1, "once");

  _cleanup_json_ json_t *array = record ("[{\"name\":\"pod1\"}]");
  ok (named_merge_provisioned (array, add, N (add), &err) < 0, "a record that is not an object is refused");
  is_str (err.msg, "the record's provisioned list is malformed", "and says so");
  _cleanup_json_ json_t *string = record ("{\"name\":\"pod1\",\"provisioned\":\"all\"}");
  ok (named_merge_provisioned (string, add, N (add), &err) < 0, "a list that is not an array is refused");
  is_str (json_string_value (json_object_get (string, "provisioned")), "all", "and the record is left alone");
  _cleanup_json_ json_t *bad = record ("{\"name\":\"pod1\",\"provisioned\":[{\"type\":\"shm\",\"id\":1,\"key\":1,"
                                       "\"label\":\"x\"},{\"type\":\"fifo\"}]}");
  ok (named_merge_provisioned (bad, add, N (add), &err) < 0, "a list with a broken entry is refused");
}

int
main (void)
{
  test_round_trip ();
  test_refused ();
  test_objects ();
  test_listed ();
  test_named_record ();
  test_merge ();
  return tap_done ();
}
