/* format() against libc's snprintf: the same text and the same count, for
   what format writes itself and for what it hands on. */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "format.h"
#include "tap.h"

/* Both writers into BUF of SIZE (0 too), compared. */
#define same(size, ...)                                                                                                \
  do                                                                                                                   \
    {                                                                                                                  \
      char got_[64] = "unchanged", want_[64] = "unchanged";                                                            \
      int g_ = format (size ? got_ : NULL, size, __VA_ARGS__);                                                         \
      int w_ = snprintf (size ? want_ : NULL, size, __VA_ARGS__);                                                      \
      ok (g_ == w_ && strcmp (got_, want_) == 0, "size %d: %s", (int)size, #__VA_ARGS__);                              \
      if (g_ != w_ || strcmp (got_, want_) != 0)                                                                       \
        printf ("#   got:  %d \"%s\"\n#   want: %d \"%s\"\n", g_, got_, w_, want_);                                    \
    }                                                                                                                  \
  while (0)

static void
test_ours (size_t size)
{
  same (size, "plain text");
  same (size, "%s.%s", "objects[3]", "key");
  same (size, "limits%.0s.%s", "sem", "semmsl");
  same (size, "/proc/%d/ns/ipc", 4194304);
  same (size, "%d %i %d", 0, -1, INT32_MIN);
  same (size, "%u %u", 0u, UINT32_MAX);
  same (size, "%zu %ld %lld %lu", (size_t)SIZE_MAX, (long)INT32_MIN, (long long)INT64_MAX, (unsigned long)UINT32_MAX);
  same (size, "%" PRIu64 " %" PRId64 " %" PRIx64, UINT64_MAX, INT64_MIN, UINT64_MAX);
  same (size, "key 0x%08" PRIx32 " %08X %02x", (uint32_t)0x4201, 0xabcdefu, 7u);
  same (size, "%03o %o", 0600u, 0u);
  same (size, "%hhu %hu %hhd %hd", 300u, 70000u, 200, 40000);
  same (size, "%jd %td", (intmax_t)-5, (ptrdiff_t)-6);
  same (size, "[%5d] [%-5d] [%05d] [%05d]", 42, 42, 42, -42);
  same (size, "[%-10s] [%10s] [%4s] [%-36.36s]", "abc", "abc", "toolong", "a name");
  same (size, "[%.3s] [%.*s] [%*s] [%-*s]", "abcdef", 2, "xyz", 6, "ab", 6, "ab");
  same (size, "[%c] [%3c] [%-3c]", 'x', 'y', 'z');
  same (size, "100%% of %s", "it");
  same (size, "%s", "a string longer than sixteen bytes, for the truncation cases");
}

/* What format leaves to libc still comes out as libc writes it. */
static void
test_handed_on (size_t size)
{
  same (size, "%s and %f", "float", 1.5);
  same (size, "%.6g", 0.25);
  same (size, "%+d % d %#x", 5, 5, 255u);
  same (size, "%.3d", 7);
  const char *volatile none = NULL; /* volatile: the compiler would warn */
  same (size, "%s", none);
  same (size, "%p", (void *)0);
}

/* Every flag and width format does itself, with each conversion and size
   modifier, on the values at the edges, against snprintf; one test. */
static void
test_sweep (void)
{
  static const char *const flags[] = { "", "-", "0", "-0", "0-" };
  static const char *const widths[] = { "", "1", "5", "24" };
  static const int64_t values[] = { 0, 1, -1, 7, 255, 256, 65535, INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN };
  size_t cases = 0, bad = 0;
  for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++)
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++)
      for (const char *conv = "diuxXo"; *conv; conv++)
        for (const char *const *size = (const char *const[]){ "hh", "h", "", "l", "ll", "z", "j", "t", NULL }; *size;
             size++)
          for (size_t v = 0; v < sizeof values / sizeof values[0]; v++)
            {
              char spec[32], got[64], want[64];
              snprintf (spec, sizeof spec, "[%%%s%s%s%c]", flags[f], widths[w], *size, *conv);
              /* Each size gets the type it reads: int for hh, h and none,
                 long long for ll and j, long for l, z and t (their width on
                 Linux's 64-bit ABIs, where the tests run). */
              int g, r;
              long long x = values[v];
#define BOTH(type) (g = format (got, sizeof got, spec, (type)x), r = snprintf (want, sizeof want, spec, (type)x))
              if (strcmp (*size, "l") == 0)
                BOTH (long);
              else if (strcmp (*size, "ll") == 0 || strcmp (*size, "j") == 0)
                BOTH (long long);
              else if (strcmp (*size, "z") == 0 || strcmp (*size, "t") == 0)
                BOTH (long);
              else
                BOTH (int);
#undef BOTH
              cases++;
              if ((g != r || strcmp (got, want) != 0) && bad++ < 5)
                printf ("#   %s of %lld: got \"%s\", want \"%s\"\n", spec, x, got, want);
            }
  ok (bad == 0, "%zu flag, width, size and conversion cases as snprintf writes them", cases);
  char spec[32], got[64], want[64];
  bad = 0;
  for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++)
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++)
      for (const char *const *prec = (const char *const[]){ "", ".0", ".2", ".9", NULL }; *prec; prec++)
        {
          snprintf (spec, sizeof spec, "[%%%s%s%ss|%%%s%sc]", flags[f], widths[w], *prec, flags[f], widths[w]);
          int g = format (got, sizeof got, spec, "abcde", 'q'), r = snprintf (want, sizeof want, spec, "abcde", 'q');
          bad += g != r || strcmp (got, want) != 0;
        }
  ok (bad == 0, "strings and characters with every flag, width and precision");
}

