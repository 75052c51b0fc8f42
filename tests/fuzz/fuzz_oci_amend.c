/* Amending a bundle's config.json with a policy (oci_config_amend): the config
   is the input, read and written as oci-config and hook precreate do
   (json_wide, numbers past jansson's kept), the policy a fixed one with
   limits, dev_shm and an object; each config is amended twice, keeping its
   IPC namespace and joining one. */
#include "fuzz.h"
#include "jsonwide.h"
#include "oci.h"
#include "util.h"

static const char policy_text[]
    = "{ \"version\": 1,"
      "  \"limits\": { \"msgmax\": 8192, \"shmmax\": \"256MiB\", \"sem\": { \"semmsl\": 250 },"
      "              \"mqueue\": { \"msg_max\": 64 } },"
      "  \"dev_shm\": { \"size\": \"64MiB\" },"
      "  \"objects\": [ { \"type\": \"shm\", \"key\": \"0x1000\", \"size\": \"1MiB\" } ] }";

static char *hook_args[] = { "nsipc", "--state-dir", "/run/nsipc", "hook", NULL };

static void
amend (json_t *config, const struct json_wide *w, const struct nsipc_policy *p, const char *ns_path)
{
  struct nsipc_oci_amend a
      = { .policy_name = "web", .ns_path = ns_path, .hook_path = "/usr/sbin/nsipc", .hook_args = hook_args };
  nsipc_error err = { 0 };
  if (oci_config_amend (config, p, &a, &err) < 0)
    {
      CHECK (err.msg[0] != '\0');
      return;
    }
  /* What nsipc oci-config prints next. */
  _cleanup_free_ char *out = json_wide_dump (config, w, JSON_INDENT (2));
  CHECK (out != NULL);
  /* Every number jansson could not hold is back as it was, or went with
     a member the amend replaced: no marker is left. */
  CHECK (w->n == 0 || strstr (out, "nsipc-wide:") == NULL);
  json_t *annotations = json_object_get (config, "annotations");
  CHECK (same_str (json_string_value (json_object_get (annotations, OCI_POLICY_ANNOTATION)), "web"));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static struct nsipc_policy p;
  static bool loaded;
  if (!loaded)
    {
      struct nsipc_problems problems;
      CHECK (policy_load_string (policy_text, &p, &problems) == 0);
      loaded = true;
    }
  struct json_wide w;
  _cleanup_json_ json_t *config = json_wide_load ((const char *)data, size, &w, NULL);
  if (config == NULL)
    {
      json_wide_free (&w);
      return 0;
    }
  _cleanup_json_ json_t *copy = json_deep_copy (config);
  amend (config, &w, &p, NULL);
  amend (copy, &w, &p, "/run/nsipc/ns/shared");
  json_wide_free (&w);
  return 0;
}
