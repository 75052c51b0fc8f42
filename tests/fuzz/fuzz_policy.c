/* Policy parsing and validation (policy_load_string): any text either loads
   or yields problems, and a loaded policy holds only values in range. */
#include "fuzz.h"
#include "policy.h"
#include "util.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  _cleanup_free_ char *text = fuzz_text (data, size);
  struct nsipc_policy p;
  struct nsipc_problems problems;
  if (policy_load_string (text, &p, &problems) == 0)
    {
      CHECK (problems.n == 0 && p.digest[0] != '\0');
      for (size_t i = 0; i < p.n_objects; i++)
        {
          char what[512];
          policy_object_describe (&p.objects[i], what, sizeof what);
          CHECK (p.objects[i].type < OBJECT_TYPE_COUNT && p.objects[i].mode <= 0777);
          CHECK (p.objects[i].type != OBJECT_MQUEUE || p.objects[i].name[0] == '/');
        }
    }
  else
    CHECK (problems.n > 0 && p.n_objects == 0);
  policy_free (&p);
  problems_free (&problems);
  return 0;
}
