#!/usr/bin/env bash
# Build the libFuzzer harnesses with clang (ASan + UBSan) and run each for SECONDS
# (default 60), one after the other.
#
#   scripts/fuzz.sh [SECONDS] [harness...]        e.g. scripts/fuzz.sh 300 fuzz_idx
#
# Harnesses: tests/fuzz/fuzz_*.c (fuzz_idx, fuzz_points, fuzz_gmm_json, fuzz_scene).
# Seed corpora: tests/fuzz/corpus/<harness>/ (read only; new inputs go to a work dir),
# dictionaries: tests/fuzz/corpus/<harness>.dict when present.
# Environment:
#   MX_FUZZ_BUILD   build directory (default build-fuzz)
#   MX_FUZZ_WORK    keep the generated corpus and artifacts here (default: a temp dir,
#                   removed after a clean run)
#   MX_FUZZ_JOBS    build parallelism (default nproc)
#   MX_FUZZ_ARGS    extra libFuzzer flags (e.g. "-max_len=4096")
#   MX_FUZZ_NODEPS  set to skip the dependency check (scripts/deps.sh --test)
# A crash / leak / timeout stops the script with exit 1 and leaves the input in the work
# dir: minimise it (`<binary> -minimize_crash=1 -runs=10000 FILE`), copy it to
# tests/fuzz/regress/<harness>/ and the regression tests replay it in every build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-60}"; shift || true
[ -n "${MX_FUZZ_NODEPS:-}" ] || bash "$here/scripts/deps.sh" --test
bdir="${MX_FUZZ_BUILD:-$here/build-fuzz}"
case "$bdir" in /*) ;; *) bdir="$here/$bdir" ;; esac
CC=clang cmake -S "$here" -B "$bdir" -DCMAKE_C_COMPILER=clang -DMX_FUZZ=ON -DMX_TESTS=OFF -DMX_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  for f in "$here"/tests/fuzz/fuzz_*.c; do harnesses+=("$(basename "$f" .c)"); done
fi
cmake --build "$bdir" -j"${MX_FUZZ_JOBS:-$(nproc)}" --target "${harnesses[@]}"
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
status=0
for h in "${harnesses[@]}"; do
  corpus="$here/tests/fuzz/corpus/$h"; mkdir -p "$corpus"
  if [ -n "${MX_FUZZ_WORK:-}" ]; then work="$MX_FUZZ_WORK/$h"; mkdir -p "$work"; keep=1
  else work="$(mktemp -d)"; keep=0; fi
  dict=()
  [ -f "$here/tests/fuzz/corpus/$h.dict" ] && dict=(-dict="$here/tests/fuzz/corpus/$h.dict")
  # the scene harness draws frames on a headless app: slower, allow more per input
  tmo=10; extra=()
  [ "$h" = fuzz_scene ] && tmo=60 && extra=("$here/assets/scenes")  # the lecture scenes seed it too
  echo "== $h for ${secs}s (work dir $work)"
  rc=0
  # shellcheck disable=SC2086
  "$bdir/tests/fuzz/$h" -max_total_time="$secs" -print_final_stats=1 -max_len=65536 -timeout="$tmo" \
     -rss_limit_mb=3072 "${dict[@]}" ${MX_FUZZ_ARGS:-} -artifact_prefix="$work/" \
     "$work" "$corpus" "${extra[@]}" >"$work/log.txt" 2>&1 || rc=$?
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|stat::new_units_added|ERROR|SUMMARY|Done [0-9]+ runs" \
    "$work/log.txt" || true
  if ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* >/dev/null 2>&1; then
    echo "$h: found a failing input, kept in $work:"
    ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null || true
    status=1
    continue
  fi
  if [ "$rc" -ne 0 ]; then
    echo "$h: the fuzzer exited with $rc without an artifact; see $work/log.txt:"
    tail -5 "$work/log.txt"
    status=1
    continue
  fi
  [ "$keep" -eq 1 ] || rm -rf "$work"
done
exit "$status"
