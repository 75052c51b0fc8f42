/* What nsipc parses from /proc: a task's syscall and status files (both
   parsers run on the whole input). */
#include "evidence.h"
#include "fuzz.h"
#include "util.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  _cleanup_free_ char *text = fuzz_text (data, size);
  enum nsipc_object_type type;
  int id;
  const char *call = NULL;
  uid_t uids[4];
  if (evidence_parse_syscall (text, &type, &id, &call))
    CHECK (call != NULL && (type == OBJECT_MSG || type == OBJECT_SEM));
  evidence_parse_uids (text, uids);
  evidence_parse_threads (text);
  return 0;
}
