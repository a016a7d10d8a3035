#!/bin/bash
# cli_theta — `mixscope theta` on the bundled sample against an independent NumPy
# computation (tests/ref/bernoulli_ref.py, compared to 1e-9 relative by
# tests/ref/compare_json.py), plus argument and data errors and their exit codes.
# usage: bash cli_theta.sh <mixscope> <source dir> <scratch dir>
set -u
BIN=$1; SRC=$2; OUT=$3
PY=/usr/bin/python3
SAMPLE=$SRC/assets/mnist-sample
fail=0
ok()  { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
mkdir -p "$OUT"
if ! $PY -c 'import numpy' 2>/dev/null; then echo "no numpy for $PY: skipped"; exit 77; fi

# 1. JSON against NumPy: raw MLE, Laplace, an asymmetric prior, another
#    threshold, MAP (interior, clamped and flat cases).
while read -r a b t m; do
  flag=""; [ "$m" = 1 ] && flag=--map
  tag="a=$a b=$b t=$t map=$m"
  if ! "$BIN" theta --mnist "$SAMPLE" --alpha "$a" --beta "$b" --threshold "$t" $flag --json \
      >"$OUT/got.json" 2>"$OUT/err.txt"; then
    bad "theta $tag exited non-zero: $(cat "$OUT/err.txt")"; continue
  fi
  $PY "$SRC/tests/ref/bernoulli_ref.py" theta "$SAMPLE" "$a" "$b" "$t" "$m" >"$OUT/ref.json" || { bad "ref $tag"; continue; }
  if $PY "$SRC/tests/ref/compare_json.py" "$OUT/ref.json" "$OUT/got.json"; then ok "theta $tag matches numpy"
  else bad "theta $tag differs from numpy"; fi
done <<'CASES'
0 0 0.5 0
1 1 0.5 0
2 5 0.5 0
1 1 0.3 0
0.01 0.01 0.5 0
0 0 0.5 1
0.5 0.5 0.5 1
1 1 0.5 1
3 3 0.7 1
CASES

# 2. The lecture's facts on the sample, stated independently of the C code:
#    raw θ has zero pixels, so the NLL is inf and the notes' formula is nan;
#    Laplace removes every zero and both become finite.
"$BIN" theta --mnist "$SAMPLE" --json >"$OUT/raw.json" 2>/dev/null
$PY - "$OUT/raw.json" <<'PYEOF' && ok "raw: inf NLL, nan notes' formula, labelled" || bad "raw facts"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["prior"]["a"] == 0 and j["prior"]["b"] == 0 and j["prior"]["label"] == "raw MLE", j["prior"]
assert j["theta"]["zero_pixels"] > 0
assert j["test_nll"]["mean_nats"] == "inf" and j["test_nll"]["infinite_images"] > 0
assert j["notes_formula"]["total"] == "nan"
assert "omits the (1-x)" in j["notes_formula"]["note"]
assert j["culprit_pixels"] == len(j["culprits"]) > 0
assert j["data"]["source"] == "--mnist" and j["data"]["train_images"] == 5000
PYEOF
"$BIN" theta --mnist "$SAMPLE" --alpha 1 --json >"$OUT/lap.json" 2>"$OUT/err.txt"
$PY - "$OUT/lap.json" <<'PYEOF' && ok "laplace: --beta defaults to --alpha, finite" || bad "laplace facts"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["prior"]["b"] == 1 and j["prior"]["label"] == "Laplace"
assert isinstance(j["test_nll"]["mean_nats"], float) and j["test_nll"]["infinite_images"] == 0
assert isinstance(j["notes_formula"]["total"], float)
assert j["notes_formula"]["total"] < j["test_nll"]["total_nats"]   # it drops the (1-x) terms
PYEOF
grep -q "data from $SAMPLE (--mnist)" "$OUT/err.txt" && ok "stderr names the data source" || bad "stderr source: $(cat "$OUT/err.txt")"

# 3. Text output.
"$BIN" theta --mnist "$SAMPLE" >"$OUT/raw.txt" 2>/dev/null
grep -q "test NLL per image: inf nats" "$OUT/raw.txt" && grep -q "notes' formula.*: nan" "$OUT/raw.txt" \
  && ok "text summary" || bad "text summary: $(cat "$OUT/raw.txt")"

# 4. --help and argument errors (exit 2, message names the option).
"$BIN" theta --help >"$OUT/help.txt" 2>&1; rc=$?
[ $rc = 0 ] && grep -q -- "--alpha" "$OUT/help.txt" && ok "--help" || bad "--help rc=$rc"
expect_rc() { # rc substring args...
  local want=$1 sub=$2; shift 2
  "$BIN" "$@" >"$OUT/o.txt" 2>"$OUT/e.txt"; local rc=$?
  if [ $rc = "$want" ] && grep -q -- "$sub" "$OUT/e.txt"; then ok "$* -> $rc"
  else bad "$* -> rc $rc (want $want), stderr: $(cat "$OUT/e.txt")"; fi
}
expect_rc 2 "--alpha: -1 is out of range" theta --alpha -1
expect_rc 2 "--alpha: 'x' is not a number" theta --alpha x
expect_rc 2 "--beta: 'inf' is not a finite number" theta --beta inf
expect_rc 2 "--threshold: 2 is out of range" theta --threshold 2
expect_rc 2 "unknown option '--bogus'" theta --bogus
expect_rc 2 "--alpha needs a value" theta --alpha
expect_rc 2 "unexpected argument 'extra'" theta extra

# 5. Data errors (exit 1, message names the directory / file and the problem).
expect_rc 1 "no such directory" theta --mnist "$OUT/nowhere"
mk_broken() { rm -rf "$OUT/broken"; mkdir -p "$OUT/broken"; cp "$SAMPLE"/*.gz "$OUT/broken/"; }
mk_broken
"$BIN" theta --mnist "$OUT/broken" >/dev/null 2>&1 && ok "a copy of the sample loads" || bad "copy of sample"
rm "$OUT/broken/t10k-labels-idx1-ubyte.gz"
expect_rc 1 "missing t10k-labels-idx1-ubyte" theta --mnist "$OUT/broken"
MIXSCOPE_DATA="$OUT/broken" expect_rc 1 "MIXSCOPE_DATA $OUT/broken: missing t10k-labels" theta
mk_broken   # a raw file is preferred over .gz: a truncated raw train-images
head -c 1000 <(gzip -dc "$SAMPLE/train-images-idx3-ubyte.gz") >"$OUT/broken/train-images-idx3-ubyte"
expect_rc 1 "train-images-idx3-ubyte: truncated: header says 5000x28x28 = 3920000 data bytes but the file has 984" theta --mnist "$OUT/broken"
mk_broken   # 999 test labels for 1000 test images
$PY -c 'import sys; sys.stdout.buffer.write(bytes([0,0,8,1,0,0,3,0xE7]) + bytes(999))' >"$OUT/broken/t10k-labels-idx1-ubyte"
expect_rc 1 "t10k-images-idx3-ubyte.gz has 1000 images but $OUT/broken/t10k-labels-idx1-ubyte has 999 labels" theta --mnist "$OUT/broken"
mk_broken   # a label of 12 at index 3
$PY -c 'import sys; sys.stdout.buffer.write(bytes([0,0,8,1,0,0,3,0xE8]) + bytes([1,2,3,12]) + bytes(996))' >"$OUT/broken/t10k-labels-idx1-ubyte"
expect_rc 1 "label 12 at index 3 is not a digit" theta --mnist "$OUT/broken"
mk_broken   # corrupt gzip: valid magic, garbage deflate data
printf '\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xde\xad\xbe\xef\xde\xad\xbe\xef' >"$OUT/broken/train-labels-idx1-ubyte.gz"
expect_rc 1 "train-labels-idx1-ubyte.gz: corrupt gzip stream" theta --mnist "$OUT/broken"
mk_broken   # wrong type byte (0x0D float)
$PY -c 'import sys; sys.stdout.buffer.write(bytes([0,0,0x0D,1,0,0,0,1,0,0,0,0]))' >"$OUT/broken/train-labels-idx1-ubyte"
expect_rc 1 "type byte is 0x0d (float)" theta --mnist "$OUT/broken"
mk_broken   # an empty file
: >"$OUT/broken/t10k-images-idx3-ubyte"
expect_rc 1 "t10k-images-idx3-ubyte: file is empty" theta --mnist "$OUT/broken"

[ $fail = 0 ] && echo "cli_theta: all passed"
exit $fail
