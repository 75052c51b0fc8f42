/* nsipc-hook's malloc (nsipc/hook_alloc.c), under names of its own so
   that this test keeps the C library's: sizes, reuse, growth, large
   blocks, overflow, and the aborts on a foreign pointer and a second
   free. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define HOOK_ALLOC_NAME(f) hook_##f
#include "../../nsipc/hook_alloc.c"

#include "tap.h"

static int
aligned (const void *p)
{
  return ((uintptr_t)p & 15) == 0;
}

static void
test_sizes (void)
{
  int all_aligned = 1, all_fit = 1;
  for (size_t size = 0; size <= 300000; size = size ? size * 3 / 2 + 1 : 1)
    {
      unsigned char *p = hook_malloc (size);
      all_aligned &= p != NULL && aligned (p);
      all_fit &= p != NULL && hook_malloc_usable_size (p) >= size;
      if (p)
        memset (p, 0xa5, size); /* ASan-free, but the block must be ours */
      hook_free (p);
    }
  ok (all_aligned, "every block is 16-byte aligned, from 0 bytes to 300000");
  ok (all_fit, "and holds what was asked");
  hook_free (NULL);
  ok (1, "free (NULL) does nothing");
}

static void
test_reuse (void)
{
  void *a = hook_malloc (100);
  hook_free (a);
  void *b = hook_malloc (90);
  ok (a == b, "a freed block is the next of its size class");
  void *c = hook_malloc (90);
  ok (c != b, "and is given once");
  hook_free (b);
  hook_free (c);

  unsigned char *z = hook_malloc (64);
  memset (z, 0xff, 64);
  hook_free (z);
  unsigned char *y = hook_calloc (8, 8);
  int zero = 1;
  for (int i = 0; i < 64; i++)
    zero &= y[i] == 0;
  ok (y == z && zero, "calloc zeroes a reused block");
  hook_free (y);
}

static void
test_realloc (void)
{
  char *p = hook_realloc (NULL, 10);
  memcpy (p, "0123456789", 10);
  char *same = hook_realloc (p, 16);
  ok (same == p, "growing within the block keeps it");
  char *moved = hook_realloc (same, 5000);
  ok (moved != NULL && memcmp (moved, "0123456789", 10) == 0, "growing past it moves the bytes");
  char *large = hook_realloc (moved, 1 << 20);
  ok (large != NULL && memcmp (large, "0123456789", 10) == 0, "and into a mapping of its own");
  memset (large, 1, 1 << 20);
  hook_free (large);
}

static void
test_refusals (void)
{
  errno = 0;
  ok (hook_calloc (SIZE_MAX / 2, 3) == NULL && errno == ENOMEM, "calloc whose product overflows: ENOMEM");
  errno = 0;
  ok (hook_malloc (SIZE_MAX - 8) == NULL && errno == ENOMEM, "a size near SIZE_MAX: ENOMEM");
}

/* Whether FN (ARG) ends the process with SIGABRT. */
static int
aborts (void (*fn) (void *), void *arg)
{
  pid_t pid = fork ();
  if (pid == 0)
    {
      fn (arg);
      _exit (0);
    }
  int status;
  return waitpid (pid, &status, 0) == pid && WIFSIGNALED (status) && WTERMSIG (status) == SIGABRT;
}

static void
free_twice (void *arg)
{
  (void)arg;
  void *p = hook_malloc (32);
  hook_free (p);
  hook_free (p);
}

static void
free_foreign (void *arg)
{
  hook_free (arg);
}

int
main (void)
{
  test_sizes ();
  test_reuse ();
  test_realloc ();
  test_refusals ();
  ok (aborts (free_twice, NULL), "a second free aborts");
  static _Alignas(16) unsigned char foreign[64];
  ok (aborts (free_foreign, foreign + 32), "freeing a pointer not of ours aborts");
  printf ("1..%d\n", tap_count);
  return tap_failed != 0;
}
