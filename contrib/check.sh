#!/bin/sh
# Installs what is missing, builds, and runs the whole test suite: C unit
# tests and bats integration tests (as root: they make real namespaces),
# then the unit tests again in a build with AddressSanitizer and UBSan.
set -eu
cd "$(dirname "$0")/.."
contrib/deps.sh --test
# The Kubernetes schema validator tests/kubernetes.bats uses (npm package kubernetes-models).
npm ci --prefix tests/kubernetes --no-audit --no-fund >/dev/null
[ -d build ] || meson setup build
ninja -C build
meson test -C build --print-errorlogs
[ -d build-asan ] || meson setup build-asan -Db_sanitize=address,undefined
ninja -C build-asan
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 meson test -C build-asan --suite unit --print-errorlogs

# cppcheck and gcc -fanalyzer on nsipc/: no new findings.
contrib/analyze.sh

# Every libFuzzer target of tests/fuzz for FUZZ_SECONDS, on a copy of its seeds: a
# crash, leak, hang or sanitizer report fails the check; the input is kept in build-fuzz.
if command -v clang >/dev/null; then
  [ -d build-fuzz ] || CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
  ninja -C build-fuzz
  fuzz_tmp=$(mktemp -d)
  trap 'rm -rf "$fuzz_tmp"' EXIT
  for seeds in tests/fuzz/corpus/*/; do
    name=$(basename "$seeds")
    cp -r "$seeds" "$fuzz_tmp/$name"
    result=ok
    UBSAN_OPTIONS=print_stacktrace=1 build-fuzz/tests/fuzz/fuzz_"$name" -max_total_time="${FUZZ_SECONDS:-30}" \
      -timeout=10 -print_final_stats=1 -dict="tests/fuzz/$name.dict" -artifact_prefix="build-fuzz/fuzz_$name-" \
      "$fuzz_tmp/$name" >"$fuzz_tmp/$name.log" 2>&1 || result=FAILED
    echo "fuzz_$name: $(sed -n 's/^stat::number_of_executed_units: *//p' "$fuzz_tmp/$name.log") executions, $result"
    if [ "$result" != ok ]; then
      grep -v '^#' "$fuzz_tmp/$name.log" | tail -n 40 >&2
      exit 1
    fi
  done
fi

# One closing line for whoever reads the log: how many meson tests passed and failed.
jq -rs '[.[] | select(.result == "OK")] | length as $ok | "check: \($ok) passed, \(length - $ok) failed"' \
  build/meson-logs/testlog.json
