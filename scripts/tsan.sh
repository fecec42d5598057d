#!/usr/bin/env bash
# Builds the unit tests of the concurrency core (trace store, pipeline and state journal, HTTP
# server, SQS, SNS, DynamoDB, the Lambda runner and event source mappings) with clang and
# ThreadSanitizer into build-tsan/ and runs them with CTest: a data race fails the test that ran
# into it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build-tsan/build.ninja ]; then
  CC=clang CXX=clang++ cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE="-O1 -gline-tables-only" -DLOCALRAY_TSAN=ON -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16
fi
cmake --build build-tsan --target sanitized_tests
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest --test-dir build-tsan --output-on-failure -j2 --timeout 600
