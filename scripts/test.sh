#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (unit, integration, client compatibility, browser)
# with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
(cd tests/compat && npm ci --no-audit --no-fund --loglevel=error)
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
# The pattern as a CDK app (aws-cdk-lib and the cdk CLI, pinned), synthesized by its test.
(cd functions/examples/xray-tracer-cdk && npm ci --no-audit --no-fund --loglevel=error)
# dynalite, pinned: what the benchmark suite compares localray's DynamoDB with.
(cd tests/bench && npm ci --omit=optional --no-audit --no-fund --loglevel=error)
scripts/build.sh
ctest --test-dir build --output-on-failure -j2 --timeout 600
# The core's unit tests again under ASan and UBSan, the concurrency core's under ThreadSanitizer,
# then every fuzz target for ten seconds.
scripts/sanitize.sh
scripts/tsan.sh
scripts/fuzz.sh 10
