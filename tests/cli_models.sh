#!/bin/bash
# Issue 16: covariance types, BIC/AIC, k-means and sampling through the CLI,
# against scikit-learn computed independently (tests/ref/models_check.py):
#  - gmm --covariance full|diag|spherical|tied from the same start and
#    reg_covar as GaussianMixture(covariance_type=...), 25 iterations, to 1e-8
#    (weights, means, covariances, bic(), aic()), on both kernel paths;
#  - n_params against the closed-form counts, --select-k rows and best choice;
#  - --init kmeans (select-k and one fit) against GaussianMixture's defaults;
#  - kmeans --init FILE against KMeans(algorithm='lloyd', n_init=1, init=centres);
#  - bad input: exit 2 (arguments) / 1 (file), message naming the option or
#    field, nothing written.
# usage: cli_models.sh <mixscope> <source dir> <scratch dir>
set -u
BIN=$1
SRC=$2
TMP=$3
PY=/usr/bin/python3
fails=0
checks=0

[ -x "$PY" ] || { echo "no /usr/bin/python3: skipped"; exit 77; }
$PY -c "import sklearn, numpy" 2>/dev/null || { echo "no scikit-learn: skipped"; exit 77; }
mkdir -p "$TMP"
cd "$TMP" || exit 1
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect() {
  local code=$1 pat=$2
  shift 3
  checks=$((checks + 1))
  "$@" >out.txt 2>err.txt
  local rc=$?
  if [ "$rc" != "$code" ]; then
    fail "exit $rc (want $code): $* -- stderr: $(cat err.txt)"
  elif [ -n "$pat" ] && ! grep -qF -- "$pat" err.txt; then
    fail "stderr of '$*' lacks '$pat': $(cat err.txt)"
  fi
}
D=$SRC/tests/data
CHECK=$SRC/tests/ref/models_check.py

# ---- covariance types vs GaussianMixture ---------------------------------
for case in gmm_blobs2d.csv:gmm_init3.json gmm_3d.csv:gmm_init3d.json; do
  IFS=: read -r csv init <<<"$case"
  for t in full diag spherical tied; do
    for simd in 0 1; do
      checks=$((checks + 1))
      if ! MX_NO_SIMD=$simd "$BIN" gmm --data "$D/$csv" --init "$D/$init" --covariance $t \
          --iters 25 --tol 0 --json >run.json 2>run.err; then
        fail "gmm --covariance $t on $csv: $(cat run.err)"
        continue
      fi
      $PY "$CHECK" cov run.json "$D/$csv" "$D/$init" $t || fail "$t on $csv (MX_NO_SIMD=$simd)"
    done
  done
done

# --out of a diag fit carries the type; reading it back keeps it (0 iterations)
checks=$((checks + 1))
"$BIN" gmm --data "$D/gmm_blobs2d.csv" --init "$D/gmm_init3.json" --covariance diag --iters 5 \
  --out diag.json >/dev/null 2>&1 || fail "--out diag"
"$BIN" gmm --data "$D/gmm_blobs2d.csv" --init diag.json --iters 0 --json >zero.json 2>/dev/null ||
  fail "--init diag.json"
$PY - <<PYEOF || fail "diag round trip"
import json
a = json.load(open("diag.json")); b = json.load(open("zero.json"))
assert a["covariance_type"] == "diag" and b["covariance_type"] == "diag", a
assert a == b["final"], (a, b["final"])
PYEOF

# ---- model selection -----------------------------------------------------
checks=$((checks + 1))
if "$BIN" gmm --data "$D/gmm_blobs2d.csv" --select-k 1:5 --restarts 2 --json >sel.json 2>sel.err
then
  $PY "$CHECK" select sel.json "$D/gmm_blobs2d.csv" || fail "select-k table"
  $PY -c "
import json; s = json.load(open('sel.json'))
assert len(s['fits']) == 20 and s['k_range'] == [1, 5] and s['restarts'] == 2, s['k_range']
" || fail "select-k shape"
else
  fail "select-k: $(cat sel.err)"
fi
checks=$((checks + 1))
"$BIN" gmm --data "$D/gmm_blobs2d.csv" --select-k 2:3 --covariance tied >sel.txt 2>&1 &&
  grep -q "^best by BIC: k = [23], tied" sel.txt && [ "$(grep -cE '^ +[0-9]+  tied' sel.txt)" = 2 ] ||
  fail "select-k text with one type: $(cat sel.txt)"

