#!/bin/bash
# Memcheck over the real binary: `mixscope shot` of every view, the headless
# commands on small inputs, and a few error paths (a refused file must not
# leak either). Passing means no invalid read / write / free, no use of
# uninitialised values, and no "definitely lost" block (--errors-for-leak-kinds
# =definite); "still reachable" blocks of the libraries' own caches are fine.
# Driver-level leaks in SDL / fontconfig / freetype / OpenBLAS, if any show up
# on some machine, go in tests/valgrind.supp (never a suppression that matches
# a mixscope frame). Skipped (exit 77) without valgrind.
# usage: bash cli_valgrind.sh <mixscope> <source dir> <scratch dir>
set -u
BIN=$1
SRC=$2
OUT=$3
command -v valgrind >/dev/null 2>&1 || { echo "skip: valgrind not installed"; exit 77; }
mkdir -p "$OUT"
cd "$OUT" || exit 1
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy OPENBLAS_NUM_THREADS=1
SAMPLE=$SRC/assets/mnist-sample
BAD=$SRC/tests/data/bad
VG=(valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite
    --error-exitcode=99 --suppressions="$SRC/tests/valgrind.supp" --num-callers=30)
fail=0
n=0

# vg NAME WANT_RC CMD...: run under memcheck; pass when the exit code is WANT_RC
# (99 = memcheck found an error) and the log has no error record.
vg() {
  local name=$1 want=$2 rc
  shift 2
  "${VG[@]}" --log-file="vg-$name.log" "$@" >"vg-$name.out" 2>"vg-$name.err"
  rc=$?
  n=$((n + 1))
  if [ "$rc" -eq 99 ] || grep -qE "Invalid (read|write|free)|uninitialised|definitely lost in" "vg-$name.log"; then
    echo "FAIL $name: memcheck errors (exit $rc):"
    grep -E "Invalid|uninitialised|definitely lost|at 0x|by 0x" "vg-$name.log" | head -30 | sed 's/^/     /'
    fail=1
  elif [ "$rc" -ne "$want" ]; then
    echo "FAIL $name: exit $rc, expected $want: $(head -c 300 "vg-$name.err")"
    fail=1
  else
    echo "ok   $name (exit $rc, memcheck clean)"
  fi
}

views=$("$BIN" shot --help | sed -n 's/.*--view NAME.*the view: //p' | tr -d ',')
[ -n "$views" ] || { echo "FAIL cannot read the view list from shot --help"; exit 1; }
for v in $views; do
  vg "shot-$v" 0 "$BIN" shot --view "$v" --out "vg-$v.png" --size 640x400 --mnist "$SAMPLE" --frames 2
done
# a view after some interaction (EM steps, a click)
vg shot-gmm-steps 0 "$BIN" shot --view gmm --out vg-gmm2.png --size 640x400 --mnist "$SAMPLE" \
  --keys "Space,Space,Space,Right" --click 200,200
# sliders clicked at their low end, so the model is rebuilt smaller in the same
# frame that then draws the list of experts: the moe view's "experts K",
# "polynomial degree" and "points N" sliders sit at x ~ 872, y = 180 / 230 / 280
# at 1280x800 (found by the monkey test under ASan)
vg shot-moe-sliders 0 "$BIN" shot --view moe --out vg-moe-s.png --size 1280x800 \
  --click 872,280 --click 872,230 --click 872,180
vg shot-bmm-steps 0 "$BIN" shot --view bmm --out vg-bmm2.png --size 640x400 --mnist "$SAMPLE" --keys "Space,Space"

# headless commands on small inputs
vg theta 0 "$BIN" theta --mnist "$SAMPLE" --alpha 1
vg nb 0 "$BIN" nb --mnist "$SAMPLE"
vg gmm 0 "$BIN" gmm --data "$SRC/tests/data/gmm_blobs2d.csv" --k 3 --iters 5 --json
vg gmm-init 0 "$BIN" gmm --data "$SRC/tests/data/gmm_blobs2d.csv" --init "$SRC/tests/data/gmm_init3.json" --iters 3
vg bmm 0 "$BIN" bmm --mnist "$SAMPLE" --k 3 --n 300 --iters 2 --threads 1
vg moe 0 "$BIN" moe --n 200 --iters 5
vg posterior 0 "$BIN" posterior --data 1,2,3 --json
vg pca 0 "$BIN" pca --mnist "$SAMPLE" --digits 0,1 --n 200 --out vg-pca.csv
vg export-gif 0 "$BIN" export --scene "$SRC/tests/fuzz/corpus/fuzz_scene/gmm.json" --iters 2 \
  --out vg-export.gif --size 320x240 --mnist "$SAMPLE"

# error paths: the refused input must not leak
vg err-csv 1 "$BIN" gmm --data "$BAD/csv_ragged.csv" --k 2
vg err-init 1 "$BIN" gmm --data "$BAD/points_ok.csv" --init "$BAD/init_not_pd.json"
vg err-scene 1 "$BIN" export --scene "$BAD/scene_gmm_k_type.json" --iters 1 --out vg-x.gif --size 320x240
vg err-shot-scene 1 "$BIN" shot --view theta --scene "$BAD/scene_theta_prior_type.json" --out vg-y.png \
  --size 320x240 --mnist "$SAMPLE"
vg err-mnist 1 "$BIN" theta --mnist "$BAD"
vg err-args 2 "$BIN" gmm --k 0

echo "$n runs under valgrind"
exit $fail
