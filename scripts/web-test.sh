#!/usr/bin/env bash
# The web edition's test: build build-web/ (scripts/web.sh), install the locked puppeteer-core
# (tests/web/package-lock.json) into ~/.cache/mixscope-web/node-test, and drive Debian's
# chromium headless through tests/web/web_test.mjs against the native build's `mixscope shot`.
#   MX_NATIVE=path/to/mixscope (default build/mixscope)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${MX_WEB_CACHE:-$HOME/.cache/mixscope-web}"
native="${MX_NATIVE:-$here/build/mixscope}"
[ -x "$native" ] || { echo "web-test: no native mixscope at $native (build it first)" >&2; exit 1; }
bash "$here/scripts/web.sh"
nd="$cache/node-test"
mkdir -p "$nd"
if ! cmp -s "$here/tests/web/package-lock.json" "$nd/package-lock.json" || [ ! -d "$nd/node_modules/puppeteer-core" ]; then
  echo "== web: npm ci puppeteer-core (locked) -> $nd"
  cp "$here/tests/web/package.json" "$here/tests/web/package-lock.json" "$nd/"
  (cd "$nd" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
fi
echo "== web: headless chromium test"
MX_WEB_NODE_MODULES="$nd/node_modules" node "$here/tests/web/web_test.mjs" \
  "${MX_WEB_BUILD_DIR:-$here/build-web}" "$native" "${MX_WEB_TEST_OUT:-$here/build-web-test}"
