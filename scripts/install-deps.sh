#!/usr/bin/env bash
# Installs what localray needs to build and test, from Debian's packages. Idempotent: when every
# package is already there it changes nothing and asks no mirror.
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev nlohmann-json3-dev libspdlog-dev libsqlite3-dev libgtest-dev
  curl python3
)
# The console's front end is bundled at build time with npm (a Node.js already on the machine is
# used as it is).
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
if [ "${1:-}" = "--test" ]; then
  # Real clients for the compatibility tests: Debian's awscli and boto3 (the npm SDKs come from
  # tests/compat's lock); Debian's Chromium for the console's browser tests.
  packages+=(awscli python3-boto3 chromium)
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
