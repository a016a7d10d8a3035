#!/bin/bash
# mixscope gmm: the JSON trajectory against the independent NumPy/SciPy
# reference (tests/ref/gmm_ref.py -> tests/ref/gmm_*.json, compared by
# tests/ref/gmm_compare.py to 1e-9), and bad inputs -> exit codes + messages.
# usage: cli_gmm.sh <mixscope> <source dir> <scratch dir>
set -u
BIN=$1
SRC=$2
TMP=$3
PY=/usr/bin/python3
fails=0
checks=0

[ -x "$PY" ] || { echo "no /usr/bin/python3: skipped"; exit 77; }
mkdir -p "$TMP"
cd "$TMP" || exit 1

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect CODE PATTERN -- command...: exit code CODE and stderr containing PATTERN
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
R=$SRC/tests/ref

# ---- trajectories against the reference ---------------------------------
for case in blobs2d:gmm_blobs2d.csv:gmm_init3.json semi2d:gmm_semi2d.csv:gmm_init3.json \
            3d:gmm_3d.csv:gmm_init3d.json; do
  IFS=: read -r name csv init <<<"$case"
  iters=$($PY -c "import json;print(json.load(open('$R/gmm_$name.json'))['n_iter'])")
  checks=$((checks + 1))
  if ! "$BIN" gmm --data "$D/$csv" --init "$D/$init" --iters "$iters" --tol 0 --json \
      >"$name.json" 2>"$name.err"; then
    fail "gmm on $csv: $(cat "$name.err")"
    continue
  fi
  checks=$((checks + 1))
  $PY "$R/gmm_compare.py" "$name.json" "$R/gmm_$name.json" 1e-9 || fail "trajectory $name"
done

# semi-supervised flag and count, plain flag
checks=$((checks + 1))
$PY - <<EOF || fail "semi/plain flags"
import json
s = json.load(open("semi2d.json")); p = json.load(open("blobs2d.json"))
assert s["semi_supervised"] is True and s["labelled"] == 15, (s["semi_supervised"], s["labelled"])
assert p["semi_supervised"] is False and p["labelled"] == 0
assert s["n"] == 90 and s["k"] == 3 and s["d"] == 2 and s["init"].endswith("gmm_init3.json")
assert p["converged"] is False and p["n_iter"] == 10 and p["collapses"] == []
# the log-likelihood never decreases along the run
for run in (s, p):
    ll = [it["loglik"] for it in run["iterations"]] + [run["final_loglik"]]
    assert all(b >= a - 1e-9 * abs(a) for a, b in zip(ll, ll[1:])), ll
EOF

# --out writes the final parameters in the init format: 0 iterations from it
# reproduce them exactly.
checks=$((checks + 1))
"$BIN" gmm --data "$D/gmm_blobs2d.csv" --init "$D/gmm_init3.json" --iters 7 --out fin.json \
  >/dev/null 2>&1 || fail "--out"
"$BIN" gmm --data "$D/gmm_blobs2d.csv" --init fin.json --iters 0 --json >zero.json 2>/dev/null ||
  fail "--init from --out"
$PY - <<EOF || fail "--out round trip"
import json
a = json.load(open("fin.json")); b = json.load(open("zero.json"))["final"]
assert a == b, (a, b)
EOF

# convergence: a tolerance stops the run early and says so
checks=$((checks + 1))
"$BIN" gmm --data "$D/gmm_blobs2d.csv" --k 3 --seed 4 --tol 1e-4 --iters 500 --json >conv.json \
  2>/dev/null || fail "converging run"
$PY -c "
import json; r = json.load(open('conv.json'))
assert r['converged'] is True and r['n_iter'] < 500 and len(r['iterations']) == r['n_iter'], r['n_iter']
ll = [it['loglik'] for it in r['iterations']]
assert abs(ll[-1] - ll[-2]) / r['n'] < 1e-4 and abs(ll[-2] - ll[-3]) / r['n'] >= 1e-4
assert r['init'] == 'kmeans++' and r['seed'] == 4
" || fail "convergence flag"

# the same seed replays exactly; another seed differs
checks=$((checks + 1))
"$BIN" gmm --data "$D/gmm_blobs2d.csv" --k 3 --init random --seed 9 --iters 5 --json >s1.json 2>&1
"$BIN" gmm --data "$D/gmm_blobs2d.csv" --k 3 --init random --seed 9 --iters 5 --json >s2.json 2>&1
"$BIN" gmm --data "$D/gmm_blobs2d.csv" --k 3 --init random --seed 10 --iters 5 --json >s3.json 2>&1
cmp -s s1.json s2.json || fail "same seed, different output"
cmp -s s1.json s3.json && fail "different seeds, same output"

# a collapsing component is reported, the run goes on, exit 0
cat >far.json <<EOF
{"weights":[0.999,0.001],"means":[[0,0],[1000,1000]],
 "covariances":[[[1,0],[0,1]],[[1,0],[0,1]]]}
EOF
expect 0 "component 1 collapsed at iteration 1" -- "$BIN" gmm --data "$D/gmm_blobs2d.csv" \
  --init far.json --iters 3 --json
checks=$((checks + 1))
$PY -c "
import json; r = json.load(open('out.txt'))
c = r['collapses']
assert len(c) == 3 and c[0]['component'] == 1 and c[0]['iter'] == 1, c
assert c[0]['reason'].startswith('too few points'), c
assert r['final']['means'][1] == [1000, 1000]
assert r['iterations'][0]['collapsed'][0]['component'] == 1
" || fail "collapse report"

