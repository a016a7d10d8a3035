#!/usr/bin/env bash
# Benchmarks: build Release (-O2) into build-bench/, run bench/mixbench (our
# timings, with --dump for the cross-checks), then bench/compare.py (the same
# workloads in scikit-learn / NumPy, checking the numbers agree), then write the
# Markdown tables (bench/table.py) to $out/table.md.
#
#   scripts/bench.sh [--native] [--quick] [--out DIR] [-- extra mixbench args]
#
#   --native   also build with -O3 -march=native (build-bench-native/) and add a
#              column with the same mixbench workloads
#   --quick    small sizes / few repetitions (development; numbers not meaningful)
#   --out DIR  results directory (default build-bench/results)
#   --before REV  also build git revision REV (a temporary worktree) and run its
#              mixbench on the same data right after ours; the table gets a
#              "REV median / p99" column and the speed-up (what changed since REV bought)
#   --wait-load L  before each timed phase, wait (up to 30 min) until the 1-minute
#              load average is below L (the machine is shared; timings need it idle)
#
# Needs full MNIST (scripts/fetch-mnist.sh) and /usr/bin/python3 with numpy,
# scipy, scikit-learn, threadpoolctl. OPENBLAS_* variables in the environment
# are passed through unchanged and recorded in compare.json.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bdir="${MX_BENCH_DIR:-$here/build-bench}"
native=0
quick=()
out=""
waitload=""
before=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --native) native=1 ;;
    --quick) quick=(--quick) ;;
    --out) out="$2"; shift ;;
    --wait-load) waitload="$2"; shift ;;
    --before) before="$2"; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
out="${out:-$bdir/results}"
mkdir -p "$out"
py=/usr/bin/python3

wait_load() {
  [ -n "$waitload" ] || return 0
  local i
  for i in $(seq 60); do
    awk -v l="$waitload" '{ exit !($1 < l) }' /proc/loadavg && return 0
    echo "   (load $(cut -d' ' -f1 /proc/loadavg) >= $waitload: waiting)"
    sleep 30
  done
}

build() { # dir, C flags[, source dir (default: this tree)]
  cmake -S "${3:-$here}" -B "$1" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE="$2" \
        -DMX_BENCH=ON -DMX_TESTS=OFF >/dev/null
  cmake --build "$1" -j"$(nproc)" --target mixbench mixscope >/dev/null
}

echo "== machine"
{
  lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket|L2|L3)' || true
  grep MemTotal /proc/meminfo || true
  echo "uptime: $(uptime)"
  env | grep -E '^(OPENBLAS|OMP|MKL)_' || true
} | tee "$out/machine.txt"

echo "== build Release -O2 ($bdir)"
build "$bdir" "-O2 -DNDEBUG"
mnist="$here/data/mnist"
if [ ! -f "$mnist/train-images-idx3-ubyte" ] && [ ! -f "$mnist/train-images-idx3-ubyte.gz" ]; then
  echo "bench.sh: full MNIST not found in $mnist (run scripts/fetch-mnist.sh)" >&2
  exit 1
fi

echo "== mixbench"
wait_load
"$bdir/bench/mixbench" --mnist "$mnist" --dump "$out/dump" --json "$out/mixbench.json" \
  ${quick[@]+"${quick[@]}"} ${extra[@]+"${extra[@]}"} | tee "$out/mixbench.txt"

echo "== compare.py (scikit-learn / NumPy)"
wait_load
cstatus=0
$py "$here/bench/compare.py" "$out/dump" --json "$out/compare.json" --mixbench "$bdir/bench/mixbench" | tee "$out/compare.txt" ||
  cstatus=$?
cp "$out/compare.json" "$out/dump/compare.json" 2>/dev/null || true

nargs=()
if [ "$native" = 1 ]; then
  echo "== build -O3 -march=native (${bdir}-native) and run mixbench again (core sections)"
  build "${bdir}-native" "-O3 -march=native -DNDEBUG"
  wait_load
  mkdir -p "$out/native"
  "${bdir}-native/bench/mixbench" --mnist "$mnist" --json "$out/native/mixbench.json" \
    ${quick[@]+"${quick[@]}"} io theta pca gmm bmm frames | tee "$out/native/mixbench.txt"
  nargs=(--native "$out/native")
fi

if [ -n "$before" ]; then
  rev="$(git -C "$here" rev-parse --short "$before")"
  wt="$(mktemp -d /tmp/mixscope-before-XXXXXX)"
  echo "== revision $rev: build its mixbench ($wt) and run it"
  git -C "$here" worktree add --detach -f "$wt" "$rev" >/dev/null
  build "$wt/build-bench" "-O2 -DNDEBUG" "$wt"
  wait_load
  mkdir -p "$out/before"
  "$wt/build-bench/bench/mixbench" --mnist "$mnist" --json "$out/before/mixbench.json" \
    --mixscope "$wt/build-bench/mixscope" ${quick[@]+"${quick[@]}"} ${extra[@]+"${extra[@]}"} |
    tee "$out/before/mixbench.txt"
  git -C "$here" worktree remove --force "$wt"
  nargs+=(--before "$out/before" --before-label "$rev")
fi

echo "== table ($out/table.md)"
$py "$here/bench/table.py" "$out" ${nargs[@]+"${nargs[@]}"} | tee "$out/table.md"
echo "uptime at the end: $(uptime)" | tee -a "$out/machine.txt"
if [ "$cstatus" != 0 ]; then
  echo "bench.sh: compare.py reported mismatches (see $out/compare.txt)" >&2
  exit 1
fi
