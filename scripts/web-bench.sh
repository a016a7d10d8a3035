#!/usr/bin/env bash
# Web edition benchmark (bench/web_bench.mjs): builds build-web/ and bench/web_iter for both the
# browser and natively, then prints markdown table rows (docs/benchmarks.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${MX_WEB_BUILD_DIR:-$here/build-web}"
nd="${MX_WEB_CACHE:-$HOME/.cache/mixscope-web}/node-test"
export NODE_PATH=/usr/share/nodejs
bash "$here/scripts/web.sh" >/dev/null
cmake --build "${out}-obj" -j2 --target web_iter >/dev/null
MX_BUILD_DIR="$here/build" bash "$here/scripts/build.sh" >/dev/null
[ -d "$nd/node_modules/puppeteer-core" ] || { mkdir -p "$nd"; cp "$here/tests/web/package.json" "$here/tests/web/package-lock.json" "$nd/"; (cd "$nd" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error); }
MX_WEB_NODE_MODULES="$nd/node_modules" node "$here/bench/web_bench.mjs" "$out" "${out}-obj" "$here/build/bench/web_iter"
