#!/usr/bin/env bash
# Build the web edition into build-web/ (index.html, mixscope.js, mixscope.wasm, mixscope.data):
#   bash scripts/web.sh               dependencies (scripts/web-deps.sh), then the build
#   bash scripts/web.sh --with-mnist  also copy data/mnist (gzipped) to build-web/mnist/; the
#                                     page fetches it with a progress bar
#   bash scripts/web.sh --serve       then serve build-web/ on 127.0.0.1 (MX_WEB_PORT, 8013)
# build-web/ is a static site: publish the folder as it is (e.g. GitHub Pages).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${MX_WEB_BUILD_DIR:-$here/build-web}"
obj="${out}-obj"   # CMake build tree, kept out of the folder you publish
serve=0 mnist=0
for a in "$@"; do
  case "$a" in
    --serve) serve=1 ;;
    --with-mnist) mnist=1 ;;
    -h|--help) sed -n 2,8p "$0"; exit 0 ;;
    *) echo "web.sh: unknown option '$a' (--serve, --with-mnist)" >&2; exit 2 ;;
  esac
done
t0=$SECONDS
prefixes="$(bash "$here/scripts/web-deps.sh" | tee -a /dev/stderr | sed -n 's/^MX_WEB_PREFIXES=//p' | tail -1)"
[ -n "$prefixes" ] || { echo "web.sh: the dependency step gave no library prefixes" >&2; exit 1; }
export NODE_PATH=/usr/share/nodejs
echo "== web: configure + build (emcmake, -j${MX_WEB_JOBS:-2}) -> $obj"
emcmake cmake -S "$here" -B "$obj" -DCMAKE_BUILD_TYPE=Release -DMX_WERROR=ON \
  -DMX_WEB_PREFIXES="$prefixes" >/dev/null
cmake --build "$obj" -j"${MX_WEB_JOBS:-2}" --target mixscope
mkdir -p "$out"
cp "$obj/mixscope.js" "$obj/mixscope.wasm" "$obj/mixscope.data" "$out/"
cp "$here/web/index.html" "$out/index.html"
# data.json tells the page whether full MNIST sits beside it (no 404 probing)
if [ $mnist = 1 ]; then echo '{"mnist": true}' > "$out/data.json"
else echo '{"mnist": false}' > "$out/data.json"; rm -rf "$out/mnist"; fi
if [ $mnist = 1 ]; then
  mkdir -p "$out/mnist"
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    if [ -f "$here/data/mnist/$f.gz" ]; then cp "$here/data/mnist/$f.gz" "$out/mnist/"
    elif [ -f "$here/data/mnist/$f" ]; then gzip -9 -c "$here/data/mnist/$f" > "$out/mnist/$f.gz.tmp" && mv "$out/mnist/$f.gz.tmp" "$out/mnist/$f.gz"
    else echo "web.sh: --with-mnist: data/mnist/$f missing (bash scripts/fetch-mnist.sh)" >&2; exit 1; fi
  done
fi
echo "== web: built in $((SECONDS - t0)) s: $out/{index.html,mixscope.js,mixscope.wasm,mixscope.data}"
if [ $serve = 1 ]; then
  port="${MX_WEB_PORT:-8013}"
  echo "mixscope web edition: http://127.0.0.1:$port/index.html  (Ctrl+C stops)"
  exec python3 -m http.server "$port" --bind 127.0.0.1 --directory "$out"
fi
