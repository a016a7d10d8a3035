#!/usr/bin/env bash
# Build the libFuzzer harnesses with clang and run each for SECONDS (default 60).
# Corpora live in tests/fuzz/corpus/<harness>/ (inputs that found bugs are kept there
# and replayed by the regression test). Usage: scripts/fuzz.sh [SECONDS] [harness...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-60}"; shift || true
bash "$here/scripts/deps.sh" --test
bdir="$here/build-fuzz"
CC=clang cmake -S "$here" -B "$bdir" -DCMAKE_C_COMPILER=clang -DMX_FUZZ=ON -DMX_TESTS=OFF -DMX_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$bdir" -j"$(nproc)"
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  for f in "$here"/tests/fuzz/fuzz_*.c; do harnesses+=("$(basename "$f" .c)"); done
fi
for h in "${harnesses[@]}"; do
  corpus="$here/tests/fuzz/corpus/$h"; mkdir -p "$corpus"
  work="$(mktemp -d)"
  echo "== $h for ${secs}s"
  "$bdir/tests/fuzz/$h" -max_total_time="$secs" -print_final_stats=1 -max_len=65536 \
     -artifact_prefix="$work/" "$work" "$corpus" 2>&1 | grep -E "stat::number_of_executed_units|ERROR|SUMMARY|crash-|Done" || true
  ls "$work"/crash-* 2>/dev/null && { echo "$h: crash found, kept in $work"; exit 1; }
  rm -rf "$work"
done
