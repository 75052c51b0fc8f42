#!/bin/sh
# Static analysis of nsipc/: cppcheck must find nothing, and gcc -fanalyzer
# nothing beyond the reviewed false positives of contrib/analyzer-baseline.txt
# (per file and kind, with their counts): a new finding fails.
set -eu
cd "$(dirname "$0")/.."

# unknownMacro: jansson's iteration macros; ctuuninitvar: an nsipc_error
# handed down uninitialised is written, never read; resourceLeak: cppcheck
# does not know __attribute__((cleanup)), which closes every FILE and DIR.
cppcheck --enable=warning,portability --inline-suppr --error-exitcode=1 --quiet -D_GNU_SOURCE --std=c11 \
  --suppress=unknownMacro --suppress=ctuuninitvar --suppress=resourceLeak -I nsipc nsipc/

[ -d build-analyzer ] || meson setup build-analyzer -Dc_args=-fanalyzer >/dev/null
ninja -C build-analyzer -t clean >/dev/null
found=$(ninja -C build-analyzer nsipc 2>&1 |
  sed -En 's/^(\.\.\/)?(nsipc\/[a-z_]+\.c):[0-9]+:[0-9]+: warning: .*\[(-Wanalyzer-[a-z-]+)\]$/\2 \3/p' |
  sort | uniq -c | awk '{ print $2, $3, $1 }')
new=$(printf '%s\n' "$found" | awk 'NR == FNR { if ($0 !~ /^#/) base[$1 " " $2] = $3; next }
  $0 != "" && $3 > base[$1 " " $2] + 0 { print }' contrib/analyzer-baseline.txt -)
if [ -n "$new" ]; then
  echo "analyze: gcc -fanalyzer finds more than contrib/analyzer-baseline.txt allows (file, kind, count):" >&2
  printf '%s\n' "$new" >&2
  exit 1
fi
echo "analyze: cppcheck clean; gcc -fanalyzer: only the reviewed findings"
