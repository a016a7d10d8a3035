#!/bin/bash
# Numerical edge cases for every EM through the real CLI (gmm, bmm, moe):
# duplicate / collinear / identical points, K > N, N = 1, coordinates at 1e-12
# and 1e+12, a component that empties, all-zero images, constant x. Each run
# must either fail cleanly (exit 1 or 2 with a message naming the problem) or
# succeed with no NaN anywhere in its JSON (parameters, log-likelihoods), and a
# collapse must be reported as one (JSON "collapses" with its reason + a
# warning on stderr). Expected numbers are hand calculations written beside
# each check. JSON is inspected with /usr/bin/python3 (skipped without it).
# usage: bash cli_edge.sh <mixscope> <source dir> <scratch dir>
set -u
BIN=$1
SRC=$2
OUT=$3
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "skip: $PY not found"; exit 77; }
mkdir -p "$OUT"
cd "$OUT" || exit 1
fail=0
n=0
ok() { n=$((n + 1)); echo "ok   $1"; }
bad() { n=$((n + 1)); echo "FAIL $1"; fail=1; }

# jcheck FILE DESCRIPTION PYTHON-EXPRESSION...: each expression (over the parsed
# JSON `d`, with helpers) must be true. Always also checks "no NaN anywhere".
jcheck() {
  local file=$1 what=$2
  shift 2
  if "$PY" - "$file" "$@" <<'EOF'; then ok "$what"; else bad "$what"; fi
import json, math, sys
d = json.load(open(sys.argv[1]))
def walk(x, path="$"):
    if isinstance(x, dict):
        for k, v in x.items(): yield from walk(v, path + "." + k)
    elif isinstance(x, list):
        for i, v in enumerate(x): yield from walk(v, "%s[%d]" % (path, i))
    else:
        yield path, x
def nans(x):
    return [p for p, v in walk(x) if v == "nan" or (isinstance(v, float) and math.isnan(v))]
def nonfinite(x):
    return [p for p, v in walk(x) if v in ("nan", "inf", "-inf") or (isinstance(v, float) and not math.isfinite(v))]
def near(a, b, tol=1e-9):
    return abs(a - b) <= tol * max(1.0, abs(b))
def nondecreasing(seq, tol=1e-9):
    return all(b >= a - tol * max(1.0, abs(a)) for a, b in zip(seq, seq[1:]))
ok = True
found = nans(d)
if found:
    print("   NaN at", ", ".join(found[:6]))
    ok = False
for expr in sys.argv[2:]:
    try:
        r = eval(expr)
    except Exception as e:
        r = False
        print("   %s raised %r" % (expr, e))
    if not r:
        print("   not true:", expr)
        ok = False
sys.exit(0 if ok else 1)
EOF
}

# run_json NAME CMD...: run with --json into NAME.json (stderr NAME.err); returns rc
run_json() {
  local name=$1
  shift
  "$@" --json >"$name.json" 2>"$name.err"
}
# expect_fail RC SUBSTRING DESCRIPTION CMD...
expect_fail() {
  local want=$1 sub=$2 what=$3 rc
  shift 3
  "$@" >fail.out 2>fail.err
  rc=$?
  if [ "$rc" -eq "$want" ] && grep -qF -- "$sub" fail.err; then ok "$what: $(head -1 fail.err)"
  else bad "$what: exit $rc (want $want), stderr: $(head -c 300 fail.err)"; fi
}

# ---- data --------------------------------------------------------------------
"$PY" - <<'EOF'
import random
rng = random.Random(7)
def w(name, rows, header="x,y"):
    with open(name, "w") as f:
        f.write(header + "\n")
        for r in rows:
            f.write(",".join(repr(float(v)) if isinstance(v, float) else str(v) for v in r) + "\n")
