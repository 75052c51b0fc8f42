/* What nsipc parses from /proc: a task's syscall, status and stat files,
   and a children list (every parser runs on the whole input). */
#include "evidence.h"
#include "fuzz.h"
#include "procfs.h"
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
  for (int field = 3; field <= 52; field++)
    {
      const char *p = procfs_stat_field (text, field);
      CHECK (p == NULL || (p > text && p <= text + strlen (text)));
    }
  pid_t *pids;
  size_t n = procfs_parse_pids (text, &pids);
  CHECK ((pids == NULL) == (n == 0));
  for (size_t i = 0; i < n; i++)
    CHECK (pids[i] > 0 && (i == 0 || pids[i] >= pids[i - 1]));
  free (pids);
  return 0;
}
