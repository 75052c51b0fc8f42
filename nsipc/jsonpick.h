/* A few members of a large JSON document, parsed without the rest.
   createRuntime needs four members of config.json, which is 3 KiB as
   runc spec writes it and 20 to 30 KiB with the seccomp profile that
   containerd, CRI-O and podman put in it; jansson parses about 100 bytes
   a microsecond, and the hook would spend more on the profile than on
   everything else it does. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The members PATHS names (a NULL-terminated list of "key", a member of
   the top-level object, or "key.key", a member of one) of the JSON text
   TEXT (LEN bytes), as a document of their own: what json_loadb (TEXT,
   LEN, JSON_REJECT_DUPLICATES) returns with every other member taken out.
   What is not picked is checked for its structure, not for every rule
   jansson has (a number too large for it, UTF-8): that part is the
   runtime's, which has read it already.  When TEXT is not a well-formed
   object, or a key in the two levels read is written with an escape, it
   is parsed whole with json_loadb instead, and the members taken from
   there: NULL and jansson's error in *JERR when it refuses TEXT, what it
   returns when that is no object.
   Read as runc reads it, not as jansson does: a member a path names, or
   its parent, given twice (a twin inside a member, too), or spelled in
   another case (json_key_folds), is refused: NULL, with "json_pick" in
   JERR->source and where it is.  At most 8 paths. */
json_t *json_pick (const char *text, size_t len, const char *const *paths, json_error_t *jerr);

/* Whether KEY (LEN bytes) fills the member NAME (NAME_LEN bytes) as Go's
   encoding/json, which runtimes read config.json with, matches a key to a
   field: in any case, and with U+017F for s and U+212A for k. */
bool json_key_folds (const char *key, size_t len, const char *name, size_t name_len);

/* The length of the JSON number at P (LEN bytes), or 0 when none starts
   there: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
size_t json_number_len (const char *p, size_t len);
