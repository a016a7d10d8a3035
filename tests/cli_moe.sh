#!/bin/bash
# CLI test: mixscope moe. Usage: bash cli_moe.sh <mixscope> <source-dir> <scratch-dir>
set -u
BIN=$1
SCRATCH=$3
cd "$SCRATCH" || exit 1
fail=0
check() { local d=$1; shift; if "$@"; then echo "ok: $d"; else echo "FAIL: $d"; fail=1; fi; }
# Only the json module is needed; /usr/bin/python3 starts faster than the pyenv shim.
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; elif command -v python3 >/dev/null; then PY=python3
else echo "no python3: skipped"; exit 77; fi
jget() { $PY -c "import json,sys; d=json.load(open('$1')); print(repr($2))"; }
near() {
  $PY -c "import sys; v,e,t=map(float,sys.argv[1:4]); sys.exit(0 if abs(v-e)<=t*max(1,abs(e)) else 1)" "$1" "$2" "$3" ||
    { echo "  $1 != $2"; return 1; }
}

# Default run on Bishop's data: trajectory of iters+1 values, never decreasing,
# and far better than the single least-squares line on this one-to-many problem.
"$BIN" moe --n 500 --k 3 --iters 60 --seed 4 --json > a.json
check "exit 0" test $? -eq 0
check "trajectory length 61" test "$(jget a.json "len(d['loglik'])")" = 61
check "non-decreasing" $PY -c "
import json; l=json.load(open('a.json'))['loglik']
bad=[i for i in range(1,len(l)) if l[i] < l[i-1] - 1e-9*abs(l[0])]
assert not bad, bad"
check "3 experts, 2 coefs" test "$(jget a.json "[len(e['coef']) for e in d['experts']]")" = "[2, 2, 2]"
check "gate rows" test "$(jget a.json "len(d['gate'])")" = 3
check "beats the line" $PY -c "
import json; d=json.load(open('a.json')); assert d['final_loglik'] > d['baseline']['loglik'] + 100"
check "no GEM fallbacks" test "$(jget a.json "d['gem_fallbacks']")" = 0

# Seeded: the same seed replays exactly; another seed differs.
"$BIN" moe --n 500 --k 3 --iters 60 --seed 4 --json > b.json
check "replay identical" cmp -s a.json b.json
"$BIN" moe --n 500 --k 3 --iters 60 --seed 5 --json > c.json
check "other seed differs" bash -c "! cmp -s a.json c.json"

# K = 1 on a CSV is ordinary least squares. Hand values for (0,0), (1,1), (2,3):
#   slope = Sxt/Sxx = 3/2, intercept = 4/3 - 3/2 = -1/6, var = RSS/n = (1/6)/3 = 1/18,
#   loglik = -(3/2)(log(2 pi/18) + 1) = -0.0227305975...
printf 'x,t\n# three points\n0,0\n1,1\n2,3\n' > three.csv
"$BIN" moe --data three.csv --k 1 --iters 3 --json > k1.json
check "K=1 exit 0" test $? -eq 0
check "K=1 intercept" near "$(jget k1.json "d['experts'][0]['coef'][0]")" -0.16666666666666667 1e-12
check "K=1 slope" near "$(jget k1.json "d['experts'][0]['coef'][1]")" 1.5 1e-12
check "K=1 var" near "$(jget k1.json "d['experts'][0]['var']")" 0.055555555555555556 1e-12
LL=$($PY -c "import math; print(repr(-1.5*(math.log(2*math.pi/18)+1)))")
check "K=1 loglik" near "$(jget k1.json "d['final_loglik']")" "$LL" 1e-12
check "baseline = K=1" near "$(jget k1.json "d['baseline']['loglik']")" "$LL" 1e-12

# --write-data then --data gives the same fit as generating.
"$BIN" moe --n 300 --seed 9 --iters 20 --write-data gen.csv --json > g1.json
"$BIN" moe --data gen.csv --seed 9 --iters 20 --json > g2.json
check "written data round-trips" near "$(jget g2.json "d['final_loglik']")" "$(jget g1.json "d['final_loglik']")" 1e-12
check "csv has 301 lines" test "$(wc -l < gen.csv)" -eq 301

# --mdn: a mixture density network trained by Adam on the same data.
"$BIN" moe --mdn --n 300 --iters 400 --seed 3 --json > mdn.json
check "mdn exit 0" test $? -eq 0
check "mdn model" test "$(jget mdn.json "d['model']")" = "'mdn'"
check "mdn trajectory 401" test "$(jget mdn.json "len(d['loglik'])")" = 401
# parameters: W1 (H) + b1 (H) + W2 (3K x H) + b2 (3K) = 20 + 20 + 180 + 9
check "mdn theta size 229" test "$(jget mdn.json "len(d['theta'])")" = 229
check "mdn beats the line" $PY -c "
import json; d=json.load(open('mdn.json')); assert d['final_loglik'] > d['baseline']['loglik'] + 100, d['final_loglik']"
"$BIN" moe --mdn --n 300 --iters 400 --seed 3 --json > mdn2.json
check "mdn replay identical" cmp -s mdn.json mdn2.json

"$BIN" moe --help > h.txt
check "help exit 0" test $? -eq 0
check "help text" grep -q "usage: mixscope moe" h.txt
"$BIN" moe --n 200 --iters 5 > t.txt
check "text output" grep -q "baseline line: t =" t.txt

bad() { # bad EXIT EXPECTED-SUBSTRING ARGS...
  local want_rc=$1 want=$2; shift 2
  "$BIN" moe "$@" > /dev/null 2> err.txt
  local rc=$?
  if [ $rc -ne "$want_rc" ]; then echo "FAIL: '$*' exit $rc (want $want_rc): $(cat err.txt)"; fail=1; return; fi
  if ! grep -qF -- "$want" err.txt; then echo "FAIL: '$*' message: $(cat err.txt)"; fail=1; return; fi
  echo "ok: bad input '$*'"
}
bad 2 "--k: 9 is out of range [1, 8]" --k 9
bad 2 "--k: 0 is out of range" --k 0
bad 2 "--degree: 8 is out of range [0, 7]" --degree 8
bad 2 "--iters: 'ten' is not an integer" --iters ten
bad 2 "--n: 1 is out of range" --n 1
bad 2 "--n and --data cannot be combined" --n 10 --data three.csv
bad 2 "unknown option" --frobnicate
bad 2 "--degree applies to the EM experts, not to --mdn" --mdn --degree 3
bad 2 "--hidden: 0 is out of range [1, 256]" --mdn --hidden 0
bad 2 "--lr: 0 is out of range" --mdn --lr 0
printf 'x,t\n1,2\n3,zz\n' > badfield.csv
bad 1 "badfield.csv:3: field 2 (t) 'zz' is not a finite number" --data badfield.csv
printf '1,2\n3,4,5\n' > three_fields.csv
bad 1 "three_fields.csv:2: expected 2 comma-separated fields (x,t), found 3" --data three_fields.csv
printf 'x,t\n' > header_only.csv
bad 1 "header_only.csv: no data rows" --data header_only.csv
printf '1,2\n' > one.csv
bad 1 "one.csv: need at least 2 points for polynomial degree 1, got 1" --data one.csv
bad 1 "missing.csv" --data missing.csv
exit $fail