# ---- --init kmeans: scikit-learn's default start (its greedy k-means++ with
# NumPy RandomState draws, Lloyd, one M-step) -> the same fits as
# GaussianMixture(K, covariance_type=T, random_state=S) with its defaults:
# BIC of every fit to 1e-9 relative, iterations equal, the same best choice;
# and one JSON run of a single fit (n_iter, final means) to 1e-8.
checks=$((checks + 1))
if "$BIN" gmm --data "$D/gmm_blobs2d.csv" --select-k 1:4 --init kmeans --seed 3 --tol 1e-3 \
    --json >selkm.json 2>selkm.err; then
  $PY - "$D/gmm_blobs2d.csv" selkm.json <<'PYEOF' || fail "select-k --init kmeans vs sklearn"
import json, sys, warnings
import numpy as np
from sklearn.mixture import GaussianMixture
X = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
ours = json.load(open(sys.argv[2]))
bad = 0
best = None
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for f in ours["fits"]:
        gm = GaussianMixture(f["k"], covariance_type=f["covariance_type"], random_state=3,
                             tol=1e-3).fit(X)
        b = gm.bic(X)
        if abs(f["bic"] - b) > 1e-9 * abs(b) or f["n_iter"] != gm.n_iter_:
            print("differs:", f["k"], f["covariance_type"], f["bic"], b, f["n_iter"], gm.n_iter_)
            bad += 1
        if best is None or b < best[0]:
            best = (b, f["k"], f["covariance_type"])
bb = ours["best_bic"]
if (bb["k"], bb["covariance_type"]) != best[1:]:
    print("best differs:", bb, best)
    bad += 1
sys.exit(1 if bad else 0)
PYEOF
else
  fail "select-k --init kmeans: $(cat selkm.err)"
fi
checks=$((checks + 1))
if "$BIN" gmm --data "$D/gmm_blobs2d.csv" --k 3 --init kmeans --seed 7 --tol 1e-3 --covariance diag \
    --json >onekm.json 2>onekm.err; then
  $PY - "$D/gmm_blobs2d.csv" onekm.json <<'PYEOF' || fail "gmm --init kmeans vs sklearn"
import json, sys, warnings
import numpy as np
from sklearn.mixture import GaussianMixture
X = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
o = json.load(open(sys.argv[2]))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    gm = GaussianMixture(3, covariance_type="diag", random_state=7, tol=1e-3).fit(X)
ok = o["init"] == "kmeans" and o["n_iter"] == gm.n_iter_
ok = ok and np.allclose(np.array(o["final"]["means"]), gm.means_, rtol=0, atol=1e-8)
ok = ok and abs(o["bic"] - gm.bic(X)) < 1e-8 * abs(gm.bic(X))
if not ok:
    print(o["n_iter"], gm.n_iter_, o["final"]["means"], gm.means_.tolist())
sys.exit(0 if ok else 1)
PYEOF
else
  fail "gmm --init kmeans: $(cat onekm.err)"
fi

# ---- k-means vs sklearn KMeans -------------------------------------------
for case in gmm_blobs2d.csv:gmm_init3.json gmm_3d.csv:gmm_init3d.json; do
  IFS=: read -r csv init <<<"$case"
  checks=$((checks + 1))
  if "$BIN" kmeans --data "$D/$csv" --init "$D/$init" --json >km.json 2>km.err; then
    $PY "$CHECK" kmeans km.json "$D/$csv" "$D/$init" || fail "kmeans on $csv"
  else
    fail "kmeans on $csv: $(cat km.err)"
  fi
done
# seeded starts replay; kmeans++ and random give valid runs
checks=$((checks + 1))
"$BIN" kmeans --data "$D/gmm_blobs2d.csv" --k 3 --seed 7 --json >a.json 2>/dev/null &&
  "$BIN" kmeans --data "$D/gmm_blobs2d.csv" --k 3 --seed 7 --json >b.json 2>/dev/null &&
  cmp -s a.json b.json || fail "kmeans++ seed does not replay"
checks=$((checks + 1))
"$BIN" kmeans --data "$D/gmm_blobs2d.csv" --k 3 --init random --iters 50 >km.txt 2>&1 &&
  grep -q "inertia" km.txt || fail "kmeans --init random: $(cat km.txt)"

# ---- bad input -----------------------------------------------------------
B2=$D/gmm_blobs2d.csv
expect 2 "--covariance must be full, diag, spherical or tied, not 'banana'" -- \
  "$BIN" gmm --data "$B2" --k 3 --covariance banana
