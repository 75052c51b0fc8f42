/* A JSON document whose integers may pass jansson's (int64_t), in and out
   of jansson unchanged.  Runtimes write uint64 numbers into config.json:
   podman --ulimit memlock=-1 makes an rlimit of 18446744073709551615,
   which jansson refuses, and nsipc would refuse the whole config for a
   member it never reads.  Each such number is held as a marker string
   while the document is in jansson, and written back as it was. */
#pragma once

#include <jansson.h>
#include <stddef.h>

struct json_wide
{
  char **numbers; /* as written, by marker index */
  size_t n;
};

/* json_loadb (TEXT, LEN, JSON_REJECT_DUPLICATES, JERR), with the numbers
   jansson cannot hold (integers past int64, reals past double) kept in W
   (empty when it fails).  A key given twice is refused: runc (Go) would
   read both, jansson one. */
json_t *json_wide_load (const char *text, size_t len, struct json_wide *w, json_error_t *jerr);

/* What json_dumps (J, FLAGS) writes, with W's numbers put back
   (malloc'd). */
char *json_wide_dump (const json_t *j, const struct json_wide *w, size_t flags);

void json_wide_free (struct json_wide *w);
