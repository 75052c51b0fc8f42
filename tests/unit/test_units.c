/* Sizes, keys and modes as policies write them. */
#include <errno.h>
#include <inttypes.h>

#include "tap.h"
#include "units.h"
#include "util.h"

static void
test_sizes (void)
{
  static const struct
  {
    const char *text;
    uint64_t bytes;
  } good[] = {
    { "0", 0 },
    { "65536", 65536 },
    { "1B", 1 },
    { "1K", 1024 },
    { "1KiB", 1024 },
    { "64MiB", 64ull << 20 },
    { "64mib", 64ull << 20 },
    { "64 MiB", 64ull << 20 },
    { "2G", 2ull << 30 },
    { "3GiB", 3ull << 30 },
    { "1TiB", 1ull << 40 },
    { "18446744073709551615", UINT64_MAX },
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    {
      uint64_t b = 0;
      ok (units_parse_size (good[i].text, &b) == 0 && b == good[i].bytes, "size \"%s\" is %" PRIu64, good[i].text,
          good[i].bytes);
    }

  static const char *const bad[] = { "", "MiB", "-1", "1.5G", "1MB", "1 ", "1  MiB", "0x10", "1e3", "12 34" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      uint64_t b;
      errno = 0;
      ok (units_parse_size (bad[i], &b) < 0 && errno == EINVAL, "size \"%s\" is refused as not a size", bad[i]);
    }
  uint64_t b;
  ok (units_parse_size ("18446744073709551616", &b) < 0 && errno == ERANGE, "2^64 bytes overflow");
  ok (units_parse_size ("16777216TiB", &b) < 0 && errno == ERANGE, "16777216TiB overflows");
}

static void
test_keys (void)
{
  uint32_t k = 0;
  ok (units_parse_key ("0x1000", &k) == 0 && k == 0x1000, "key 0x1000");
  ok (units_parse_key ("0XfFfFfFfF", &k) == 0 && k == 0xffffffff, "key 0xffffffff, any case");
  ok (units_parse_key ("0x0", &k) < 0 && errno == ERANGE, "key 0x0 is IPC_PRIVATE, refused");
  ok (units_parse_key ("0x100000000", &k) < 0 && errno == ERANGE, "key over 32 bits refused");
  static const char *const bad[] = { "", "0x", "4096", "x10", "0x10g", "0x-1", " 0x1" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ok (units_parse_key (bad[i], &k) < 0 && errno == EINVAL, "key \"%s\" refused", bad[i]);
}

static void
test_modes (void)
{
  unsigned m = 1;
  ok (units_parse_mode ("0660", &m) == 0 && m == 0660, "mode 0660");
  ok (units_parse_mode ("660", &m) == 0 && m == 0660, "mode 660");
  ok (units_parse_mode ("0", &m) == 0 && m == 0, "mode 0");
  ok (units_parse_mode ("0777", &m) == 0 && m == 0777, "mode 0777");
  static const char *const bad[] = { "", "0999", "1777", "01777", "00660", "rw", "0x1ff", "-660" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ok (units_parse_mode (bad[i], &m) < 0 && errno == EINVAL, "mode \"%s\" refused", bad[i]);
}

static void
test_format (void)
{
  static const struct
  {
    uint64_t bytes;
    const char *text;
  } cases[] = {
    { 0, "0B" },
    { 100, "100B" },
    { 1024, "1KiB" },
    { 1536 * 1024, "1536KiB" },
    { 1ull << 30, "1GiB" },
    { 2ull << 40, "2TiB" },
    { 1025, "1025B" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      char buf[32];
      units_format_size (cases[i].bytes, buf, sizeof buf);
      is_str (buf, cases[i].text, "%" PRIu64 " bytes print as %s", cases[i].bytes, cases[i].text);
    }
}

/* The numbers of /proc and /proc/sys files, read without scanf. */
static void
test_numbers (void)
{
  uint64_t v[4];
  const char *end;
  ok (parse_u64s ("32000\t1024000000\t500\t32000\n", v, 4, NULL) == 4 && v[1] == 1024000000 && v[3] == 32000,
      "kernel.sem: four numbers separated by tabs");
  ok (parse_u64s ("18446744073692774399\n", v, 1, NULL) == 1 && v[0] == 18446744073692774399u,
      "a fresh shmmax, past 2^63");
  ok (parse_u64s ("         0          0 4294967295\n", v, 3, NULL) == 3 && v[2] == 4294967295u,
      "the identity uid_map, padded");
  ok (parse_u64s ("0 1000 1\n1 100000 65536\n", v, 3, &end) == 3 && parse_u64s (end, v, 3, NULL) == 3 && v[1] == 100000,
      "a uid_map read line after line");
  ok (parse_u64s ("12 x", v, 4, &end) == 1 && *end == 'x', "stops at what is not a number");
  ok (parse_u64s ("-1", v, 1, NULL) == 0 && parse_u64s ("+1", v, 1, NULL) == 0, "no sign");
  ok (parse_u64s ("18446744073709551616", v, 1, NULL) == 0, "2^64 is out of range");
  ok (parse_u64s ("", v, 1, NULL) == 0, "nothing");
  ok (parse_u64s ("4026532290]", v, 1, &end) == 1 && *end == ']', "an nsfs root's inode, up to its bracket");
}

/* A number on the command line (--user, --pid, --lines, --min-idle):
   digits and nothing else, as --min-idle always had it. */
static void
test_whole_numbers (void)
{
  uint64_t v = 0;
  ok (parse_u64_whole ("4711", 5000, &v) && v == 4711, "digits");
  ok (parse_u64_whole ("010", 100, &v) && v == 10, "leading zeros are decimal");
  ok (parse_u64_whole ("5000", 5000, &v) && v == 5000, "the maximum itself");
  ok (parse_u64_whole ("18446744073709551615", UINT64_MAX, &v) && v == UINT64_MAX, "2^64 - 1");
  static const char *const bad[] = { "", "+1", "-1", " 1", "1 ", "\t1", "0x10", "1e3", "1:2", "18446744073709551616" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      v = 7;
      ok (!parse_u64_whole (bad[i], UINT64_MAX, &v) && v == 7, "\"%s\" is refused, nothing written", bad[i]);
    }
  ok (!parse_u64_whole ("5001", 5000, &v), "past the maximum");
}

int
main (void)
{
  test_numbers ();
  test_whole_numbers ();
  test_sizes ();
  test_keys ();
  test_modes ();
  test_format ();
  return tap_done ();
}
