/* Rotation takes an flock on the file being rotated, and checks after it
   that the path still names it: of two writers past the size, one rotates
   and the other writes into the new file. */
#include "eventlog.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "format.h"
#include "output.h"
#include "util.h"

/* O_NONBLOCK: a FIFO planted at the log's path fails to open (ENXIO) or
   is refused below, where it hung the hook, and the container's start
   with it, until a reader came; on a regular file it changes nothing. */
#define LOG_OPEN_FLAGS (O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)

/* PATH for appending (its directory made when missing), and its size. */
static int
open_log (const char *path, size_t *size, nsipc_error *err)
{
  int fd = open (path, LOG_OPEN_FLAGS, 0600);
  if (fd < 0 && errno == ENOENT)
    {
      _cleanup_free_ char *dir = xstrdup (path);
      if (mkdir (dirname (dir), 0700) < 0 && errno != EEXIST)
        return nsipc_error_set (err, errno, "log %s: create its directory", path);
      fd = open (path, LOG_OPEN_FLAGS, 0600);
    }
  if (fd < 0 && errno == ENXIO)
    return nsipc_error_set (err, 0, "log %s: not a regular file", path);
  if (fd < 0)
    return nsipc_error_set (err, errno, "log %s", path);
  struct stat st;
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      return nsipc_error_set (err, 0, "log %s: not a regular file", path);
    }
  *size = (size_t)st.st_size;
  return fd;
}

/* FD's file is past the size, and still at PATH: it becomes PATH.1. */
static void
rotate (int fd, const char *path, size_t adding)
{
  struct stat st, now;
  if (flock (fd, LOCK_EX) < 0 || fstat (fd, &st) < 0 || (size_t)st.st_size + adding <= EVENTLOG_MAX
      || stat (path, &now) < 0 || now.st_ino != st.st_ino || now.st_dev != st.st_dev)
    return;
  _cleanup_free_ char *old = xasprintf ("%s.1", path);
  rename (path, old);
}

int
eventlog_append (const char *path, const char *verb, json_t *event, nsipc_error *err)
{
  char when[FORMAT_UTC_LEN];
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  format_utc (when, &ts);
  _cleanup_json_ json_t *line = json_pack ("{s:s, s:s}", "time", when, "verb", verb);
  json_object_update_missing (line, event);
  _cleanup_free_ char *text = output_dumps_line (line);
  size_t len = strlen (text);
  text[len++] = '\n'; /* over the NUL: one write of the whole line */
  size_t size;
  int fd = open_log (path, &size, err);
  if (fd >= 0 && size + len > EVENTLOG_MAX)
    {
      rotate (fd, path, len);
      close (fd);
      fd = open_log (path, &size, err);
    }
  if (fd < 0)
    return -1;
  ssize_t w = write (fd, text, len);
  int e = errno;
  close (fd);
  if (w != (ssize_t)len)
    return nsipc_error_set (err, w < 0 ? e : EIO, "log %s: write", path);
  return 0;
}

/* Appends the events of FILE (CONTAINER's, if given) to LIST. */
static void
read_file (const char *file, const char *container, json_t *list)
{
  /* Not fopen: PATH.1 a FIFO would hang it. */
  int fd = open (file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  struct stat st;
  FILE *f = fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) ? NULL : fdopen (fd, "re");
  if (f == NULL)
    {
      if (fd >= 0)
        close (fd);
      return;
    }
  char *line = NULL;
  size_t cap = 0;
  while (getline (&line, &cap, f) > 0)
    {
      json_t *e = json_loads (line, JSON_REJECT_DUPLICATES, NULL);
      const char *id = json_string_value (json_object_get (e, "container"));
      if (json_is_object (e) && (container == NULL || (id && strcmp (id, container) == 0)))
        json_array_append (list, e);
      json_decref (e);
    }
  free (line);
  fclose (f);
}

json_t *
eventlog_read (const char *path, const char *container, size_t last, nsipc_error *err)
{
  json_t *list = json_array ();
  _cleanup_free_ char *old = xasprintf ("%s.1", path);
  struct stat st;
  if (stat (path, &st) == 0 && !S_ISREG (st.st_mode))
    {
      json_decref (list);
      return nsipc_error_set (err, 0, "log %s: not a regular file", path), NULL;
    }
  read_file (old, container, list);
  read_file (path, container, list);
  size_t n = json_array_size (list), from = n > last ? n - last : 0;
  json_t *tail = json_array ();
  for (size_t i = from; i < n; i++)
    json_array_append (tail, json_array_get (list, i));
  json_decref (list);
  return tail;
}
