/* Audit output (DESIGN.md §7): the JSON is built from what was found, and
   the table and the Prometheus exposition are made from that JSON, so the
   three always agree.  Formatting is pure, for unit tests on fixtures. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "census.h"
#include "inventory.h"
#include "gc.h"
#include "limits.h"
#include "table.h"

/* One object: type, key, id, mode, owners, type-specific fields, its
   policy label (or null), the rule that kept it ("orphan": none did) and
   why, in words. */
/* An IPC key as nsipc's JSON writes it, everywhere (DESIGN.md §7): the
   string "0x%08x", as ipcs shows it. */
json_t *output_key (uint32_t key);

/* An unsigned integer for the JSON tree, exact past 2^63 (a marker string
   there, which output_dumps writes as the number); and its value back. */
json_t *output_u64 (uint64_t v);
uint64_t output_u64_value (json_t *j);

/* J as json_dumps writes it with JSON_INDENT (2), with output_u64's
   markers written as the integers they are: every JSON text nsipc prints
   goes through it.  Free the result. */
char *output_dumps (json_t *j);
/* The same with each object's keys in strcmp order, as JSON_SORT_KEYS
   sorts them: the text of nsipc's state files.  jansson's writer formats
   integers with snprintf, which alone would page printf into the hook. */
char *output_dumps_sorted (json_t *j);
/* J on one line with what is past U+007F escaped, as json_dumps writes it
   with JSON_COMPACT | JSON_ENSURE_ASCII: the event log's lines. */
char *output_dumps_line (json_t *j);

/* O as DESIGN.md §7 lists an object: LABEL, its policy's name for it, or
   NULL; RULE, reaper_rule_name's (written as it is: nothing to escape);
   REASON, any text. */
json_t *output_object (const struct nsipc_ipc_object *o, const char *label, const char *rule, const char *reason);

struct output_text
{
  char *s;
  size_t len, cap;
};

/* audit --json written a namespace at a time, as audit judges them: the
   text output_dumps writes of {"namespaces": [output_namespace, ...],
   "skipped": N}, and a newline, never a tree (at 20 objects a namespace,
   building and writing the tree was half of audit's time) nor the whole
   document in memory (1 MB at 100 namespaces, and its page faults a tenth
   of audit's time).  A namespace is begun, given its objects, each as
   output_object's, and finished: with DROP (--orphans, none found) it is
   taken back.  Written to OUT in blocks of OUTPUT_AUDIT_JSON_BLOCK bytes or
   more, each of whole namespaces. */
#define OUTPUT_AUDIT_JSON_BLOCK 65536
struct output_audit_json
{
  FILE *out;
  struct output_text text;
  size_t n;       /* namespaces written */
  size_t begun;   /* where the one being written begins */
  size_t objects; /* its objects */
};
void output_audit_json_begin (struct output_audit_json *w, const struct nsipc_census_ns *ns,
                              const struct nsipc_limit_set *limits, const struct nsipc_inventory *inv);
void output_audit_json_object (struct output_audit_json *w, const struct nsipc_ipc_object *o, const char *label,
                               const char *rule, const char *reason);
void output_audit_json_finish (struct output_audit_json *w, const struct nsipc_census_ns *ns, bool drop);
void output_audit_json_end (struct output_audit_json *w, size_t skipped);

/* One namespace, its limits as read inside it, usage counted from INV, and
   OBJECTS (an array of output_object, stolen). */
json_t *output_namespace (const struct nsipc_census_ns *ns, const struct nsipc_limit_set *limits,
                          const struct nsipc_inventory *inv, json_t *objects);

/* The table an admin reads first: a line per namespace (owner, counts, the
   fullest limit), its objects indented below. */
void output_audit_table (FILE *out, json_t *audit);

/* The text exposition format, labelled by namespace and container. */
void output_audit_prometheus (FILE *out, json_t *audit);

/* ns list's columns (NAME, INODE, POLICY, …, STATE), for -o and --help. */
extern const struct table_column output_ns_columns[];
extern const size_t output_ns_n_columns;

/* ns list's table of LIST (named_list's JSON) as O selects. */
int output_ns_table (FILE *out, json_t *list, const struct table_options *o, nsipc_error *err);

/* gc's events: one line each for people and the log ("removed shm key …"),
   control characters escaped; and the whole report as gc --json. */
void output_gc_line (const struct gc_event *e, bool dry_run, char *out, size_t len);
/* A removal's line as output_gc_line makes it, and its length, faster: gc
   prints one per removal, 10 000 in a run.  SEEN keeps the namespace's
   part of the line from one removal to the next; zeroed before the first. */
struct output_gc_seen
{
  bool made;
  uint64_t ns;
  const char *name, *container;
  size_t len;
  char where[512];
};
size_t output_gc_removal (struct output_gc_seen *seen, const struct gc_event *e, bool dry_run, char *out, size_t len);
/* gc --json: its events collected as they come, then the document. */
struct gc_json
{
  json_t *removed, *pins, *records;
};
void output_gc_json_add (struct gc_json *j, const struct gc_event *e);
void output_gc_json (FILE *out, struct gc_json *j, const struct gc_report *r, bool dry_run);

/* One removal by a container's poststop, as the log reads it. */
void output_removal_line (const char *container, uint64_t ns, const struct nsipc_removal *r, char *out, size_t len);

/* The same as event log entries: the JSON gc --json gives the event, with
   "event" (removed, unpinned, dropped) and "message" (the line above). */
json_t *output_gc_event_json (const struct gc_event *e);
json_t *output_removal_json (const char *container, uint64_t ns, const struct nsipc_removal *r);

/* audit -o COLUMNS (-r, -n): one row per object, with its namespace, as
   lsipc prints; the columns for -o and --help. */
extern const struct table_column output_audit_columns[];
extern const size_t output_audit_n_columns;
int output_audit_objects (FILE *out, json_t *audit, const struct table_options *o, nsipc_error *err);