/* format_utc against gmtime_r and strftime: each day's start and a time
   within it, 1970 to 2400 (leap days, 2100's non-leap year, 2000's leap
   one), and the milliseconds. */
static void
test_utc (void)
{
  size_t bad = 0, cases = 0;
  for (int64_t day = 0; day < 157000; day += 1 + day % 7)
    for (int64_t within = 0; within < 86400; within += 86399 / 3)
      {
        struct timespec ts
            = { .tv_sec = (time_t)(day * 86400 + within), .tv_nsec = (long)(within * 7919 % 1000000000) };
        char got[FORMAT_UTC_LEN], want[64];
        format_utc (got, &ts);
        struct tm tm;
        gmtime_r (&ts.tv_sec, &tm);
        size_t n = strftime (want, sizeof want, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf (want + n, sizeof want - n, ".%03ldZ", ts.tv_nsec / 1000000);
        cases++;
        if (strcmp (got, want) != 0 && bad++ < 5)
          printf ("#   %lld: got %s, want %s\n", (long long)ts.tv_sec, got, want);
      }
  ok (bad == 0, "%zu times from 1970 to 2400 as gmtime_r and strftime write them", cases);
  char text[FORMAT_UTC_LEN];
  format_utc (text, &(struct timespec){ .tv_sec = 951782400, .tv_nsec = 999999999 });
  is_str (text, "2000-02-29T00:00:00.999Z", "a leap day, milliseconds cut, not rounded");
  format_utc (text, &(struct timespec){ .tv_sec = 4107542399 });
  is_str (text, "2100-02-28T23:59:59.000Z", "2100 is no leap year: February ends on the 28th");
  format_utc (text, &(struct timespec){ .tv_sec = 4107542400 });
  is_str (text, "2100-03-01T00:00:00.000Z", "and March follows");
}

int
main (void)
{
  static const size_t sizes[] = { 64, 0, 1, 5, 17 };
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    {
      test_ours (sizes[i]);
      test_handed_on (sizes[i]);
    }
  test_sweep ();
  test_utc ();
  return tap_done ();
}
