/* A minimal TAP producer for the C unit tests (meson runs them with
   protocol: 'tap'). */
#pragma once

#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

#define ok(cond, ...)                                                                                                  \
  do                                                                                                                   \
    {                                                                                                                  \
      int pass_ = !!(cond);                                                                                            \
      tap_count++;                                                                                                     \
      tap_failed += !pass_;                                                                                            \
      printf ("%s %d - ", pass_ ? "ok" : "not ok", tap_count);                                                         \
      printf (__VA_ARGS__);                                                                                            \
      putchar ('\n');                                                                                                  \
    }                                                                                                                  \
  while (0)

#define is_str(got, want, ...)                                                                                         \
  do                                                                                                                   \
    {                                                                                                                  \
      const char *g_ = (got), *w_ = (want);                                                                            \
      ok (g_ &&strcmp (g_, w_) == 0, __VA_ARGS__);                                                                     \
      if (!g_ || strcmp (g_, w_) != 0)                                                                                 \
        printf ("#   got:  %s\n#   want: %s\n", g_ ? g_ : "(null)", w_);                                               \
    }                                                                                                                  \
  while (0)

/* Line-buffered, so a crash still shows how far the tests got. */
__attribute__ ((constructor)) static void
tap_start (void)
{
  setvbuf (stdout, NULL, _IOLBF, 0);
}

/* The whole of PATH, or NULL. */
static inline char *
tap_slurp (const char *path)
{
  FILE *f = fopen (path, "re");
  if (f == NULL)
    return NULL;
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream (&buf, &len);
  int c;
  while ((c = fgetc (f)) != EOF)
    fputc (c, mem);
  fclose (f);
  fclose (mem);
  return buf;
}

static inline int
tap_done (void)
{
  printf ("1..%d\n", tap_count);
  return tap_failed ? 1 : 0;
}
