#!/bin/sh
# Installs what nsipc needs on Debian 12 that is not there yet.
#   contrib/deps.sh          build dependencies
#   contrib/deps.sh --test   build and test dependencies
set -eu

packages="meson ninja-build pkg-config gcc libc6-dev musl-dev libcap-dev libseccomp-dev libjansson-dev libsmartcols-dev
  scdoc"
if [ "${1:-}" = "--test" ]; then
  packages="$packages bats bats-assert bats-support util-linux coreutils procps jq perl runc busybox-static podman strace
    clang libclang-rt-14-dev cppcheck systemd man-db postgresql-15 containerd nodejs"
  # tests/kubernetes.bats: NodeSource's nodejs brings npm; Debian's is a package of its own.
  command -v npm >/dev/null || packages="$packages npm"
fi

missing=""
for p in $packages; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "contrib/deps.sh: needs root to install:$missing" >&2
  exit 1
fi
# PostgreSQL is for tests/postgres.bats, which makes its own cluster: the
# package's own (a server started at install) is not wanted.
if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
  mkdir -p /etc/postgresql-common
  echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $missing
