#!/usr/bin/env bash
# Configure and build mixscope into build/ (or $MX_BUILD_DIR). Extra args go to cmake.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bdir="${MX_BUILD_DIR:-$here/build}"
cmake -S "$here" -B "$bdir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$bdir" -j"$(nproc)"
