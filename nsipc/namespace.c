/* Creating namespaces and their /dev mounts. */
#include "namespace.h"

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>

int
namespace_unshare_private (nsipc_error *err)
{
  if (unshare (CLONE_NEWIPC | CLONE_NEWNS) < 0)
    return nsipc_error_set (err, errno, "unshare IPC and mount namespaces");
  /* Slave, not private: host mounts still reach us, ours never reach it. */
  if (mount (NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
    return nsipc_error_set (err, errno, "make / a slave mount");
  return 0;
}

int
namespace_mount_dev (uint64_t shm_size, nsipc_error *err)
{
  /* systemd creates /dev/mqueue at boot; where nobody did, an empty
     mountpoint is all we add to the host's /dev. */
  if (mkdir ("/dev/mqueue", 01777) < 0 && errno != EEXIST)
    return nsipc_error_set (err, errno, "create /dev/mqueue");
  if (mount ("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
    return nsipc_error_set (err, errno, "mount mqueue on /dev/mqueue");
  if (shm_size == 0)
    return 0;
  char options[64];
  snprintf (options, sizeof options, "size=%" PRIu64 ",mode=1777", shm_size);
  if (mount ("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, options) < 0)
    return nsipc_error_set (err, errno, "mount a tmpfs of %" PRIu64 " bytes on /dev/shm", shm_size);
  return 0;
}
