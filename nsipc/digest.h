/* SHA-256, to fingerprint the policy a namespace or container was given. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define DIGEST_TEXT_LEN (7 + 64 + 1) /* "sha256:" + hex + NUL */

/* "sha256:<64 hex digits>" of DATA. */
void digest_sha256_text (const void *data, size_t len, char out[DIGEST_TEXT_LEN]);
