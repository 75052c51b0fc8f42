/* State directory access.  Nothing below STATE_DIR is reached by a path
   that could follow a planted symlink. */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "format.h"
#include "output.h"
#include "util.h"

bool
state_valid_name (const char *name, size_t max)
{
  /* Not ctype: the locale must not widen what becomes a file name. */
#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
  size_t len = strlen (name);
  return len > 0 && len <= max && strchr (ALNUM, name[0]) != NULL && strspn (name, ALNUM "_.-") == len;
}

void
state_record_file (const char *name, char *file, size_t len)
{
  format (file, len, "%s.json", name);
}

void
state_fd_path (int fd, char buf[32])
{
  format (buf, 32, "/proc/self/fd/%d", fd);
}

/* mkdir -p for STATE_DIR: parents as the system makes them, the last 0700. */
static int
make_state_dir (const char *path, nsipc_error *err)
{
  _cleanup_free_ char *copy = xstrdup (path);
  for (char *p = copy + 1; *p; p++)
    {
      if (*p != '/')
        continue;
      *p = '\0';
      if (mkdir (copy, 0755) < 0 && errno != EEXIST)
        return nsipc_error_set (err, errno, "create %s", copy);
      *p = '/';
    }
  if (mkdir (path, 0700) < 0 && errno != EEXIST)
    return nsipc_error_set (err, errno, "create state directory %s", path);
  return 0;
}

/* Whoever may write to a directory above STATE_DIR can swap what lies
   below: every ancestor, symlinks resolved, must be root's (or ours) and
   writable by no one else, unless sticky like /tmp. */
static int
check_ancestors (const char *state_dir, nsipc_error *err)
{
  /* The nearest parent that exists: the missing ones we make ourselves. */
  _cleanup_free_ char *copy = xstrdup (state_dir);
  _cleanup_free_ char *parent = NULL;
  char *slash;
  while (parent == NULL && (slash = strrchr (copy, '/')) != NULL)
    {
      *slash = '\0';
      parent = realpath (copy[0] ? copy : "/", NULL);
      if (parent == NULL && errno != ENOENT)
        return nsipc_error_set (err, errno, "state directory %s", state_dir);
    }
  if (parent == NULL && (parent = realpath (".", NULL)) == NULL)
    return nsipc_error_set (err, errno, "state directory %s", state_dir);
  for (char *end = parent;; end++)
    {
      if (*end != '/' && *end != '\0')
        continue;
      char saved = *end;
      *end = '\0';
      const char *dir = parent[0] ? parent : "/";
      struct stat st;
      if (stat (dir, &st) < 0)
        return nsipc_error_set (err, errno, "state directory %s: %s", state_dir, dir);
      if (st.st_uid != 0 && st.st_uid != geteuid ())
        return nsipc_error_set (err, 0, "state directory %s: %s belongs to uid %d; refusing to use it", state_dir, dir,
                                (int)st.st_uid);
      if ((st.st_mode & 022) && !(st.st_mode & S_ISVTX))
        return nsipc_error_set (
            err, 0, "state directory %s: %s is writable by others and not sticky; refusing to use it", state_dir, dir);
      *end = saved;
      if (saved == '\0')
        return 0;
    }
}

static int
open_top (const char *state_dir, bool create, nsipc_error *err)
{
  if (state_dir[0] == '\0')
    return nsipc_error_set (err, 0, "the state directory is an empty path");
  if (check_ancestors (state_dir, err) < 0 || (create && make_state_dir (state_dir, err) < 0))
    return -1;
  _cleanup_close_ int fd = open (state_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && (errno == ELOOP || errno == ENOTDIR))
    return nsipc_error_set (err, 0, "state directory %s is not a directory (a symlink?); refusing to use it",
                            state_dir);
  if (fd < 0)
    return nsipc_error_set (err, errno, "open state directory %s", state_dir);
  struct stat st;
  if (fstat (fd, &st) < 0)
    return nsipc_error_set (err, errno, "stat state directory %s", state_dir);
  if (st.st_uid != geteuid () || (st.st_mode & 022))
    return nsipc_error_set (err, 0, "state directory %s must belong to uid %d and not be writable by others", state_dir,
                            (int)geteuid ());
  return steal_fd (&fd);
}