g = lambda: rng.gauss(0.0, 1.0)
w("dup.csv", [[0.0, 0.0]] * 5 + [[3.0, 3.0]] * 5 + [[g(), g()] for _ in range(10)])
t = [g() for _ in range(30)]
w("collinear.csv", [[a, 2.0 * a + 1.0] for a in t])
w("one.csv", [[1.5, -2.0]])
w("three.csv", [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
w("equal.csv", [[1.0, 1.0]] * 4)
w("tiny.csv", [[g() * 1e-12, g() * 1e-12] for _ in range(40)])
w("huge.csv", [[g() * 1e12, g() * 1e12] for _ in range(40)])
w("offset.csv", [[g() + 1e12, g() - 1e12] for _ in range(40)])
w("square.csv", [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, 0.5]])
w("semi.csv", [[g(), g(), 0] for _ in range(10)] + [[g() + 6, g(), -1] for _ in range(10)], "x,y,label")
w("far.csv", [[1e308, 1e308], [-1e308, -1e308], [1e308, 1e308]])
w("moe_constx.csv", [[0.5, rng.random()] for _ in range(50)], "x,t")
w("moe_constt.csv", [[rng.random(), 0.25] for _ in range(50)], "x,t")
w("moe_two.csv", [[0.1, 0.2], [0.3, 0.4]], "x,t")
EOF
printf '{"weights":[0.5,0.5],"means":[[0,0],[100,100]],"covariances":[[[1,0],[0,1]],[[0.01,0],[0,0.01]]]}\n' >empties.json
printf '{"weights":[0.5,0.5],"means":[[1e308,1e308],[-1e308,-1e308]],"covariances":[[[1,0.9],[0.9,1]],[[1,0.9],[0.9,1]]]}\n' >far_init.json

# ---- GMM -----------------------------------------------------------------------
for k in 2 5; do
  run_json dup$k "$BIN" gmm --data dup.csv --k $k
  [ $? -eq 0 ] && ok "gmm duplicate points K=$k runs" || bad "gmm duplicate points K=$k: $(cat dup$k.err)"
  jcheck dup$k.json "gmm duplicate points K=$k: no NaN, weights sum to 1" \
    "near(sum(d['final']['weights']), 1.0, 1e-12)" "not nonfinite(d['final'])"
done

run_json col "$BIN" gmm --data collinear.csv --k 2
jcheck col.json "gmm collinear points (reg 1e-6): no NaN, finite parameters" "not nonfinite(d['final'])" \
  "math.isfinite(d['final_loglik'])"
# reg 0: the M-step covariance of points on a line is singular -> a collapse, reported
run_json col0 "$BIN" gmm --data collinear.csv --k 2 --reg 0
jcheck col0.json "gmm collinear points, reg 0: collapse reported as 'not positive definite'" \
  "any('positive definite' in c['reason'] for c in d['collapses'])" \
  "not nonfinite(d['final'])"
grep -q "collapsed at iteration" col0.err && ok "gmm collinear reg 0: warning on stderr" ||
  bad "gmm collinear reg 0: no collapse warning on stderr"
run_json col1 "$BIN" gmm --data collinear.csv --k 1 --reg 0
jcheck col1.json "gmm collinear K=1 reg 0: collapse reported, previous (diagonal) covariance kept" \
  "d['collapses'][0]['component'] == 0" "not nonfinite(d['final'])" \
  "d['final']['covariances'][0][0][1] == 0"

expect_fail 1 "K = 5 components but only N = 3 points" "gmm K > N is refused" \
  "$BIN" gmm --data three.csv --k 5
expect_fail 1 "K = 2 components but only N = 1 point" "gmm N = 1 with K = 2 is refused" \
  "$BIN" gmm --data one.csv --k 2

# N = 1, K = 1: mean = the point, covariance = 0 + reg I = 1e-6 I, so
# log L = log N(0 | 0, 1e-6 I) = -log(2 pi) - 1/2 log(1e-12) = -1.8378770664093453 + 13.815510557964274
run_json one "$BIN" gmm --data one.csv --k 1
jcheck one.json "gmm N = 1, K = 1: mean is the point, cov 1e-6 I, log L = 11.977633491554929" \
  "d['final']['means'] == [[1.5, -2.0]]" \
  "near(d['final']['covariances'][0][0][0], 1e-6, 1e-12)" \
  "near(d['final_loglik'], 11.977633491554929, 1e-12)"

# all points equal: every component sits on the point with cov reg I; 4 points:
# log L = 4 * 11.977633491554929 = 47.910533966219716
run_json eq "$BIN" gmm --data equal.csv --k 2
jcheck eq.json "gmm all points equal: log L = 47.910533966219716, no NaN" \
  "near(d['final_loglik'], 47.910533966219716, 1e-12)" "not nonfinite(d['final'])"
expect_fail 1 "has zero variance and reg = 0" "gmm all points equal with reg 0 is refused (singular start)" \
  "$BIN" gmm --data equal.csv --k 2 --reg 0

# scale: 1e-12 (reg dominates the covariance) and 1e+12 (reg negligible)
for s in tiny huge offset; do
  for k in 2 5; do
    run_json $s$k "$BIN" gmm --data $s.csv --k $k
    rc=$?
    [ $rc -eq 0 ] && ok "gmm $s K=$k runs" || bad "gmm $s K=$k: exit $rc $(head -c 300 $s$k.err)"
    jcheck $s$k.json "gmm $s K=$k: finite parameters and log-likelihood; collapses carry a reason" \
      "not nonfinite(d['final'])" "math.isfinite(d['final_loglik'])" \
      "all(c['reason'] and c['component'] < $k for c in d['collapses'])" \
      "len(d['collapses']) == 0 or 'collapsed' in open('$s$k.err').read()"
  done
done

# a component that empties: component 1 starts at (100, 100) with cov 0.01 I,
# 1e4 standard deviations from every point, so N_1 = 0 at the first E-step:
# it collapses ('too few points'), keeps its mean, gets weight exactly 0; the
# other takes every point: mean (0.5, 0.5), variance 0.2 + reg (hand: the five
# points have x-variance (0.25*4 + 0)/5 = 0.2, covariance 0).
run_json emp "$BIN" gmm --data square.csv --init empties.json
jcheck emp.json "gmm emptied component: collapse 'too few points', weight 0, other fits all points" \
  "d['collapses'][0]['component'] == 1" "'too few points' in d['collapses'][0]['reason']" \
  "d['final']['weights'] == [1, 0]" "d['final']['means'][1] == [100, 100]" \
  "d['final']['means'][0] == [0.5, 0.5]" "near(d['final']['covariances'][0][0][0], 0.200001, 1e-12)" \
  "d['final']['covariances'][0][0][1] == 0"

# semi-supervised with a class that has no labelled point (K = 3, labels only 0)
run_json semi "$BIN" gmm --data semi.csv --k 3
jcheck semi.json "gmm semi-supervised, classes 1 and 2 unlabelled: no NaN" "not nonfinite(d['final'])"

# coordinates near the largest double: distances overflow to inf; the
# log-likelihood must be -inf or finite, never NaN
run_json far "$BIN" gmm --data far.csv --init far_init.json --iters 3
jcheck far.json "gmm coordinates at +-1e308: no NaN in log-likelihoods or parameters" "True"

# ---- BMM -----------------------------------------------------------------------
# an MNIST directory of all-zero images (200 train, 50 test; labels i mod 10)
mkdir -p zero
be32() { printf "\\$(printf %03o $(($1 >> 24 & 255)))\\$(printf %03o $(($1 >> 16 & 255)))\\$(printf %03o $(($1 >> 8 & 255)))\\$(printf %03o $(($1 & 255)))"; }
mkimg() { { printf '\000\000\010\003'; be32 "$1"; printf '\000\000\000\034\000\000\000\034'; head -c $(($1 * 784)) /dev/zero; } >"$2"; }
mklab() { { printf '\000\000\010\001'; be32 "$1"; for ((i = 0; i < $1; i++)); do printf "\\$(printf %03o $((i % 10)))"; done; } >"$2"; }
mkimg 200 zero/train-images-idx3-ubyte
mklab 200 zero/train-labels-idx1-ubyte
mkimg 50 zero/t10k-images-idx3-ubyte
mklab 50 zero/t10k-labels-idx1-ubyte
# every digit is identical, so every digit has the same responsibilities.
# k-means++ start: equal weights 1/K stay (a fixed point), so
# theta_kj = (S + A)/(N_k + 2A) = (0 + 1)/(40 + 2) = 1/42 (K = 5, A = 1) and
# log p(x) = 784 log(41/42) = -18.8924804... per digit (train and test).
run_json bzk "$BIN" bmm --mnist zero --k 5 --iters 5 --init kmeans++
jcheck bzk.json "bmm all-zero images (k-means++): log p = 784 log(41/42) per digit, no NaN" \
  "near(d['loglik_per_digit'], 784 * math.log(41 / 42), 1e-12)" \
  "near(d['test_loglik_per_digit'], 784 * math.log(41 / 42), 1e-12)" \
  "near(sum(d['weights']), 1.0, 1e-12)" "not nonfinite(d['weights'])"
# random start: unequal N_k, and a larger N_k gives a smaller theta = 1/(N_k + 2),
# so the largest component takes every digit: weights one-hot, theta = 1/202,
# log p(x) = 784 log(201/202) = -3.8908268... per digit.
run_json bzr "$BIN" bmm --mnist zero --k 5 --iters 20 --init random
jcheck bzr.json "bmm all-zero images (random start): one component takes all, log p = 784 log(201/202)" \
  "near(d['loglik_per_digit'], 784 * math.log(201 / 202), 1e-9)" \
  "sorted(d['weights'])[-1] == 1 and sum(d['weights']) == 1" "not nonfinite(d['weights'])"
run_json bzsemi "$BIN" bmm --mnist zero --labels-per-class 2 --iters 3
jcheck bzsemi.json "bmm all-zero images, semi-supervised: no NaN" "not nonfinite(d['weights'])"
expect_fail 2 "k-means++ needs at least K digits" "bmm K > N with k-means++ is refused" \
  "$BIN" bmm --k 20 --n 10 --iters 3
run_json bkn "$BIN" bmm --k 20 --n 10 --iters 3 --init random
jcheck bkn.json "bmm K = 20 > N = 10 (random start): weights sum to 1, no NaN, EM log-posterior non-decreasing" \
  "near(sum(d['weights']), 1.0, 1e-9)" "not nonfinite(d['weights'])" "nondecreasing(d['logpost'])"

# ---- MoE -----------------------------------------------------------------------
for k in 1 3; do
  run_json mcx$k "$BIN" moe --data moe_constx.csv --k $k --degree 2 --iters 50
  jcheck mcx$k.json "moe constant x, K=$k degree 2: no NaN, log-likelihood non-decreasing" \
    "nondecreasing(d['loglik'])" "math.isfinite(d['final_loglik'])"
  run_json mct$k "$BIN" moe --data moe_constt.csv --k $k --degree 1 --iters 50
  jcheck mct$k.json "moe constant t, K=$k: no NaN, variances stay positive" \
    "all(e['var'] > 0 for e in d['experts'])" "math.isfinite(d['final_loglik'])"
done
expect_fail 1 "need at least 3 points for polynomial degree 2, got 2" "moe with fewer points than coefficients is refused" \
  "$BIN" moe --data moe_two.csv --degree 2

echo "$n checks"
exit $fail
