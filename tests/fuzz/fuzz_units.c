/* The small parsers of policy values and cgroup paths: the first byte picks
   one ('0' size, '1' key, '2' mode, '3' cgroup path; any byte, mod 4), the
   rest is its text.  What parses is printed and must parse back the same. */
#include <inttypes.h>

#include "census.h"
#include "owners.h"
#include "fuzz.h"
#include "ledger.h"
#include "units.h"
#include "util.h"

static void
size_round_trip (const char *text)
{
  uint64_t bytes, again;
  char shown[32];
  if (units_parse_size (text, &bytes) < 0)
    return;
  units_format_size (bytes, shown, sizeof shown);
  CHECK (units_parse_size (shown, &again) == 0 && again == bytes);
}

static void
key_round_trip (const char *text)
{
  uint32_t key, again;
  char shown[16];
  if (units_parse_key (text, &key) < 0)
    return;
  snprintf (shown, sizeof shown, "0x%08" PRIx32, key);
  CHECK (key != 0 && units_parse_key (shown, &again) == 0 && again == key);
}

static void
mode_round_trip (const char *text)
{
  unsigned mode, again;
  char shown[8];
  if (units_parse_mode (text, &mode) < 0)
    return;
  snprintf (shown, sizeof shown, "%04o", mode);
  CHECK (mode <= 0777 && units_parse_mode (shown, &again) == 0 && again == mode);
}

static void
cgroup (const char *path)
{
  char id[LEDGER_ID_MAX + 1];
  const char *runtime = NULL;
  if (owners_cgroup_container (path, id, sizeof id, &runtime))
    CHECK (id[0] != '\0' && strlen (id) < sizeof id && runtime != NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  _cleanup_free_ char *text = fuzz_text (data + 1, size - 1);
  switch (data[0] % 4)
    {
    case 0:
      size_round_trip (text);
      break;
    case 1:
      key_round_trip (text);
      break;
    case 2:
      mode_round_trip (text);
      break;
    default:
      cgroup (text);
      break;
    }
  return 0;
}
