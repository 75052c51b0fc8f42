/* malloc for nsipc-hook when it is linked with musl (meson option
   hook_libc), in place of musl's.  musl's allocator returns a group of
   blocks to the kernel when its last block is freed, so a hook that
   allocates and frees as jansson does made an mmap and an munmap of
   nearly every allocation: 64 mallocs and frees took 38 us, 0.45 with
   glibc, and a createRuntime under musl was slower than under glibc for
   all musl's faster start.

   This one keeps what is freed for the next allocation of its size: size
   classes of powers of two from 16 bytes to 128 KiB, each with a free
   list, carved from 256 KiB chunks that are never returned (a hook lives
   for a millisecond); larger blocks are mappings of their own, unmapped
   when freed.  Each block has a 16-byte header before it: its class (for
   a large block, its mapping's size too) and a mark that catches a
   pointer not of ours, a header written over, and a second free.  The
   hook has one thread.  (musl's own code allocates with it too, but for
   the time zone, which it keeps for good with a simpler allocator.)

   The unit test builds it with HOOK_ALLOC_NAME set, under names of its
   own. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HEADER 16
#define MIN_SHIFT 4
#define MAX_SHIFT 17
#define N_CLASSES (MAX_SHIFT - MIN_SHIFT + 1)
#define CHUNK (256 * 1024)
#define LARGE UINT32_MAX /* the class of a block that is a mapping of its own */
#define IN_USE 0x6e736970u
#define FREED 0x66726565u

#ifndef HOOK_ALLOC_NAME
#define HOOK_ALLOC_NAME(f) f
#endif

struct header
{
  uint32_t class;
  uint32_t mark; /* IN_USE or FREED */
  size_t mapped; /* a large block's mapping, header included */
};

_Static_assert(sizeof (struct header) == HEADER, "the header keeps blocks 16-byte aligned");

struct free_block
{
  struct free_block *next;
};

static struct free_block *free_lists[N_CLASSES];
static char *chunk_next, *chunk_end;

static unsigned int
class_of (size_t size)
{
  unsigned int c = 0;
  while (((size_t)1 << (c + MIN_SHIFT)) < size)
    c++;
  return c;
}

static struct header *
header_of (void *p)
{
  struct header *h = (struct header *)((char *)p - HEADER);
  if (h->mark != IN_USE || (h->class != LARGE && h->class >= N_CLASSES))
    abort (); /* not a block of ours, written over, or freed already */
  return h;
}

static void *
map (size_t size)
{
  void *p = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

static void *
alloc_large (size_t size)
{
  size_t page = 4096;
  if (size > SIZE_MAX - HEADER - page)
    return errno = ENOMEM, NULL;
  size_t mapped = (size + HEADER + page - 1) & ~(page - 1);
  struct header *h = map (mapped);
  if (h == NULL)
    return errno = ENOMEM, NULL;
  *h = (struct header){ .class = LARGE, .mark = IN_USE, .mapped = mapped };
  return (char *)h + HEADER;
}

static void *
alloc_class (unsigned int c)
{
  if (free_lists[c])
    {
      struct free_block *b = free_lists[c];
      free_lists[c] = b->next;
      ((struct header *)((char *)b - HEADER))->mark = IN_USE;
      return b;
    }
  size_t block = HEADER + ((size_t)1 << (c + MIN_SHIFT));
  if ((size_t)(chunk_end - chunk_next) < block)
    {
      /* The rest of the old chunk is left: at most one block's worth. */
      chunk_next = map (CHUNK);
      if (chunk_next == NULL)
        return errno = ENOMEM, NULL;
      chunk_end = chunk_next + CHUNK;
    }
  struct header *h = (struct header *)chunk_next;
  chunk_next += block;
  *h = (struct header){ .class = c, .mark = IN_USE };
  return (char *)h + HEADER;
}

/* Not malloc's own name for calloc's and realloc's use: gcc turns a
   malloc followed by a memset into a call to calloc. */
static void *
allocate (size_t size)
{
  if (size > ((size_t)1 << MAX_SHIFT))
    return alloc_large (size);
  return alloc_class (class_of (size ? size : 1));
}

void *
HOOK_ALLOC_NAME (malloc) (size_t size)
{
  return allocate (size);
}

static void
release (void *p)
{
  if (p == NULL)
    return;
  struct header *h = header_of (p);
  if (h->class == LARGE)
    {
      munmap (h, h->mapped);
      return;
    }
  h->mark = FREED;
  struct free_block *b = p;
  b->next = free_lists[h->class];
  free_lists[h->class] = b;
}

void
HOOK_ALLOC_NAME (free) (void *p)
{
  release (p);
}

static size_t
capacity (void *p)
{
  struct header *h = header_of (p);
  return h->class == LARGE ? h->mapped - HEADER : (size_t)1 << (h->class + MIN_SHIFT);
}

void *
HOOK_ALLOC_NAME (calloc) (size_t n, size_t size)
{
  if (size && n > SIZE_MAX / size)
    return errno = ENOMEM, NULL;
  void *p = allocate (n * size);
  if (p)
    memset (p, 0, n * size); /* a block from a free list is not zeroed */
  return p;
}

void *
HOOK_ALLOC_NAME (realloc) (void *p, size_t size)
{
  if (p == NULL)
    return allocate (size);
  size_t cap = capacity (p);
  if (size <= cap)
    return p;
  void *q = allocate (size);
  if (q == NULL)
    return NULL;
  memcpy (q, p, cap);
  release (p);
  return q;
}

size_t
HOOK_ALLOC_NAME (malloc_usable_size) (void *p)
{
  return p ? capacity (p) : 0;
}
