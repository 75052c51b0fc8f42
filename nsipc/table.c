/* Column selection and printing; the cells are the caller's. */
#include "table.h"

#include <errno.h>
#include <string.h>

#include "dl.h"
#include "util.h"

static int
column_index (const struct table_column *cols, size_t n, const char *name, size_t len)
{
  for (size_t i = 0; i < n; i++)
    if (strlen (cols[i].name) == len && strncasecmp (cols[i].name, name, len) == 0)
      return (int)i;
  return -1;
}

/* The indices LIST names, in its order; -1 with the error for an unknown one. */
static int
parse_list (const struct table_column *cols, size_t n, const char *list, int *idx, size_t *n_idx, nsipc_error *err)
{
  *n_idx = 0;
  for (const char *p = list; *p;)
    {
      size_t len = strcspn (p, ",");
      int i = column_index (cols, n, p, len);
      if (i < 0)
        return nsipc_error_set (err, 0, "unknown column \"%.*s\" (see --help)", (int)len, p);
      if (*n_idx < n)
        idx[(*n_idx)++] = i;
      p += len + (p[len] == ',');
    }
  if (*n_idx == 0)
    return nsipc_error_set (err, 0, "no columns given");
  return 0;
}

int
table_check_columns (const struct table_column *cols, size_t n, const char *list, nsipc_error *err)
{
  int idx[n];
  size_t n_idx;
  return list ? parse_list (cols, n, list, idx, &n_idx, err) : 0;
}

int
table_print (FILE *out, const struct table_column *cols, size_t n, const char *defaults, const struct table_options *o,
             char *const *cells, size_t nrows, nsipc_error *err)
{
  int idx[n];
  size_t n_idx;
  if (parse_list (cols, n, o->columns ? o->columns : defaults, idx, &n_idx, err) < 0)
    return -1;
  const struct dl_smartcols *sc = dl_smartcols (err);
  if (sc == NULL)
    return -1;
  struct libscols_table *tb = sc->scols_new_table ();
  if (tb == NULL)
    return nsipc_error_set (err, ENOMEM, "table");
  sc->scols_table_enable_raw (tb, o->raw);
  sc->scols_table_enable_noheadings (tb, o->noheadings);
  sc->scols_table_set_stream (tb, out);
  for (size_t k = 0; k < n_idx; k++)
    /* Widths from the data, never truncated: an id is read in full. */
    sc->scols_table_new_column (tb, cols[idx[k]].name, 1, cols[idx[k]].right ? SCOLS_FL_RIGHT : 0);
  for (size_t r = 0; r < nrows; r++)
    {
      struct libscols_line *line = sc->scols_table_new_line (tb, NULL);
      for (size_t k = 0; line && k < n_idx; k++)
        {
          const char *cell = cells[r * n + (size_t)idx[k]];
          sc->scols_line_set_data (line, k, cell ? cell : "");
        }
    }
  int r = sc->scols_print_table (tb);
  sc->scols_unref_table (tb);
  return r < 0 ? nsipc_error_set (err, -r, "print the table") : 0;
}

void
table_help (FILE *out, const struct table_column *cols, size_t n)
{
  for (size_t i = 0; i < n; i++)
    fprintf (out, "  %-10s %s\n", cols[i].name, cols[i].help);
}
