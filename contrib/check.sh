#!/bin/sh
# Installs what is missing, builds, and runs the whole test suite: C unit
# tests and bats integration tests (as root: they make real namespaces),
# then the unit tests again in a build with AddressSanitizer and UBSan.
set -eu
cd "$(dirname "$0")/.."
contrib/deps.sh --test
[ -d build ] || meson setup build
ninja -C build
meson test -C build --print-errorlogs
[ -d build-asan ] || meson setup build-asan -Db_sanitize=address,undefined
ninja -C build-asan
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 meson test -C build-asan --suite unit --print-errorlogs

# One closing line for whoever reads the log: how many meson tests passed and failed.
jq -rs '[.[] | select(.result == "OK")] | length as $ok | "check: \($ok) passed, \(length - $ok) failed"' \
  build/meson-logs/testlog.json