# --init labels starts from the labelled class means (hand check: 5 labelled
# points per class in gmm_semi2d.csv; their means computed here from the file)
checks=$((checks + 1))
"$BIN" gmm --data "$D/gmm_semi2d.csv" --k 3 --init labels --iters 1 --json >lab0.json 2>&1 ||
  fail "--init labels: $(cat lab0.json)"
$PY - "$D/gmm_semi2d.csv" <<'EOF' || fail "--init labels means"
import json, sys
rows = [l.split(",") for l in open(sys.argv[1]).read().split("\n")[1:] if l]
r = json.load(open("lab0.json"))
assert r["init"] == "labels"
for k in range(3):
    pts = [(float(a), float(b)) for a, b, c in rows if c == str(k)]
    m = [sum(p[i] for p in pts) / len(pts) for i in range(2)]
    got = r["init_params"]["means"][k]
    assert all(abs(got[i] - m[i]) < 1e-12 for i in range(2)), (k, got, m)
EOF
expect 1 "gmm_blobs2d.csv: no labelled point to start from" -- "$BIN" gmm \
  --data "$D/gmm_blobs2d.csv" --k 3 --init labels

# ---- bad arguments: exit 2 -------------------------------------------------
expect 0 "" -- "$BIN" gmm --help
grep -q "usage: mixscope gmm" out.txt || fail "--help text"
expect 2 "--data FILE.csv is required" -- "$BIN" gmm --k 2
expect 2 "--k K is required with --init kmeans++" -- "$BIN" gmm --data "$D/gmm_blobs2d.csv"
expect 2 "--k: 0 is out of range [1, 64]" -- "$BIN" gmm --data x.csv --k 0
expect 2 "--k: 'abc' is not an integer" -- "$BIN" gmm --data x.csv --k abc
expect 2 "--tol: -1 is out of range" -- "$BIN" gmm --data x.csv --k 2 --tol -1
expect 2 "--reg: 'nan' is not a finite number" -- "$BIN" gmm --data x.csv --k 2 --reg nan
expect 2 "--init must be kmeans++, random, labels, kmeans or a FILE.json, not 'kmeans+'" -- \
  "$BIN" gmm --data x.csv --k 2 --init kmeans+
expect 2 "unknown option '--bogus'" -- "$BIN" gmm --data x.csv --k 2 --bogus
expect 2 "--iters needs a value" -- "$BIN" gmm --data x.csv --k 2 --iters
expect 2 "unexpected argument 'extra'" -- "$BIN" gmm --data x.csv --k 2 extra
grep -q "Try 'mixscope gmm --help'" err.txt || fail "usage hint"

# ---- bad data: exit 1, message names file and line / field -----------------
expect 1 "missing.csv" -- "$BIN" gmm --data missing.csv --k 2
printf 'x,y\n1,2\n3,oops\n' >bad.csv
expect 1 "bad.csv:3: field 2 ('oops') is not a number" -- "$BIN" gmm --data bad.csv --k 2
printf '1,2\n3,4\n5,6,7,8\n' >ragged.csv
expect 1 "ragged.csv:3: 4 fields, expected 2 (as on line 1)" -- "$BIN" gmm --data ragged.csv --k 1
printf '1,2\ninf,4\n' >inf.csv
expect 1 "inf.csv:2: field 1 ('inf') is not a finite number" -- "$BIN" gmm --data inf.csv --k 1
: >empty.csv
expect 1 "empty.csv: empty file" -- "$BIN" gmm --data empty.csv --k 1
printf 'x,y,label\n1,2,0\n3,4,2\n5,6,\n' >lab.csv
expect 1 "lab.csv:3: label 2 out of range 0..1 (K = 2; -1 or empty = unlabelled)" -- \
  "$BIN" gmm --data lab.csv --k 2
printf '1,2\n3,4\n' >two.csv
expect 1 "two.csv: K = 3 components but only N = 2 points" -- "$BIN" gmm --data two.csv --k 3
printf '{"weights":[0.5,0.5],"means":[[0,0],[1]],"covariances":[[[1,0],[0,1]],[[1,0],[0,1]]]}' \
  >shape.json
expect 1 "shape.json: means[1] has 1 entry, expected 2" -- "$BIN" gmm --data two.csv \
  --init shape.json
printf '{"weights":[0.5,0.6],"means":[[0,0],[1,1]],"covariances":[[[1,0],[0,1]],[[1,0],[0,1]]]}' \
  >sum.json
expect 1 "sum.json: weights sum to 1.1, not 1 (tolerance 1e-6)" -- "$BIN" gmm --data two.csv \
  --init sum.json
printf '{"weights":[1],"means":[[0,0]],"covariances":[[[1,2],[2,1]]]}' >npd.json
expect 1 "npd.json: covariances[0] is not positive definite" -- "$BIN" gmm --data two.csv \
  --init npd.json
printf '{"weights":[1],"means":[[0,0]],"covariances":[[[1,0],[0,1]]' >trunc.json
expect 1 "trunc.json:1:" -- "$BIN" gmm --data two.csv --init trunc.json
expect 1 "has 3 components but --k is 2" -- "$BIN" gmm --data "$D/gmm_blobs2d.csv" \
  --init "$D/gmm_init3.json" --k 2
expect 1 "has means of dimension 3 but" -- "$BIN" gmm --data "$D/gmm_blobs2d.csv" \
  --init "$D/gmm_init3d.json"
printf '1,2\n1,3\n' >flat.csv
expect 1 "flat.csv: coordinate 1 has zero variance and reg = 0" -- "$BIN" gmm --data flat.csv \
  --k 1 --reg 0

echo "cli_gmm: $checks checks, $fails failed"
[ "$fails" = 0 ]
