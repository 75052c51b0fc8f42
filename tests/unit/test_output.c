/* Audit output: the table and the Prometheus text made from a fixture
   JSON, and the JSON of one object. */
#include <stdlib.h>

#include "output.h"
#include "tap.h"

static char *
render (void (*fn) (FILE *, json_t *), json_t *audit)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream (&buf, &len);
  fn (mem, audit);
  fclose (mem);
  return buf;
}

int
main (int argc, char **argv)
{
  const char *fixtures = argc > 1 ? argv[1] : "tests/fixtures";
  char path[4096];
  snprintf (path, sizeof path, "%s/output/audit.json", fixtures);
  json_error_t jerr;
  json_t *audit = json_load_file (path, 0, &jerr);
  ok (audit != NULL, "fixture audit.json loads");

  char *prom = render (output_audit_prometheus, audit);
  snprintf (path, sizeof path, "%s/output/audit.prom", fixtures);
  char *want = tap_slurp (path);
  is_str (prom, want ? want : "(missing audit.prom)", "Prometheus text as expected");
  free (want);
  ok (strstr (prom, "nsipc_limit_use_ratio{namespace=\"4026532182\",kind=\"pinned\",name=\"pod1\",container=\"web-1\","
                    "limit=\"shmmni\"} 0.5\n")
          != NULL,
      "shmmni is half full, labelled by namespace and container");
  free (prom);

  char *table = render (output_audit_table, audit);
  snprintf (path, sizeof path, "%s/output/audit.table", fixtures);
  want = tap_slurp (path);
  is_str (table, want ? want : "(missing audit.table)", "table as expected");
  free (want);
  free (table);
  json_decref (audit);

  struct nsipc_ipc_object o = { .type = OBJECT_MSG,
                                .key = 0x1000,
                                .id = 3,
                                .mode = 0640,
                                .uid = 7,
                                .gid = 8,
                                .bytes = 12,
                                .messages = 2,
                                .lspid = 5,
                                .lrpid = 6 };
  json_t *j = output_object (&o, "jobs", "policy", "provisioned by a policy");
  char *text = json_dumps (j, JSON_SORT_KEYS | JSON_COMPACT);
  is_str (text,
          "{\"bytes\":12,\"cgid\":0,\"cpid\":null,\"cuid\":0,\"gid\":8,\"id\":3,\"key\":\"0x00001000\",\"lrpid\":6,"
          "\"lspid\":5,\"messages\":2,\"mode\":\"0640\",\"orphan\":false,\"policy_object\":\"jobs\",\"reason\":"
          "\"provisioned "
          "by a policy\",\"rule\":\"policy\",\"type\":\"msg\",\"uid\":7}",
          "a message queue's JSON: numbers as numbers, key and mode as strings");
  free (text);
  json_decref (j);
  return tap_done ();
}
