#!/bin/bash
# mixscope pca: the written 2-D projection against numpy (eigendecomposition
# of the covariance of the same images, computed here by /usr/bin/python3),
# labels, --labelled, atomic output, and bad inputs -> exit codes.
# usage: cli_pca.sh <mixscope> <source dir> <scratch dir>
set -u
BIN=$1
SRC=$2
TMP=$3
PY=/usr/bin/python3
fails=0
checks=0

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
  elif [ -n "$pat" ] && ! grep -qF -- "$pat" err.txt out.txt; then
    fail "output of '$*' lacks '$pat': $(cat err.txt out.txt)"
  fi
}

SAMPLE=$SRC/assets/mnist-sample

expect 0 "wrote 300 points (300 labelled) of digits 3,8" -- "$BIN" pca --mnist "$SAMPLE" \
  --digits 3,8 --n 300 --out p38.csv
expect 0 "wrote 400 points (25 labelled) of digits 0,1,7" -- "$BIN" pca --mnist "$SAMPLE" \
  --digits 0,1,7 --n 400 --labelled 25 --seed 5 --out p017.csv

if "$PY" -c "import numpy" 2>/dev/null; then
  checks=$((checks + 1))
  "$PY" - "$SAMPLE" <<'EOF' || fail "projection differs from numpy"
import gzip, sys
import numpy as np
d = sys.argv[1]
img = gzip.open(d + "/train-images-idx3-ubyte.gz").read()
lab = gzip.open(d + "/train-labels-idx1-ubyte.gz").read()
X = np.frombuffer(img, np.uint8, offset=16).reshape(-1, 784).astype(float) / 255
y = np.frombuffer(lab, np.uint8, offset=8)
for name, digits, n in (("p38.csv", [3, 8], 300), ("p017.csv", [0, 1, 7], 400)):
    sel = np.where(np.isin(y, digits))[0][:n]
    Xs = X[sel]
    Xc = Xs - Xs.mean(0)
    w, V = np.linalg.eigh(Xc.T @ Xc / (len(Xs) - 1))
    V = V[:, ::-1][:, :2].T
    for r in V:
        if r[np.argmax(np.abs(r))] < 0:
            r *= -1
    want = Xc @ V.T
    rows = [l.split(",") for l in open(name).read().split("\n")[1:] if l]
    got = np.array([[float(a), float(b)] for a, b, _ in rows])
    labels = np.array([int(c) for _, _, c in rows])
    assert got.shape == want.shape, (got.shape, want.shape)
    err = np.max(np.abs(got - want))
    assert err < 1e-9, (name, err)
    truth = np.array([digits.index(v) for v in y[sel]])
    if name == "p38.csv":
        assert (labels == truth).all()
    else:
        keep = labels >= 0
        assert keep.sum() == 25 and (labels[keep] == truth[keep]).all() and (labels[~keep] == -1).all()
    print("%s: max |projection - numpy| = %.2e" % (name, err))
EOF
else
  echo "numpy not available in /usr/bin/python3: projection check skipped"
fi

# The CSV feeds straight into gmm (labels 0..K-1, semi-supervised).
expect 0 "" -- "$BIN" gmm --data p017.csv --k 3 --iters 5 --json
grep -q '"labelled":	25' out.txt || fail "gmm on pca output: $(head -c 300 out.txt)"

# ---- bad arguments ---------------------------------------------------------
expect 0 "usage: mixscope pca" -- "$BIN" pca --help
expect 2 "--out FILE.csv is required" -- "$BIN" pca --digits 1,2
expect 2 "--digits: digit 1 is listed twice" -- "$BIN" pca --digits 1,1 --out x.csv
expect 2 "--digits: 'a,b' is not a comma-separated list of digits 0-9" -- \
  "$BIN" pca --digits a,b --out x.csv
expect 2 "--digits: '1,' ends with a comma" -- "$BIN" pca --digits 1, --out x.csv
expect 2 "--digits: '12' is not a comma-separated list" -- "$BIN" pca --digits 12 --out x.csv
expect 2 "--n: 1 is out of range" -- "$BIN" pca --n 1 --out x.csv
expect 2 "unknown option '--bogus'" -- "$BIN" pca --bogus --out x.csv
# ---- bad data / output -----------------------------------------------------
expect 1 "/no/such/dir" -- "$BIN" pca --mnist /no/such/dir --out x.csv
echo keep >keep.csv
mkdir -p sub
expect 1 "nodir/out.csv" -- "$BIN" pca --mnist "$SAMPLE" --digits 0 --n 10 --out nodir/out.csv
[ "$(cat keep.csv)" = keep ] || fail "unrelated file touched"
# atomic: a failed write leaves the previous file intact
cp keep.csv sub/prev.csv
chmod 555 sub
if [ "$(id -u)" != 0 ]; then
  expect 1 "" -- "$BIN" pca --mnist "$SAMPLE" --digits 0 --n 10 --out sub/prev.csv
  [ "$(cat sub/prev.csv)" = keep ] || fail "failed write clobbered the old file"
fi
chmod 755 sub

echo "cli_pca: $checks checks, $fails failed"
[ "$fails" = 0 ]
