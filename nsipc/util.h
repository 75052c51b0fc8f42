/* Scope-bound cleanup for fds, heap memory and jansson references, and the
   few I/O helpers every file needs. */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "error.h"

static inline void
cleanup_freep (void *p)
{
  free (*(void **)p);
}

static inline void
cleanup_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

static inline void
cleanup_jsonp (json_t **j)
{
  json_decref (*j);
}

static inline void
cleanup_filep (FILE **f)
{
  if (*f)
    fclose (*f);
}

static inline void
cleanup_dirp (DIR **d)
{
  if (*d)
    closedir (*d);
}

#define _cleanup_free_ __attribute__ ((cleanup (cleanup_freep)))
#define _cleanup_file_ __attribute__ ((cleanup (cleanup_filep)))
#define _cleanup_dir_ __attribute__ ((cleanup (cleanup_dirp)))
#define _cleanup_close_ __attribute__ ((cleanup (cleanup_closep)))
#define _cleanup_json_ __attribute__ ((cleanup (cleanup_jsonp)))

/* Hands ownership out of a cleanup-managed variable. */
static inline void *
steal_pointer_ (void *pp)
{
  void **p = pp;
  void *v = *p;
  *p = NULL;
  return v;
}
#define steal_pointer(pp) steal_pointer_ (pp)

static inline int
steal_fd (int *fd)
{
  int v = *fd;
  *fd = -1;
  return v;
}

/* N in BASE, WIDTH digits at least, at the end of BUF (24 bytes, the
   digits end at BUF + 23): its first digit.  printf's machinery, for the
   thousands of numbers gc and audit write, was a tenth of their time;
   inline, so that a constant BASE divides by a constant. */
static inline char *
digits (char buf[24], uint64_t n, unsigned base, int width)
{
  char *d = buf + 23;
  *d = '\0';
  for (int k = 0; n || k < width; k++, n /= base)
    *--d = "0123456789abcdef"[n % base];
  return d;
}

/* Allocations that cannot fail: out of memory, they print one line and
   abort, as crun's do.  There is no sensible way on for nsipc then. */
void *xmalloc (size_t size);
void *xcalloc (size_t n, size_t size);
void *xrealloc (void *p, size_t size);
char *xstrdup (const char *s);
/* P, an array of N entries of SIZE bytes grown only by this, with room for
   one more: 16 at first, twice as many each time they are full. */
void *xgrow (void *p, size_t n, size_t size);
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* The entries of the directory FD (the caller's, left open), read with
   getdents64 as they are needed: fdopendir makes an fstat and two fcntl
   first, three of the ten calls audit makes in a namespace besides its
   objects'. */
struct dir_entries
{
  int fd;
  size_t len, at;
  char buf[4096] __attribute__ ((aligned (8)));
};
void dir_entries_start (struct dir_entries *d, int fd);
/* The next entry's name ("." and ".." too), or NULL at the end (errno 0)
   or on an error (errno says which). */
const char *dir_entries_next (struct dir_entries *d);

/* Opens PATH (relative to DIRFD) for reading, and only if it is a regular
   file: a FIFO, device or directory planted where a file is expected is
   an error, never a hang (O_NONBLOCK).  FOLLOW: a symlink may lead there
   (admins' policy paths); else a symlink is refused. */
int open_regular (int dirfd, const char *path, bool follow, nsipc_error *err);

/* IN with every control character (and the backslash) written as \xHH,
   so that a name someone else chose (a POSIX queue, an annotation) can
   neither break a line of output or log nor send a terminal escape; so
   are C1 controls, bidi and zero-width characters (each of their bytes)
   and bytes that are no UTF-8, while other UTF-8 stays as it is.
   Truncates to fit OUT (LEN bytes), never inside a character: false when
   it had to. */
bool escape_controls (const char *in, char *out, size_t len);

/* A JSON string of S, which the kernel gave us (a queue's name may be any
   bytes): as it is when it is UTF-8 without a backslash, else with every
   byte over 0x7f, every control character and every backslash written as
   \xHH, so that two names never read the same. */
json_t *json_string_bytes (const char *s);

/* Writes all of BUF, retrying on EINTR and short writes; -1 with errno set. */
ssize_t write_all (int fd, const void *buf, size_t len);

/* Reads all of FD into a NUL-terminated buffer; NULL with errno set, EFBIG
   when there is more than MAX bytes. */
char *read_fd_all (int fd, size_t max, size_t *len);

/* The start of a small file (a /proc or /proc/sys one) in BUF, LEN - 1
   bytes at most, NUL-terminated, read without stdio: a hook's memory is
   mostly the libc code it touches, and stdio and scanf are 192 KiB of it.
   The byte count, or -1 with errno. */
ssize_t read_small_file (int dirfd, const char *path, char *buf, size_t len);

/* The decimal digits at P into *VALUE: the first character after them, or
   NULL (errno EINVAL) when P holds no digit and (ERANGE) past 2^64-1. */
const char *parse_u64 (const char *p, uint64_t *value);

/* S, all of it, as a decimal number of at most MAX: digits only (no sign,
   no white space, which strtoul would take), at least one.  What a number
   on the command line must be. */
bool parse_u64_whole (const char *s, uint64_t max, uint64_t *value);

/* Up to N unsigned decimal numbers, separated by white space, from the
   start of TEXT (leading white space skipped, no sign); how many there
   were.  *END, when END is not NULL, is set past the last. */
size_t parse_u64s (const char *text, uint64_t *v, size_t n, const char **end);

/* Parses the JSON in FD, read whole (jansson's own fd reader reads one byte
   per read(2)).  NULL with JERR filled. */
json_t *json_read_fd (int fd, json_error_t *jerr);

/* json_loadb, with JERR filled only when it fails (the text is parsed
   again then): given an error, jansson first copies its source's name
   with the fortified strncpy, whose 64 KiB of libc code nothing else a
   hook runs touches, a block of each hook's peak RSS (tests/bench/README.md). */
json_t *json_load_text (const char *text, size_t len, size_t flags, json_error_t *jerr);
