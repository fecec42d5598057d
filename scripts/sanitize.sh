#!/usr/bin/env bash
# Builds the unit tests of the core (trace store and pipeline, HTTP server, SQS, SNS, DynamoDB, the
# Lambda runner, templates) and the whole localray binary with clang, ASan and UBSan into
# build-fuzz/, and runs them and the integration tests (which start that binary) with CTest: a
# memory error, a leak at exit or undefined behaviour fails the test that caused it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/sanitized-tree.sh
cmake --build build-fuzz --target sanitized_tests
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-fuzz --output-on-failure -j2 --timeout 600