expect 2 "--select-k: range 5:2 is inverted" -- "$BIN" gmm --data "$B2" --select-k 5:2
expect 2 "--select-k: range 0:3 is outside 1..64" -- "$BIN" gmm --data "$B2" --select-k 0:3
expect 2 "--select-k: range 1:65 is outside 1..64" -- "$BIN" gmm --data "$B2" --select-k 1:65
expect 2 "--select-k: '1-8' is not a range" -- "$BIN" gmm --data "$B2" --select-k 1-8
expect 2 "--restarts needs --select-k" -- "$BIN" gmm --data "$B2" --k 2 --restarts 3
expect 2 "--restarts" -- "$BIN" gmm --data "$B2" --select-k 1:2 --restarts 0
printf 'x,y\n0,0\n1,2\n3,1\n' >three.csv
expect 1 "three.csv: K = 5 clusters but only N = 3 points" -- "$BIN" gmm --data three.csv --k 5 \
  --init kmeans
expect 2 "--select-k needs --init kmeans++, kmeans or random, not 'labels'" -- \
  "$BIN" gmm --data "$B2" --select-k 1:3 --init labels
expect 2 "--k K is required" -- "$BIN" kmeans --data "$B2"
expect 2 "--init must be kmeans++, random or a FILE.json" -- "$BIN" kmeans --data "$B2" --k 2 --init x
expect 2 "unknown option" -- "$BIN" kmeans --data "$B2" --k 2 --bogus
expect 1 "has means of dimension 3 but" -- "$BIN" kmeans --data "$B2" --init "$D/gmm_init3d.json"
expect 1 "has 3 means but --k is 2" -- "$BIN" kmeans --data "$B2" --init "$D/gmm_init3.json" --k 2
expect 1 "has means of dimension 3 but" -- "$BIN" gmm --data "$B2" --init "$D/gmm_init3d.json" \
  --covariance tied
printf '{"weights":[1],"means":[[0,0]],"covariances":[[[1,0],[0,1]]],"covariance_type":"round"}' \
  >badtype.json
expect 1 "badtype.json: covariance_type must be" -- "$BIN" gmm --data "$B2" --init badtype.json
rm -f never.json
expect 2 "--covariance" -- "$BIN" gmm --data "$B2" --k 2 --covariance x --out never.json
checks=$((checks + 1))
[ ! -e never.json ] || fail "a rejected run wrote never.json"

# ---- sampling (frequencies vs θ: tests/test_sample.c) ----------------------
MN="--mnist $SRC/assets/mnist-sample"
checks=$((checks + 1))
"$BIN" theta $MN --alpha 1 --sample 25 --sample-out t1.png --seed 4 >t.txt 2>/dev/null &&
  "$BIN" theta $MN --alpha 1 --sample 25 --sample-out t2.png --seed 4 >/dev/null 2>&1 &&
  "$BIN" theta $MN --alpha 1 --sample 25 --sample-out t3.png --seed 5 >/dev/null 2>&1 &&
  cmp -s t1.png t2.png && ! cmp -s t1.png t3.png && grep -q "sampled: 25 digits" t.txt ||
  fail "theta --sample: not written, not reproducible, or not seeded"
# 25 digits: 5 x 5 cells of 2 * 28 + 1 pixels, + 1
$PY -c "
import struct; b = open('t1.png','rb').read(); w, h = struct.unpack('>II', b[16:24])
assert b[:4] == b'\x89PNG' and (w, h) == (286, 286), (w, h)" || fail "theta sample PNG size"
checks=$((checks + 1))
"$BIN" bmm $MN --k 3 --n 500 --iters 2 --sample 30 --sample-out b1.png --json >b.json 2>/dev/null &&
  $PY -c "
import json; s = json.load(open('b.json'))['samples']
assert s['n'] == 30 and sum(s['per_component']) == 30 and len(s['per_component']) == 3, s" ||
  fail "bmm --sample"
rm -f no.png
expect 2 "--sample: 0 is out of range" -- "$BIN" theta $MN --sample 0 --sample-out no.png
expect 2 "--sample: 10001 is out of range" -- "$BIN" theta $MN --sample 10001 --sample-out no.png
expect 2 "--sample N needs --sample-out" -- "$BIN" theta $MN --sample 5
expect 2 "--sample-out needs --sample N" -- "$BIN" theta $MN --sample-out no.png
expect 2 "--sample: 0 is out of range" -- "$BIN" bmm $MN --k 2 --sample 0 --sample-out no.png
expect 2 "--sample: 10001 is out of range" -- "$BIN" bmm $MN --k 2 --sample 10001 --sample-out no.png
expect 2 "--sample N needs --sample-out" -- "$BIN" bmm $MN --k 2 --sample 3
expect 1 "no_such_dir" -- "$BIN" theta $MN --sample 3 --sample-out no_such_dir/x.png
checks=$((checks + 1))
[ ! -e no.png ] || fail "a rejected sampling run wrote no.png"

echo "$checks checks, $fails failures"
[ "$fails" = 0 ]
