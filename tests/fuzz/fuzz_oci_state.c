/* The container state a runtime writes on a hook's stdin (oci_state_parse). */
#include "fuzz.h"
#include "ledger.h"
#include "oci.h"
#include "state.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct nsipc_oci_state st;
  nsipc_error err = { 0 };
  if (oci_state_parse ((const char *)data, size, &st, &err) == 0)
    {
      CHECK (st.id && state_valid_name (st.id, LEDGER_ID_MAX) && st.pid >= 0);
      if (st.policy)
        oci_check_policy_name (st.policy, &err);
      oci_state_free (&st);
    }
  else
    CHECK (err.msg[0] != '\0' && st.id == NULL);
  return 0;
}