/* STATE_DIR/SUB, open at FD, is held to the rule of STATE_DIR itself:
   whoever else may write to it could plant or swap the records there (a
   ledger that sends poststop to reap another namespace, a pin). */
static int
check_owned (int fd, const char *state_dir, const char *sub, nsipc_error *err)
{
  struct stat st;
  if (fstat (fd, &st) < 0)
    return nsipc_error_set (err, errno, "stat %s/%s", state_dir, sub);
  if (st.st_uid != geteuid () || (st.st_mode & 022))
    return nsipc_error_set (err, 0, "%s/%s must belong to uid %d and not be writable by others; refusing to use it",
                            state_dir, sub, (int)geteuid ());
  return 0;
}

int
state_open_dir (const char *state_dir, const char *sub, bool create, nsipc_error *err)
{
  _cleanup_close_ int top = open_top (state_dir, create, err);
  if (top < 0)
    return -1;
  if (create && mkdirat (top, sub, 0700) < 0 && errno != EEXIST)
    return nsipc_error_set (err, errno, "create %s/%s", state_dir, sub);
  int fd = openat (top, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && (errno == ELOOP || errno == ENOTDIR))
    return nsipc_error_set (err, 0, "%s/%s is not a directory (a symlink?); refusing to use it", state_dir, sub);
  if (fd < 0)
    return nsipc_error_set (err, errno, "open %s/%s", state_dir, sub);
  if (check_owned (fd, state_dir, sub, err) < 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

int
state_open_records (const char *state_dir, const char *sub, nsipc_error *err)
{
  nsipc_error ignored;
  _cleanup_close_ int top = open_top (state_dir, false, err ? err : &ignored);
  int fd = top < 0 ? -1 : openat (top, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && top >= 0 && err)
    nsipc_error_set (err, errno == ELOOP || errno == ENOTDIR ? 0 : errno, "open %s/%s", state_dir, sub);
  if (fd >= 0 && check_owned (fd, state_dir, sub, err ? err : &ignored) < 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static int
lock_as (int dirfd, int how, nsipc_error *err)
{
  while (flock (dirfd, how) < 0)
    if (errno != EINTR)
      return nsipc_error_set (err, errno, "lock the state directory");
  return 0;
}

int
state_lock (int dirfd, nsipc_error *err)
{
  return lock_as (dirfd, LOCK_EX, err);
}

int
state_lock_shared (int dirfd, nsipc_error *err)
{
  return lock_as (dirfd, LOCK_SH, err);
}

int
state_lock_top (const char *state_dir, nsipc_error *err)
{
  _cleanup_close_ int top = open_top (state_dir, true, err);
  if (top < 0 || state_lock (top, err) < 0)
    return -1;
  return steal_fd (&top);
}

int
state_hold (const char *state_dir, bool create, int held[2], nsipc_error *err)
{
  static const char *const subs[] = { "ns", "containers" };
  held[0] = held[1] = -1;
  for (int i = 0; i < 2; i++)
    {
      held[i] = state_open_dir (state_dir, subs[i], create, err);
      if (held[i] < 0 && !create && err->status == ENOENT)
        continue;
      if (held[i] < 0 || state_lock (held[i], err) < 0)
        {
          state_release (held);
          return -1;
        }
    }
  return 0;
}

void
state_release (int held[2])
{
  for (int i = 0; i < 2; i++)
    if (held[i] >= 0)
      close (held[i]), held[i] = -1;
}

int
state_write_json (int dirfd, const char *file, json_t *j, nsipc_error *err)
{
  _cleanup_free_ char *text = output_dumps_sorted (j);
  size_t len = strlen (text);
  text[len] = '\n'; /* over the NUL: the length says where it ends */
  return state_write_file (dirfd, file, text, len + 1, err);
}

int
state_write_file (int dirfd, const char *file, const void *data, size_t len, nsipc_error *err)
{
  /* One name per record: writers hold the directory's lock, so a temp file
     found is a killed writer's, and the next write takes it over. */
  char tmp[256];
  format (tmp, sizeof tmp, ".%s.tmp", file);
  _cleanup_close_ int fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return nsipc_error_set (err, errno, "create %s", tmp);
  /* One write; no fsync: the state lives on tmpfs, and pins die at reboot. */
  if (write_all (fd, data, len) < 0)
    {
      nsipc_error_set (err, errno ? errno : EIO, "write %s", file);
      unlinkat (dirfd, tmp, 0);
      return -1;
    }
  /* renameat2 (2) through syscall (): glibc's wrappers sit with printf's
     code, 64 KiB the hook would map for this call alone (see format.h). */
  if (syscall (SYS_renameat2, dirfd, tmp, dirfd, file, 0) < 0)
    {
      nsipc_error_set (err, errno, "rename %s to %s", tmp, file);
      unlinkat (dirfd, tmp, 0);
      return -1;
    }
  return 0;
}

json_t *
state_read_json (int dirfd, const char *file, nsipc_error *err)
{
  _cleanup_close_ int fd = open_regular (dirfd, file, false, err);
  if (fd < 0)
    return NULL;
  json_error_t jerr;
  json_t *j = json_read_fd (fd, &jerr);
  if (j == NULL)
    nsipc_error_set (err, 0, "%s: line %d: %s", file, jerr.line, jerr.text);
  return j;
}

int
state_remove (int dirfd, const char *file, nsipc_error *err)
{
  char tmp[256];
  format (tmp, sizeof tmp, ".%s.tmp", file);
  unlinkat (dirfd, tmp, 0); /* a killed writer's */
  if (unlinkat (dirfd, file, 0) < 0 && errno != ENOENT)
    return nsipc_error_set (err, errno, "remove %s", file);
  return 0;
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

ssize_t
state_list_records (int dirfd, char ***files, nsipc_error *err)
{
  *files = NULL;
  int fd = dup (dirfd);
  _cleanup_dir_ DIR *d = fd < 0 ? NULL : fdopendir (fd);
  if (d == NULL)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      return nsipc_error_set (err, saved, "list its records");
    }
  size_t n = 0;
  struct dirent *de;
  for (errno = 0; (de = readdir (d)) != NULL; errno = 0)
    {
      size_t len = strlen (de->d_name);
      if (de->d_name[0] == '.' || len < 6 || strcmp (de->d_name + len - 5, ".json") != 0)
        continue;
      *files = xrealloc (*files, (n + 1) * sizeof **files);
      (*files)[n] = xstrdup (de->d_name);
      n++;
    }
  if (errno != 0)
    {
      int saved = errno;
      for (size_t i = 0; i < n; i++)
        free ((*files)[i]);
      free (*files);
      *files = NULL;
      return nsipc_error_set (err, saved, "list its records");
    }
  if (n)
    qsort (*files, n, sizeof **files, compare_strings);
  return (ssize_t)n;
}

size_t
state_sweep_temp (int dirfd)
{
  _cleanup_dir_ DIR *d = fdopendir (dup (dirfd));
  size_t n = 0;
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      size_t len = strlen (de->d_name);
      /* ".NAME.json.tmp", and the first version's ".NAME.json.tmp-PID" */
      if (de->d_name[0] == '.'
          && (strstr (de->d_name, ".json.tmp-") || (len > 9 && strcmp (de->d_name + len - 9, ".json.tmp") == 0)))
        n += unlinkat (dirfd, de->d_name, 0) == 0;
    }
  return n;
}
