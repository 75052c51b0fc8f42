/* The orphan rules (DESIGN.md §6) on synthetic objects, with a liveness
   table standing in for /proc. */
#include "census.h"
#include "reaper.h"
#include "tap.h"

/* pid -> start time (unix seconds); a pid not listed is dead. */
static const struct
{
  pid_t pid;
  int64_t started;
} procs[] = { { 100, 1000 }, { 200, 5000 } };

static bool
alive (void *ctx, pid_t pid, int64_t since)
{
  (void)ctx;
  for (size_t i = 0; i < sizeof procs / sizeof procs[0]; i++)
    if (procs[i].pid == pid)
      return procs[i].started <= since;
  return false;
}

static const struct nsipc_liveness live = { alive, NULL };

static struct nsipc_verdict
judge (struct nsipc_ipc_object o, const pid_t *sem_pids, size_t n, bool mq_open)
{
  struct nsipc_verdict v;
  reaper_judge (&o, sem_pids, n, mq_open, &live, &v);
  return v;
}

int
main (void)
{
  struct nsipc_verdict v;

  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SHM, .nattch = 2, .cpid = 999 }, NULL, 0, false);
  ok (v.in_use, "shm: attached is in use, whatever the pids");
  is_str (v.reason, "attached 2 times", "and says so");

  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SHM, .cpid = 0, .ctime = 2000 }, NULL, 0, false);
  ok (v.in_use, "shm: creator pid 0 (another pid namespace) cannot be judged: in use");

  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SHM, .cpid = 100, .ctime = 2000 }, NULL, 0, false);
  ok (v.in_use, "shm: creator alive since before ctime: in use");
  is_str (v.reason, "creator pid 100 is alive", "and names the pid");

  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SHM, .cpid = 200, .ctime = 2000 }, NULL, 0, false);
  ok (!v.in_use, "shm: creator pid reused (started after ctime): orphan");

  v = judge (
      (struct nsipc_ipc_object){
          .type = OBJECT_SHM, .cpid = 999, .lpid = 100, .ctime = 900, .atime = 2000, .dtime = 2100 },
      NULL, 0, false);
  ok (v.in_use, "shm: dead creator, last attacher alive: in use");

  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SHM, .cpid = 999, .lpid = 200, .ctime = 900, .atime = 2000 },
             NULL, 0, false);
  ok (!v.in_use, "shm: dead creator, last attacher pid reused: orphan");
  is_str (v.reason, "not attached, creator pid 999 gone", "the reason names the creator");

  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_MSG, .lspid = 100, .atime = 3000 }, NULL, 0, false);
  ok (v.in_use, "msg: last sender alive: in use");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_MSG, .lrpid = 100, .dtime = 3000 }, NULL, 0, false);
  ok (v.in_use, "msg: last receiver alive: in use");
  is_str (v.reason, "last receiver pid 100 is alive", "and says which");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_MSG, .lspid = 200, .lrpid = 999, .atime = 3000, .dtime = 3000 },
             NULL, 0, false);
  ok (!v.in_use, "msg: sender pid reused, receiver dead: orphan");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_MSG }, NULL, 0, false);
  ok (!v.in_use, "msg: no pid recorded at all: orphan");

  pid_t pids[] = { 0, 999, 100 };
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SEM, .nsems = 3, .atime = 2000, .ctime = 1500 }, pids, 3, false);
  ok (v.in_use, "sem: one semaphore's last operator alive: in use");
  pid_t reused[] = { 200 };
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SEM, .nsems = 1, .atime = 2000, .ctime = 1500 }, reused, 1,
             false);
  ok (!v.in_use, "sem: last operator pid reused: orphan");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_SEM, .nsems = 2, .ctime = 6000 }, reused, 1, false);
  ok (v.in_use, "sem: a later ctime (SETVAL by pid 200) makes pid 200 count");

  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_MQUEUE, .name = "/q" }, NULL, 0, true);
  ok (v.in_use, "mqueue: open by a process: in use");
  v = judge ((struct nsipc_ipc_object){ .type = OBJECT_MQUEUE, .name = "/q" }, NULL, 0, false);
  ok (!v.in_use, "mqueue: open by nobody: orphan");

  /* cgroup paths of the runtimes audit knows. */
  char id[80];
  const char *runtime;
  static const char *const hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  char path[256];
  snprintf (path, sizeof path, "/system.slice/docker-%s.scope", hex);
  ok (census_cgroup_container (path, id, sizeof id, &runtime) && strcmp (id, hex) == 0
          && strcmp (runtime, "docker") == 0,
      "docker-ID.scope is docker's");
  snprintf (path, sizeof path, "/machine.slice/libpod-%s.scope/container", hex);
  ok (!census_cgroup_container (path, id, sizeof id, &runtime), "only the last path component counts");
  snprintf (path, sizeof path, "/machine.slice/libpod-%s.scope", hex);
  ok (census_cgroup_container (path, id, sizeof id, &runtime) && strcmp (runtime, "podman") == 0, "libpod is podman");
  snprintf (path, sizeof path, "/machine.slice/libpod-conmon-%s.scope", hex);
  ok (!census_cgroup_container (path, id, sizeof id, &runtime), "conmon's scope is not the container");
  snprintf (path, sizeof path, "/kubepods.slice/kubepods-burstable.slice/crio-%s.scope", hex);
  ok (census_cgroup_container (path, id, sizeof id, &runtime) && strcmp (runtime, "crio") == 0, "crio-ID.scope");
  snprintf (path, sizeof path, "/kubepods/besteffort/pod1/cri-containerd-%s.scope", hex);
  ok (census_cgroup_container (path, id, sizeof id, &runtime) && strcmp (runtime, "containerd") == 0,
      "cri-containerd-ID.scope");
  snprintf (path, sizeof path, "/docker/%s", hex);
  ok (census_cgroup_container (path, id, sizeof id, &runtime) && strcmp (runtime, "docker") == 0,
      "cgroupfs /docker/ID");
  ok (!census_cgroup_container ("/user.slice/user-0.slice/session-1.scope", id, sizeof id, &runtime),
      "a session is no container");
  return tap_done ();
}
