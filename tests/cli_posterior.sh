#!/bin/bash
# CLI test: mixscope posterior. Usage: bash cli_posterior.sh <mixscope> <source-dir> <scratch-dir>
# Expected numbers are worked by hand in the comments.
set -u
BIN=$1
SCRATCH=$3
cd "$SCRATCH" || exit 1
fail=0
check() { # check DESCRIPTION COMMAND...
  local d=$1; shift
  if "$@"; then echo "ok: $d"; else echo "FAIL: $d"; fail=1; fi
}
# Only the json module is needed; /usr/bin/python3 starts faster than the pyenv shim.
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; elif command -v python3 >/dev/null; then PY=python3
else echo "no python3: skipped"; exit 77; fi
jget() { $PY -c "import json,sys; d=json.load(open('$1')); print(repr($2))"; }
near() { # near VALUE EXPECTED TOL
  $PY -c "import sys; v,e,t=map(float,sys.argv[1:4]); sys.exit(0 if abs(v-e)<=t*max(1,abs(e)) else 1)" "$1" "$2" "$3" ||
    { echo "  $1 != $2"; return 1; }
}

# alpha=0, gamma^2=1, sigma^2=1, data 1,2:
#   1/b^2 = 1 + 2 = 3 -> b^2 = 1/3; a = (1/3)(0 + 3) = 1
#   after x1=1: 1/b^2 = 2 -> b^2 = 1/2, a = 1/2
#   likelihood N(1.5, 0.5); predictive N(1, 4/3)
#   log p(x) = -log(2 pi) - log(3)/2 - 1 = -3.387183210743...
"$BIN" posterior --prior-mean 0 --prior-var 1 --noise-var 1 --data 1,2 --json > p.json
check "exit 0" test $? -eq 0
check "a = 1" near "$(jget p.json "d['posterior']['mean']")" 1 1e-14
check "b2 = 1/3" near "$(jget p.json "d['posterior']['var']")" 0.333333333333333333 1e-14
check "precision 3" near "$(jget p.json "d['posterior']['precision']")" 3 1e-14
check "seq[0] mean 1/2" near "$(jget p.json "d['sequence'][0]['mean']")" 0.5 1e-14
check "seq[0] var 1/2" near "$(jget p.json "d['sequence'][0]['var']")" 0.5 1e-14
check "seq[1] = batch" near "$(jget p.json "d['sequence'][1]['mean']")" 1 1e-14
check "seq length 2" test "$(jget p.json "len(d['sequence'])")" = 2
check "likelihood mean 1.5" near "$(jget p.json "d['likelihood']['mean']")" 1.5 1e-14
check "likelihood var 0.5" near "$(jget p.json "d['likelihood']['var']")" 0.5 1e-14
check "predictive var 4/3" near "$(jget p.json "d['predictive']['var']")" 1.3333333333333333 1e-14
check "log marginal" near "$(jget p.json "d['log_marginal']")" -3.3871832107434003 1e-12

# alpha=2, gamma^2=4, sigma^2=1, data 3: 1/b^2 = 1/4 + 1 -> b^2 = 0.8; a = 0.8(0.5 + 3) = 2.8
"$BIN" posterior --prior-mean 2 --prior-var 4 --noise-var 1 --data 3 --json > q.json
check "a = 2.8" near "$(jget q.json "d['posterior']['mean']")" 2.8 1e-14
check "b2 = 0.8" near "$(jget q.json "d['posterior']['var']")" 0.8 1e-14
check "prior weight 0.2" near "$(jget q.json "d['prior_weight']")" 0.2 1e-14

# Empty list: the posterior is the prior; likelihood is null.
"$BIN" posterior --prior-mean 2 --prior-var 4 --data "" --json > e.json
check "empty list ok" test $? -eq 0
check "empty: a = alpha" near "$(jget e.json "d['posterior']['mean']")" 2 0
check "empty: likelihood null" test "$(jget e.json "d['likelihood']")" = None

# Text output shows the formula line.
"$BIN" posterior --data 1,2 > t.txt
check "text formula" grep -q "1/b^2 = 1/gamma^2 + n/sigma^2 = 1 + 2/1 = 3" t.txt

# --help
"$BIN" posterior --help > h.txt
check "help exit 0" test $? -eq 0
check "help text" grep -q "usage: mixscope posterior" h.txt

# Bad input: exit 2 with a message naming the problem.
bad() { # bad EXPECTED-SUBSTRING ARGS...
  local want=$1; shift
  "$BIN" posterior "$@" > /dev/null 2> err.txt
  local rc=$?
  if [ $rc -ne 2 ]; then echo "FAIL: '$*' exit $rc (want 2)"; fail=1; return; fi
  if ! grep -qF -- "$want" err.txt; then echo "FAIL: '$*' message: $(cat err.txt)"; fail=1; return; fi
  echo "ok: bad input '$*'"
}
bad "--noise-var: a variance must be positive, got 0" --data 1 --noise-var 0
bad "--prior-var: a variance must be positive, got -2" --data 1 --prior-var -2
bad "--prior-var: 'abc' is not a number" --data 1 --prior-var abc
bad "--noise-var: 'inf' is not a finite number" --data 1 --noise-var inf
bad "--data: value 2 is empty" --data 1,,2
bad "--data: value 3 ('x') is not a finite number" --data 1,2,x
bad "--data: value 3 is empty" --data 1,2,
bad "--data: value 1 ('nan') is not a finite number" --data nan
bad "--data is required" --prior-var 1
bad "unknown option" --data 1 --bogus
bad "unexpected argument 'extra'" --data 1 extra
exit $fail
