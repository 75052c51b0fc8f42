#!/bin/sh
# Installs what is missing, builds, and runs `nsipc run` with the shipped
# default policy around a command that shows the namespace it got.
set -eu
cd "$(dirname "$0")/.."
contrib/deps.sh
[ -d build ] || meson setup build
ninja -C build
HOST_IPC=$(readlink /proc/self/ns/ipc) exec build/nsipc --policy-dir policy run -- sh -c '
  echo "IPC namespace: $(readlink /proc/self/ns/ipc) (the host is $HOST_IPC)"
  echo "kernel.sem: $(cat /proc/sys/kernel/sem)  kernel.shmmax: $(cat /proc/sys/kernel/shmmax)  kernel.msgmni: $(cat /proc/sys/kernel/msgmni)"
  df -h /dev/shm
  ipcs'
