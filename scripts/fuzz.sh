#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan and UBSan everywhere) into build-fuzz/ and runs each
# for SECONDS (default 10) from its seed corpus in tests/fuzz/corpus/, which is only read: what a
# run finds new goes to build-fuzz/corpus/. Any crash, leak or undefined behaviour fails the script
# and leaves the input as build-fuzz/crash-*.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-10}"
source scripts/sanitized-tree.sh
cmake --build build-fuzz --target fuzz_all
status=0
for corpus in tests/fuzz/corpus/*/; do
  name="$(basename "$corpus")"
  mkdir -p "build-fuzz/corpus/$name"
  log="build-fuzz/fuzz_$name.log"
  if build-fuzz/tests/fuzz/fuzz_"$name" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -artifact_prefix=build-fuzz/crash-"$name"- "build-fuzz/corpus/$name" "$corpus" > "$log" 2>&1; then
    echo "fuzz $name: $(grep -Eo 'Done [0-9]+ runs' "$log" | tail -1) in ${SECONDS_EACH} s, no findings"
  else
    echo "fuzz $name: FAILED (see $log)"
    tail -40 "$log"
    status=1
  fi
done
exit $status
