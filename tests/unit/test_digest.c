/* SHA-256 against the FIPS 180-2 examples and NIST's long-message vector,
   and around the block boundaries where the padding takes a second block
   (expected values from coreutils sha256sum). */
#include <stdlib.h>

#include "digest.h"
#include "tap.h"

static void
is_digest (const void *data, size_t len, const char *hex, const char *what)
{
  char got[DIGEST_TEXT_LEN], want[DIGEST_TEXT_LEN + 8];
  digest_sha256_text (data, len, got);
  snprintf (want, sizeof want, "sha256:%s", hex);
  is_str (got, want, "%s", what);
}

/* LEN times 'a'. */
static void
is_a_digest (size_t len, const char *hex)
{
  char *data = malloc (len + 1);
  memset (data, 'a', len);
  char what[64];
  snprintf (what, sizeof what, "%zu times \"a\"", len);
  is_digest (data, len, hex, what);
  free (data);
}

int
main (void)
{
  is_digest ("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "the empty string");
  is_digest ("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "FIPS 180-2: \"abc\"");
  static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  is_digest (two_blocks, strlen (two_blocks), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
             "FIPS 180-2: the 448-bit message");
  static const char long_one[]
      = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnop"
        "qrlmnopqrsmnopqrstnopqrstu";
  is_digest (long_one, strlen (long_one), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
             "NIST: the 896-bit message");
  is_a_digest (1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

  /* 55 bytes: the length still fits the last block; from 56 it needs a
     second one; 64 is a whole block; 119/120 and 128 the same one block on. */
  is_a_digest (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  is_a_digest (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  is_a_digest (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
  is_a_digest (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
  is_a_digest (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0");
  is_a_digest (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb");
  is_a_digest (120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c");
  is_a_digest (128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e");

  unsigned char bytes[256];
  for (int i = 0; i < 256; i++)
    bytes[i] = i;
  is_digest (bytes, sizeof bytes, "40aff2e9d2d8922e47afd4648e6967497158785fbd1da870e7110266bf944880",
             "every byte value, NUL and high bytes included");

  char out[DIGEST_TEXT_LEN];
  memset (out, 'x', sizeof out);
  digest_sha256_text ("abc", 3, out);
  ok (strlen (out) == DIGEST_TEXT_LEN - 1 && strspn (out + 7, "0123456789abcdef") == 64,
      "\"sha256:\" and 64 lower-case hex digits, terminated, in DIGEST_TEXT_LEN");
  return tap_done ();
}
