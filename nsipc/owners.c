/* Who a process belongs to: the container a runtime or nsipc's ledger
   knows it by, or one its cgroup names (DESIGN.md §7's owners). */
#include "owners.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "procfs.h"
#include "util.h"

static void
add_known (struct nsipc_owners *o, const char *id, const char *runtime, pid_t pid)
{
  o->known = xrealloc (o->known, (o->n + 1) * sizeof *o->known);
  o->known[o->n++] = (struct nsipc_known){ xstrdup (id), runtime, pid };
}

/* runc keeps DIR/ID/state.json ("init_process_pid"), crun DIR/ID/status
   ("pid"). */
static void
read_runtime_root (const char *root, struct nsipc_owners *o)
{
  _cleanup_dir_ DIR *d = opendir (root);
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.')
        continue;
      static const struct
      {
        const char *file, *field, *runtime;
      } formats[] = { { "state.json", "init_process_pid", "runc" }, { "status", "pid", "crun" } };
      for (size_t i = 0; i < 2; i++)
        {
          char path[4096];
          format (path, sizeof path, "%s/%s/%s", root, de->d_name, formats[i].file);
          json_error_t jerr;
          _cleanup_json_ json_t *j = json_load_file (path, 0, &jerr);
          json_int_t pid = json_integer_value (json_object_get (j, formats[i].field));
          if (pid <= 0)
            continue;
          add_known (o, de->d_name, formats[i].runtime, pid);
        }
    }
}

bool
owners_cgroup_container (const char *path, char *id, size_t len, const char **runtime)
{
  static const struct
  {
    const char *prefix, *runtime;
  } scopes[] = {
    { "docker-", "docker" },
    { "libpod-", "podman" },
    { "crio-", "crio" },
    { "cri-containerd-", "containerd" },
  };
  if (len == 0)
    return false;
  id[0] = '\0';
  const char *base = strrchr (path, '/');
  base = base ? base + 1 : path;
  for (size_t i = 0; i < sizeof scopes / sizeof scopes[0]; i++)
    {
      size_t p = strlen (scopes[i].prefix);
      const char *dot = strstr (base, ".scope");
      if (strncmp (base, scopes[i].prefix, p) != 0 || dot == NULL || strncmp (base + p, "conmon-", 7) == 0)
        continue;
      if ((size_t)(dot - base - p) >= len)
        return false; /* a cut id would name another container */
      format (id, len, "%.*s", (int)(dot - base - p), base + p);
      *runtime = scopes[i].runtime;
      return id[0] != '\0';
    }
  /* cgroupfs drivers: /docker/ID, /kubepods/…/podUID/ID: a 64-hex last part. */
  if (strlen (base) == 64 && strspn (base, "0123456789abcdef") == 64 && len > 64)
    {
      format (id, len, "%s", base);
      *runtime = strstr (path, "/docker/") ? "docker" : strstr (path, "kubepods") ? "crio" : "unknown";
      return true;
    }
  return false;
}

/* Which container PID belongs to: the runtime's init pid, its cgroup, or a
   ledger's pid (checked against its start time). */
void
owners_of (const struct nsipc_owners *o, pid_t pid, char *id, size_t len, const char **runtime)
{
  id[0] = '\0';
  *runtime = "unknown";
  for (size_t i = 0; i < o->n; i++)
    if (o->known[i].pid == pid)
      {
        format (id, len, "%s", o->known[i].id);
        *runtime = o->known[i].runtime;
        return;
      }
  /* One read, no stdio: gc and audit read this for every process. */
  char path[64], text[16384];
  format (path, sizeof path, "/proc/%d/cgroup", (int)pid);
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read (fd, text, sizeof text - 1);
  text[n < 0 ? 0 : n] = '\0';
  char *next = text;
  for (char *line = strsep (&next, "\n"); line && *line; line = strsep (&next, "\n"))
    {
      const char *cg = strchr (strchr (line, ':') ? strchr (line, ':') + 1 : line, ':');
      cg = cg ? cg + 1 : line;
      for (size_t i = 0; i < o->n; i++)
        {
          const char *hit = strstr (cg, o->known[i].id);
          size_t k = strlen (o->known[i].id);
          if (hit && (hit == cg || hit[-1] == '/') && (hit[k] == '\0' || hit[k] == '/'))
            {
              format (id, len, "%s", o->known[i].id);
              *runtime = o->known[i].runtime;
              return;
            }
        }
      if (owners_cgroup_container (cg, id, len, runtime))
        return;
    }
  for (size_t i = 0; i < o->n_ledgers; i++)
    {
      uint64_t start;
      nsipc_error err;
      if (o->ledgers[i].pid == pid && procfs_start_time (pid, &start, &err) == 0 && start == o->ledgers[i].pid_start)
        {
          format (id, len, "%s", o->ledgers[i].id);
          *runtime = "nsipc";
          return;
        }
    }
}

void
owners_load (const char *runtime_root, const struct nsipc_ledger *ledgers, size_t n_ledgers, struct nsipc_owners *o)
{
  *o = (struct nsipc_owners){ .ledgers = ledgers, .n_ledgers = n_ledgers };
  if (runtime_root)
    read_runtime_root (runtime_root, o);
  else
    {
      read_runtime_root ("/run/runc", o);
      read_runtime_root ("/run/crun", o);
    }
  /* A ledger names a container the runtime may not: it is known too. */
  for (size_t i = 0; i < n_ledgers; i++)
    add_known (o, ledgers[i].id, "nsipc", -1);
}

void
owners_free (struct nsipc_owners *o)
{
  for (size_t i = 0; i < o->n; i++)
    free (o->known[i].id);
  free (o->known);
  memset (o, 0, sizeof *o);
}
