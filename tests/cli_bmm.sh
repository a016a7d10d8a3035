#!/bin/bash
# cli_bmm — `mixscope bmm` on the bundled sample: JSON re-computed by an
# independent dense NumPy EM (tests/ref/bmm_ref.py, 1e-9 relative) for the
# semi-supervised and k-means++ starts; EM properties of the JSON (objective
# non-decreasing, weights sum to 1); the PNG output; argument and data errors
# with their exit codes and messages.
# usage: bash cli_bmm.sh <mixscope> <source dir> <scratch dir>
set -u
BIN=$1; SRC=$2; OUT=$3
PY=/usr/bin/python3
SAMPLE=$SRC/assets/mnist-sample
fail=0
ok()  { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
mkdir -p "$OUT"
if ! $PY -c 'import numpy, scipy' 2>/dev/null; then echo "no numpy/scipy for $PY: skipped"; exit 77; fi

# 1. Against NumPy: semi-supervised (labelled start), k-means++ with other
#    priors / threshold / --n, one thread and two.
while read -r tag args; do
  # shellcheck disable=SC2086
  if ! "$BIN" bmm --mnist "$SAMPLE" $args --json >"$OUT/$tag.json" 2>"$OUT/err.txt"; then
    bad "bmm $args exited non-zero: $(cat "$OUT/err.txt")"; continue
  fi
  if $PY "$SRC/tests/ref/bmm_ref.py" "$OUT/$tag.json" "$SAMPLE" >"$OUT/ref.txt" 2>&1; then
    ok "bmm $args matches numpy"
  else
    bad "bmm $args differs from numpy: $(cat "$OUT/ref.txt")"
  fi
done <<'CASES'
semi5 --labels-per-class 5 --iters 8
semi20 --labels-per-class 20 --iters 5 --alpha 0.25 --gamma 2 --threads 1 --seed 7
km6 --k 6 --n 1200 --iters 7 --alpha 0.5 --gamma 3 --threshold 0.3
km15 --k 15 --iters 4 --threads 1 --seed 3
CASES

# 2. Properties of a longer run: J non-decreasing, weights sum to 1, one
#    loglik per iteration plus the start; same seed -> same numbers; random init.
"$BIN" bmm --mnist "$SAMPLE" --k 12 --iters 25 --init random --seed 5 --json >"$OUT/r1.json" 2>/dev/null
"$BIN" bmm --mnist "$SAMPLE" --k 12 --iters 25 --init random --seed 5 --json >"$OUT/r2.json" 2>/dev/null
"$BIN" bmm --mnist "$SAMPLE" --k 12 --iters 25 --init random --seed 6 --json >"$OUT/r3.json" 2>/dev/null
$PY - "$OUT/r1.json" "$OUT/r2.json" "$OUT/r3.json" <<'PYEOF' && ok "random start: monotone J, weights, reproducible seed" || bad "random-start properties"
import json, sys
a, b, c = (json.load(open(f)) for f in sys.argv[1:4])
lp, ll = a["logpost"], a["loglik"]
assert len(lp) == len(ll) == 26, len(lp)
assert all(y >= x - 1e-9 * abs(x) for x, y in zip(lp, lp[1:])), lp
assert abs(sum(a["weights"]) - 1) < 1e-12 and len(a["weights"]) == 12
assert a["init"] == "random" and "start_digits" not in a and "test_accuracy" not in a
for k in ("loglik", "logpost", "weights", "test_loglik_per_digit"):
    assert a[k] == b[k], k
assert a["loglik"][0] != c["loglik"][0]
PYEOF

# 3. PNG output: one 112x112 map per component and a montage, no temp files left.
rm -rf "$OUT/png"
if "$BIN" bmm --mnist "$SAMPLE" --k 5 --iters 3 --out-dir "$OUT/png" >"$OUT/png.txt" 2>&1; then
  $PY - "$OUT/png" <<'PYEOF' && ok "PNG maps and montage" || bad "PNG output"
import os, struct, sys
d = sys.argv[1]
names = sorted(os.listdir(d))
assert names == ["comp_%02d.png" % k for k in range(5)] + ["montage.png"], names
def size(p):
    h = open(p, "rb").read(24)
    assert h[:8] == b"\x89PNG\r\n\x1a\n", p
    return struct.unpack(">II", h[16:24])
for k in range(5):
    assert size(os.path.join(d, "comp_%02d.png" % k)) == (112, 112)
# 5 maps -> 3 columns x 2 rows of 112 px with 2 px gaps
assert size(os.path.join(d, "montage.png")) == (3 * 114 + 2, 2 * 114 + 2)
PYEOF
else
  bad "bmm --out-dir exited non-zero: $(cat "$OUT/png.txt")"
fi
grep -q "wrote 6 PNG files" "$OUT/png.txt" && ok "text output names the PNGs" || bad "text output"

# 4. Help and bad arguments: exit 2 and a message naming the option.
"$BIN" bmm --help >"$OUT/help.txt" 2>&1 && grep -q "usage: mixscope bmm" "$OUT/help.txt" \
  && ok "--help" || bad "--help"
expect() { # expect CODE "message part" args...
  local code=$1 msg=$2; shift 2
  "$BIN" bmm "$@" >"$OUT/o.txt" 2>"$OUT/e.txt"; local rc=$?
  if [ "$rc" = "$code" ] && grep -qF -- "$msg" "$OUT/e.txt"; then ok "bmm $* -> $code"
  else bad "bmm $*: exit $rc (want $code), stderr: $(cat "$OUT/e.txt")"; fi
}
expect 2 "--k K is required" --mnist "$SAMPLE"
expect 2 "--k: 0 is out of range" --mnist "$SAMPLE" --k 0
expect 2 "--k: 'ten' is not an integer" --mnist "$SAMPLE" --k ten
expect 2 "--alpha must be > 0" --mnist "$SAMPLE" --k 3 --alpha 0
expect 2 "--alpha: 'nan' is not a finite number" --mnist "$SAMPLE" --k 3 --alpha nan
expect 2 "--gamma: 0.5 is out of range" --mnist "$SAMPLE" --k 3 --gamma 0.5
expect 2 "--threshold: 1.5 is out of range" --mnist "$SAMPLE" --k 3 --threshold 1.5
expect 2 "--init: 'kmeans' is not kmeans++ or random" --mnist "$SAMPLE" --k 3 --init kmeans
expect 2 "so --k must be 10 (got 7)" --mnist "$SAMPLE" --k 7 --labels-per-class 3
expect 2 "--init does not apply with --labels-per-class" --mnist "$SAMPLE" --labels-per-class 3 --init random
expect 1 "--n 9000: $SAMPLE has only 5000 training digits" --mnist "$SAMPLE" --k 3 --n 9000
expect 2 "k-means++ needs at least K digits" --mnist "$SAMPLE" --k 20 --n 10
expect 2 "--labels-per-class 60: 60 labelled digits per class asked, but class 0 has only 50 of the 500 images" --mnist "$SAMPLE" --labels-per-class 60 --n 500
expect 2 "--threads: 99 is out of range" --mnist "$SAMPLE" --k 3 --threads 99
expect 2 "--iters needs a value" --mnist "$SAMPLE" --k 3 --iters
expect 2 "unknown option '--frobnicate'" --mnist "$SAMPLE" --k 3 --frobnicate
expect 2 "unexpected argument 'extra'" --mnist "$SAMPLE" --k 3 extra

# 5. Data errors: exit 1 and a message naming the file or directory.
expect 1 "$OUT/nowhere" --mnist "$OUT/nowhere" --k 3
mkdir -p "$OUT/bad"
cp "$SAMPLE"/*.gz "$OUT/bad/"
printf 'not gzip' >"$OUT/bad/t10k-images-idx3-ubyte.gz"
expect 1 "t10k-images-idx3-ubyte.gz" --mnist "$OUT/bad" --k 3
: >"$OUT/file"
expect 1 "$OUT/file/x" --mnist "$SAMPLE" --k 2 --iters 1 --out-dir "$OUT/file/x"

exit $fail
