#!/usr/bin/env bash
# Installs what localray needs to build and test, from Debian's packages. Idempotent: when every
# package is already there it changes nothing and asks no mirror.
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev nlohmann-json3-dev libspdlog-dev libsqlite3-dev libgtest-dev libzip-dev nettle-dev libssl-dev libyaml-cpp-dev
  libprotobuf-dev protobuf-compiler libjemalloc-dev
  curl python3 python3-boto3
)
# The console's front end is bundled at build time with npm, and Node.js functions run on the
# machine's node (a Node.js already on the machine is used as it is). Python functions run on
# Debian's python3 with its boto3.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
if [ "${1:-}" = "--test" ]; then
  # Real clients for the compatibility tests: Debian's awscli and boto3 (the npm SDKs come from
  # tests/compat's lock); Debian's Chromium for the console's browser tests.
  packages+=(awscli python3-boto3 chromium)
  # openssl makes the self-signed certificate of the https endpoint the SNS test serves.
  packages+=(openssl)
  # clang with libFuzzer and the sanitizers' runtimes, for scripts/fuzz.sh.
  packages+=(clang libclang-rt-14-dev)
  # The benchmark suite's load generator (tests/bench/suite.py; its quick mode is a test).
  packages+=(wrk)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}"
fi

# What Lambda's Node.js runtimes put on a function's module path (aws-sdk v2 up to nodejs16.x, the
# v3 clients from nodejs18.x), pinned by their locks, in folders localray owns; and the example
# functions' own dependencies (config/xray-tracer-nodejs.json).
# The OTLP message definitions protoc compiles (tracing/otlp/proto: the npm package that ships
# them) are installed the same way.
for dir in tracing/otlp/proto functions/runtime/node/sdk-v2 functions/runtime/node/sdk-v3 functions/examples/xray-tracer; do
  (cd "$(dirname "$0")/../$dir" && npm ci --no-audit --no-fund --loglevel=error)
done
