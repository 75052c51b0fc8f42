/* nsipc hook precreate: podman's precreate stage.  The container's
   config on stdin, printed amended with the policy its annotation names
   (sysctls, /dev/shm size, seal, annotation) on stdout. */
#include <stdio.h>

#include "cli.h"
#include "jsonwide.h"
#include "oci.h"
#include "util.h"

int
cmd_hook_precreate (const struct nsipc_globals *g, const char *text, size_t len)
{
  const char *verb = "hook precreate";
  json_error_t jerr;
  struct json_wide wide;
  _cleanup_json_ json_t *config = json_wide_load (text, len, &wide, &jerr);
  if (config == NULL)
    return cli_fail (verb, EXIT_USAGE, "config on stdin: line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
  struct nsipc_oci_state st = { .id = "precreate" };
  json_t *name = json_object_get (json_object_get (config, "annotations"), OCI_POLICY_ANNOTATION);
  st.policy = (char *)json_string_value (name);
  struct nsipc_policy p = { 0 };
  _cleanup_free_ char *label = NULL;
  int r = cli_container_policy (g, verb, st.id, st.policy, &p, &label);
  nsipc_error err = { 0 };
  struct nsipc_oci_amend a = { .policy_name = st.policy };
  _cleanup_json_ json_t *amended = json_deep_copy (config);
  if (r == 0 && oci_config_amend (amended, &p, &a, &err) < 0)
    {
      cli_error (verb, "%s", err.msg);
      r = EXIT_USAGE;
    }
  policy_free (&p);
  /* podman shows a precreate hook's exit status, never its words: on a
     refusal the config goes on unchanged, and createRuntime, which
     checks the same, stops the container with the message. */
  _cleanup_free_ char *out = json_wide_dump (r == 0 ? amended : config, &wide, JSON_COMPACT);
  json_wide_free (&wide);
  puts (out);
  return 0;
}
