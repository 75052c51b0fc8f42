/* format() against libc's snprintf: the same text and the same count, for
   what format writes itself and for what it hands on. */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>

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

int
main (void)
{
  static const size_t sizes[] = { 64, 0, 1, 5, 17 };
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    {
      test_ours (sizes[i]);
      test_handed_on (sizes[i]);
    }
  return tap_done ();
}
