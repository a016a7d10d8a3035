#!/bin/bash
# cli_nb — `mixscope nb` on the bundled sample against an independent NumPy naive
# Bayes (tests/ref/bernoulli_ref.py: accuracy, confusion matrix, class priors,
# "no class possible" counts, exact), plus argument / data errors.
# usage: bash cli_nb.sh <mixscope> <source dir> <scratch dir>
set -u
BIN=$1; SRC=$2; OUT=$3
PY=/usr/bin/python3
SAMPLE=$SRC/assets/mnist-sample
fail=0
ok()  { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
mkdir -p "$OUT"
if ! $PY -c 'import numpy' 2>/dev/null; then echo "no numpy for $PY: skipped"; exit 77; fi

while read -r a b t m; do
  flag=""; [ "$m" = 1 ] && flag=--map
  tag="a=$a b=$b t=$t map=$m"
  if ! "$BIN" nb --mnist "$SAMPLE" --alpha "$a" --beta "$b" --threshold "$t" $flag --json \
      >"$OUT/got.json" 2>"$OUT/err.txt"; then
    bad "nb $tag exited non-zero: $(cat "$OUT/err.txt")"; continue
  fi
  $PY "$SRC/tests/ref/bernoulli_ref.py" nb "$SAMPLE" "$a" "$b" "$t" "$m" >"$OUT/ref.json" || { bad "ref $tag"; continue; }
  if $PY "$SRC/tests/ref/compare_json.py" "$OUT/ref.json" "$OUT/got.json"; then ok "nb $tag matches numpy"
  else bad "nb $tag differs from numpy"; fi
done <<'CASES'
1 1 0.5 0
0 0 0.5 0
0.1 0.1 0.5 0
10 10 0.5 0
1 3 0.4 0
2 2 0.5 1
0 0 0.5 1
CASES

# Lecture facts: Laplace NB on the sample is a decent classifier; the default
# prior is Laplace; raw MLE leaves digits with no class possible.
"$BIN" nb --mnist "$SAMPLE" --json >"$OUT/lap.json" 2>/dev/null
"$BIN" nb --mnist "$SAMPLE" --alpha 0 --json >"$OUT/raw.json" 2>/dev/null
$PY - "$OUT/lap.json" "$OUT/raw.json" <<'PYEOF' && ok "default Laplace; raw has impossible digits" || bad "nb facts"
import json, sys
lap, raw = (json.load(open(p)) for p in sys.argv[1:3])
assert lap["prior"]["a"] == 1 and lap["prior"]["b"] == 1
assert 0.7 < lap["accuracy"] < 0.95 and lap["no_class_possible"] == 0
assert sum(map(sum, lap["confusion"])) == lap["test_images"] == 1000
assert raw["no_class_possible"] > 0
assert sum(map(sum, raw["confusion"])) + raw["no_class_possible"] == 1000
assert lap["confusion_layout"] == "confusion[true][predicted]"
PYEOF

"$BIN" nb --mnist "$SAMPLE" --alpha 0 >"$OUT/raw.txt" 2>/dev/null
grep -q "no class possible" "$OUT/raw.txt" && grep -q "confusion (rows: true digit" "$OUT/raw.txt" \
  && ok "text output" || bad "text output: $(cat "$OUT/raw.txt")"

"$BIN" nb --help >"$OUT/help.txt" 2>&1; rc=$?
[ $rc = 0 ] && grep -q "Naive Bayes" "$OUT/help.txt" && ok "--help" || bad "--help rc=$rc"
expect_rc() { # rc substring args...
  local want=$1 sub=$2; shift 2
  "$BIN" "$@" >"$OUT/o.txt" 2>"$OUT/e.txt"; local rc=$?
  if [ $rc = "$want" ] && grep -q -- "$sub" "$OUT/e.txt"; then ok "$* -> $rc"
  else bad "$* -> rc $rc (want $want), stderr: $(cat "$OUT/e.txt")"; fi
}
expect_rc 2 "--alpha: '1e' is not a number" nb --alpha 1e
expect_rc 2 "--beta: -0.5 is out of range" nb --beta -0.5
expect_rc 2 "--threshold needs a value" nb --threshold
expect_rc 2 "unknown option '--k'" nb --k 3
expect_rc 1 "no such directory" nb --mnist "$OUT/nowhere"
# A training set in which digit 3 never occurs: raw per-class θ is 0/0 there.
rm -rf "$OUT/no3"; mkdir -p "$OUT/no3"; cp "$SAMPLE"/t10k-* "$OUT/no3/"
$PY - "$SAMPLE" "$OUT/no3" <<'PYEOF'
import gzip, sys
src, dst = sys.argv[1:3]
im = gzip.open(src + "/train-images-idx3-ubyte.gz").read()
lb = gzip.open(src + "/train-labels-idx1-ubyte.gz").read()
keep = [i for i in range(5000) if lb[8 + i] != 3]
n = len(keep)
hdr = lambda nd, dims: bytes([0, 0, 8, nd]) + b"".join(d.to_bytes(4, "big") for d in dims)
open(dst + "/train-images-idx3-ubyte", "wb").write(hdr(3, [n, 28, 28]) + b"".join(im[16 + 784 * i:16 + 784 * (i + 1)] for i in keep))
open(dst + "/train-labels-idx1-ubyte", "wb").write(hdr(1, [n]) + bytes(lb[8 + i] for i in keep))
PYEOF
expect_rc 1 "digit 3 has no training images" nb --mnist "$OUT/no3" --alpha 0
"$BIN" nb --mnist "$OUT/no3" --json >"$OUT/no3.json" 2>/dev/null
$PY -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["log_class_prior"][3]=="-inf" and all(r[3]==0 for r in j["confusion"])' "$OUT/no3.json" \
  && ok "an absent digit gets log prior -inf and is never predicted" || bad "absent digit"

[ $fail = 0 ] && echo "cli_nb: all passed"
exit $fail
