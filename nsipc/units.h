/* The textual values a policy writes: sizes with binary units, "0x" keys and
   octal modes.  Pure functions, so they are unit-tested directly. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* "65536", "64MiB", "64 mib", "1G": bytes.  Returns 0, or -1 with errno
   EINVAL (not a size) or ERANGE (over 2^64-1). */
int units_parse_size (const char *text, uint64_t *bytes);

/* "0x1000": 1..0xffffffff.  Returns 0, or -1 with errno EINVAL or ERANGE. */
int units_parse_key (const char *text, uint32_t *key);

/* "0660", "660": at most 0777.  Returns 0, or -1 with errno EINVAL. */
int units_parse_mode (const char *text, unsigned *mode);

/* The shortest exact form: "1GiB", "1536KiB", "100B". */
void units_format_size (uint64_t bytes, char *buf, size_t len);
