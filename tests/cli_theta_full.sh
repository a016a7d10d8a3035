#!/bin/bash
# cli_theta_full — `mixscope theta` and `mixscope nb` on the full MNIST
# (data/mnist: 60,000 + 10,000) against the independent NumPy reference
# (tests/ref/bernoulli_ref.py) to 1e-9 relative. Skipped (77) when data/mnist is
# absent (scripts/fetch-mnist.sh fetches it).
# usage: bash cli_theta_full.sh <mixscope> <source dir> <scratch dir>
set -u
BIN=$1; SRC=$2; OUT=$3
PY=/usr/bin/python3
FULL=$SRC/data/mnist
fail=0
ok()  { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
mkdir -p "$OUT"
if ! $PY -c 'import numpy' 2>/dev/null; then echo "no numpy for $PY: skipped"; exit 77; fi
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  if [ ! -f "$FULL/$f" ] && [ ! -f "$FULL/$f.gz" ]; then
    echo "full MNIST absent ($FULL/$f): skipped; run scripts/fetch-mnist.sh"; exit 77
  fi
done

while read -r cmd a; do
  if ! "$BIN" "$cmd" --mnist "$FULL" --alpha "$a" --json >"$OUT/got-$cmd-$a.json" 2>"$OUT/err.txt"; then
    bad "$cmd alpha=$a exited non-zero: $(cat "$OUT/err.txt")"; continue
  fi
  $PY "$SRC/tests/ref/bernoulli_ref.py" "$cmd" "$FULL" "$a" "$a" 0.5 0 >"$OUT/ref-$cmd-$a.json" || { bad "ref $cmd $a"; continue; }
  if $PY "$SRC/tests/ref/compare_json.py" "$OUT/ref-$cmd-$a.json" "$OUT/got-$cmd-$a.json"; then
    ok "full MNIST: $cmd alpha=beta=$a matches numpy"
  else
    bad "full MNIST: $cmd alpha=beta=$a differs from numpy"
  fi
done <<'CASES'
theta 0
theta 1
nb 1
nb 0
CASES
# The headline numbers, for the log.
$PY - "$OUT" <<'PYEOF'
import json, sys
d = sys.argv[1]
r = json.load(open(d + "/got-theta-0.json")); l = json.load(open(d + "/got-theta-1.json"))
n = json.load(open(d + "/got-nb-1.json")); z = json.load(open(d + "/got-nb-0.json"))
print("raw MLE: %d pixels with theta=0, %d infinite test images, %d culprit pixels, notes' formula %s"
      % (r["theta"]["zero_pixels"], r["test_nll"]["infinite_images"], r["culprit_pixels"], r["notes_formula"]["total"]))
print("Laplace: test NLL %.6f nats/image (%.6f bits); notes' formula per image %.6f"
      % (l["test_nll"]["mean_nats"], l["test_nll"]["mean_bits"], l["notes_formula"]["per_image"]))
print("naive Bayes Laplace accuracy %.4f; raw MLE accuracy %.4f with %d digits having no class possible"
      % (n["accuracy"], z["accuracy"], z["no_class_possible"]))
PYEOF
[ $fail = 0 ] && echo "cli_theta_full: all passed"
exit $fail
