/* Tables through libsmartcols, as util-linux's lsipc prints them: columns
   declared once (name and help), chosen with -o, printed aligned, raw
   (-r) or without headings (-n), never truncating a cell. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"

struct table_column
{
  const char *name;
  const char *help;
  bool right; /* numbers */
};

struct table_options
{
  const char *columns; /* -o: a comma-separated list of names; NULL: DEFAULTS */
  bool raw, noheadings;
};

/* Checks that every name in LIST is a column of COLS; the first that is
   not is the error. */
int table_check_columns (const struct table_column *cols, size_t n, const char *list, nsipc_error *err);

/* Prints NROWS rows of CELLS (row-major, N per row, NULL for empty) as the
   columns O selects, or DEFAULTS. */
int table_print (FILE *out, const struct table_column *cols, size_t n, const char *defaults,
                 const struct table_options *o, char *const *cells, size_t nrows, nsipc_error *err);

/* "  NAME  help" lines, for --help. */
void table_help (FILE *out, const struct table_column *cols, size_t n);
