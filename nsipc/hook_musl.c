/* What nsipc-hook needs around musl when it is linked with it (meson
   option hook_libc), besides hook_alloc.c's malloc.

   memcpy: musl's starts every copy with rep movsq, which costs about 100
   cycles on this project's 2-vCPU VM whatever the size; jansson copies
   each byte of a string it reads on its own (strbuffer_append_byte), and
   a createRuntime made 3000 such copies, two thirds of the time jansson
   spent.  The link wraps memcpy (-Wl,--wrap=memcpy): copies under 256
   bytes are done here, the rest by musl.

   RELRO: musl's start of a static PIE relocates it but leaves what
   -z relro asks to be read-only (the GOT, vtables, function pointer
   tables) writable; glibc's makes it read-only, and so does this, before
   main.

   __snprintf_chk, __vsnprintf_chk, __strncpy_chk: Debian builds
   libjansson.a with _FORTIFY_SOURCE, which calls these glibc checks;
   musl has none.  They check as glibc's do and abort as they would. */
#include <link.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>

void *__real_memcpy (void *dst, const void *src, size_t n);
void *__wrap_memcpy (void *restrict dst, const void *restrict src, size_t n);
int __vsnprintf_chk (char *s, size_t maxlen, int flag, size_t slen, const char *format, va_list ap);
int __snprintf_chk (char *s, size_t maxlen, int flag, size_t slen, const char *format, ...);
char *__strncpy_chk (char *dst, const char *src, size_t n, size_t dstlen);

typedef uint64_t __attribute__ ((may_alias, aligned (1))) unaligned_word;

/* Not made into a call of memcpy by gcc, which here would be this. */
__attribute__ ((optimize ("no-tree-loop-distribute-patterns"))) void *
__wrap_memcpy (void *restrict dst, const void *restrict src, size_t n)
{
  if (n >= 256)
    return __real_memcpy (dst, src, n);
  unsigned char *d = dst;
  const unsigned char *s = src;
  for (; n >= 8; n -= 8, d += 8, s += 8)
    *(unaligned_word *)d = *(const unaligned_word *)s;
  while (n--)
    *d++ = *s++;
  return dst;
}

static int
protect_relro (struct dl_phdr_info *info, size_t size, void *data)
{
  (void)size, (void)data;
  uintptr_t page = getauxval (AT_PAGESZ);
  for (int i = 0; i < info->dlpi_phnum; i++)
    {
      const ElfW (Phdr) *ph = &info->dlpi_phdr[i];
      if (ph->p_type != PT_GNU_RELRO)
        continue;
      /* As glibc rounds: the last partial page is shared with .data. */
      uintptr_t start = (info->dlpi_addr + ph->p_vaddr) & ~(page - 1);
      uintptr_t end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz) & ~(page - 1);
      if (end > start && mprotect ((void *)start, end - start, PROT_READ) < 0)
        abort ();
    }
  return 1; /* the executable is the first object, and the only one */
}

__attribute__ ((constructor)) static void
relro (void)
{
  dl_iterate_phdr (protect_relro, NULL);
}

int
__vsnprintf_chk (char *s, size_t maxlen, int flag, size_t slen, const char *format, va_list ap)
{
  (void)flag;
  if (maxlen > slen)
    abort (); /* glibc's __chk_fail: the buffer is smaller than said */
  return vsnprintf (s, maxlen, format, ap);
}

int
__snprintf_chk (char *s, size_t maxlen, int flag, size_t slen, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  int r = __vsnprintf_chk (s, maxlen, flag, slen, format, ap);
  va_end (ap);
  return r;
}

char *
__strncpy_chk (char *dst, const char *src, size_t n, size_t dstlen)
{
  if (n > dstlen)
    abort ();
  return strncpy (dst, src, n);
}
