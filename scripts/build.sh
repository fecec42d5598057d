#!/usr/bin/env bash
# Configures (once) and builds with Ninja and ccache into build/. Extra arguments are targets.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build build ${1:+--target "$@"}
