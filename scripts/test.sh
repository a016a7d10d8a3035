#!/usr/bin/env bash
# Set everything up and run the whole test suite:
# install missing packages, fetch full MNIST (tests that need it skip without),
# build and run CTest, then the same suite under AddressSanitizer + UBSan.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$here/scripts/deps.sh" --test
bash "$here/scripts/fetch-mnist.sh" || echo "mixscope: could not fetch full MNIST; full-data tests will be skipped"
jobs="$(nproc)"

echo "== build (RelWithDebInfo, -Werror) and test"
MX_BUILD_DIR="$here/build" bash "$here/scripts/build.sh" -DMX_WERROR=ON
(cd "$here/build" && ctest --output-on-failure -j"$jobs")

if [ "${MX_SKIP_WEB:-0}" != 1 ]; then
  echo "== web edition (WebAssembly) in headless chromium"
  bash "$here/scripts/web-test.sh"
fi

if [ "${MX_SKIP_ASAN:-0}" != 1 ]; then
  echo "== build with AddressSanitizer + UndefinedBehaviorSanitizer and test"
  MX_BUILD_DIR="$here/build-asan" bash "$here/scripts/build.sh" -DMX_SANITIZE=ON -DMX_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug
  (cd "$here/build-asan" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     LSAN_OPTIONS="suppressions=$here/tests/lsan.supp:print_suppressions=0" \
     ctest --output-on-failure -j"$jobs" -E "^cli_valgrind$")   # valgrind cannot run an ASan binary
fi
