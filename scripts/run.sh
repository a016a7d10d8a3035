#!/usr/bin/env bash
# Set everything up and start the explorer:
# install missing Debian packages, build, fetch full MNIST (falls back to the
# bundled sample when offline), launch. Arguments go to mixscope.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$here/scripts/deps.sh"
bash "$here/scripts/build.sh"
bash "$here/scripts/fetch-mnist.sh" || echo "mixscope: could not fetch full MNIST; using the bundled sample"
exec "${MX_BUILD_DIR:-$here/build}/mixscope" "$@"
