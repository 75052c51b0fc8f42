/* Which container a cgroup path names, for each runtime and cgroup driver
   audit knows: what makes a process's owner in audit and gc. */
#include <stdbool.h>

#include "owners.h"
#include "tap.h"

static const char hex[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/* PATH, with %s standing for the 64-hex id. */
static bool
container (const char *fmt, char *id, size_t len, const char **runtime)
{
  char path[512];
  snprintf (path, sizeof path, fmt, hex);
  return owners_cgroup_container (path, id, len, runtime);
}

/* Whether FMT names the container hex run by RUNTIME. */
static bool
names (const char *fmt, const char *runtime)
{
  char id[129] = "";
  const char *got = NULL;
  return container (fmt, id, sizeof id, &got) && strcmp (id, hex) == 0 && got && strcmp (got, runtime) == 0;
}

static bool
names_none (const char *path)
{
  char id[129] = "";
  const char *runtime = NULL;
  char full[512];
  snprintf (full, sizeof full, path, hex);
  return !owners_cgroup_container (full, id, sizeof id, &runtime);
}

static void
test_systemd (void)
{
  ok (names ("/system.slice/docker-%s.scope", "docker"), "systemd driver: docker-ID.scope is docker's");
  ok (names ("/machine.slice/libpod-%s.scope", "podman"), "libpod-ID.scope is podman's");
  ok (names_none ("/machine.slice/libpod-conmon-%s.scope"), "libpod-conmon-ID.scope is conmon's, not the container");
  ok (names_none ("/kubepods.slice/crio-conmon-%s.scope"), "crio-conmon-ID.scope is conmon's too");
  ok (names ("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/crio-%s.scope", "crio"),
      "crio-ID.scope is CRI-O's");
  ok (names ("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod2.slice/cri-containerd-%s.scope",
             "containerd"),
      "cri-containerd-ID.scope is containerd's");
  ok (names ("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-%s.scope", "podman"),
      "rootless podman's scope under the user's manager");
  ok (names_none ("/machine.slice/libpod-%s.scope/container"), "only the last path component counts");
  char id[129];
  const char *runtime;
  ok (owners_cgroup_container ("/system.slice/docker-short.scope", id, sizeof id, &runtime)
          && strcmp (id, "short") == 0,
      "a scope's id is taken as it is, whatever its length");
  ok (!owners_cgroup_container ("/system.slice/docker-.scope", id, sizeof id, &runtime), "an empty id is none");
  ok (!owners_cgroup_container ("/system.slice/docker.service", id, sizeof id, &runtime),
      "the docker daemon's own service is no container");
}

static void
test_cgroupfs (void)
{
  ok (names ("/docker/%s", "docker"), "cgroupfs driver: /docker/ID is docker's");
  ok (names ("/kubepods/besteffort/pod0f1e2d3c-aaaa-bbbb-cccc-0123456789ab/%s", "crio"),
      "/kubepods/QOS/podUID/ID is taken as CRI-O's");
  ok (names ("/kubepods/pod0f1e2d3c-aaaa-bbbb-cccc-0123456789ab/%s", "crio"), "also for a guaranteed pod");
  ok (names ("/lxc.payload/%s", "unknown"), "a 64-hex last component elsewhere is a container of unknown runtime");
  ok (names_none ("/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde"),
      "63 hex digits are no id");
  ok (names_none ("/docker/%s0"), "65 hex digits neither");
  ok (names_none ("/docker/0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"), "nor upper-case hex");
}

static void
test_none (void)
{
  ok (names_none ("/user.slice/user-1000.slice/session-3.scope"), "a login session is no container");
  ok (names_none ("/system.slice/sshd.service"), "a service is none");
  ok (names_none ("/"), "the root cgroup is none");
  ok (names_none (""), "an empty path is none");
  ok (names_none ("docker"), "a path without a slash and no id is none");
}

static void
test_buffer (void)
{
  char id[16];
  const char *runtime = NULL;
  memset (id, 'x', sizeof id);
  bool found = container ("/system.slice/docker-%s.scope", id, 9, &runtime);
  ok (memchr (id, '\0', 9) != NULL && id[9] == 'x', "an id buffer too small is never overrun, and is terminated");
  ok (!found, "an id buffer too small is refused, not given a truncated id");
  char exact[65];
  ok (container ("/docker/%s", exact, sizeof exact, &runtime) && strcmp (exact, hex) == 0,
      "a buffer of exactly 64 + 1 is enough");
}

int
main (void)
{
  test_systemd ();
  test_cgroupfs ();
  test_none ();
  test_buffer ();
  return tap_done ();
}
