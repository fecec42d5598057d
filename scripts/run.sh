#!/usr/bin/env bash
# Installs, builds and starts localray on the embedded X-Ray Tracer pattern. Arguments go to localray.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh localray
exec build/localray "$@"
