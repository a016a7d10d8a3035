#!/bin/bash
# Every command listed by `mixscope --help` accepts --json and prints one valid
# JSON document on stdout (python3 json.loads); pca --json against numpy
# (eigendecomposition of the covariance, N-1 denominator, as the PCA uses);
# export --json and its interrupt (Ctrl+C leaves an existing folder as it was).
# usage: bash cli_json_all.sh <mixscope> <source dir> <scratch dir>
set -u
BIN=$1
SRC=$2
OUT=$3
SAMPLE=$SRC/assets/mnist-sample
PY=/usr/bin/python3
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
mkdir -p "$OUT"
W=$(mktemp -d "$OUT/j.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

printf 'x,y\n0,0\n1,1\n5,5\n6,6\n' >p.csv
# the smallest useful invocation of each command (a new command in --help
# without a row here fails the test)
args_for() {
  case $1 in
  theta) echo "--mnist $SAMPLE" ;;
  nb) echo "--mnist $SAMPLE" ;;
  gmm) echo "--data p.csv --k 2" ;;
  pca) echo "--mnist $SAMPLE --digits 0,1 --n 50 --out pca.csv" ;;
  posterior) echo "--data 1,2" ;;
  bmm) echo "--mnist $SAMPLE --k 2 --iters 2 --n 200" ;;
  moe) echo "--iters 3 --n 100" ;;
  shot) echo "--view gmm --out s.png --size 320x240" ;;
  export) echo "--scene $SRC/assets/scenes/06-gmm-em.json --iters 1 --size 320x240 --out fr" ;;
  *) return 1 ;;
  esac
}
cmds=$("$BIN" --help | awk '/headless command/ {on = 1; next} on && /^  [a-z]+ / {print $1} on && /^$/ && n++ > 0 {on = 0}')
[ -n "$cmds" ] || bad "no commands found in mixscope --help"
for c in $cmds; do
  if ! a=$(args_for "$c"); then bad "$c: listed in --help but no invocation known here"; continue; fi
  # shellcheck disable=SC2086
  if timeout 120 "$BIN" "$c" $a --json >"$c.json" 2>"$c.err"; then
    if "$PY" -c "import json,sys; json.loads(open(sys.argv[1]).read())" "$c.json" 2>/dev/null; then
      ok "$c --json prints valid JSON"
    else bad "$c --json: not valid JSON: $(head -c 200 "$c.json")"; fi
  else bad "$c --json: exit $? $(head -2 "$c.err")"; fi
done

# pca --json against numpy
if "$PY" -c "import numpy" 2>/dev/null; then
  if "$PY" - "$SAMPLE" pca.json <<'PYEOF'; then ok "pca --json mean/components/variance/ratio match numpy"; else bad "pca --json differs from numpy"; fi
import gzip, json, sys
import numpy as np
S, path = sys.argv[1], sys.argv[2]
d = json.load(open(path))
im = np.frombuffer(gzip.open(S + '/train-images-idx3-ubyte.gz').read()[16:], np.uint8).reshape(-1, 784) / 255.0
lb = np.frombuffer(gzip.open(S + '/train-labels-idx1-ubyte.gz').read()[8:], np.uint8)
X = im[(lb == 0) | (lb == 1)][:50]
mu = X.mean(0)
w, V = np.linalg.eigh(np.cov(X.T))          # N-1 denominator
w, V = w[::-1], V[:, ::-1]
ok = d['rows_written'] == 50
ok &= np.abs(np.array(d['mean']) - mu).max() < 1e-12
ok &= np.allclose(d['explained_variance'], w[:2], rtol=1e-9)
ok &= np.allclose(d['explained_variance_ratio'], w[:2] / w.sum(), rtol=1e-9)
for i in range(2):
    ok &= abs(abs(np.dot(d['components'][i], V[:, i])) - 1) < 1e-9
print('rows', d['rows_written'], 'var', d['explained_variance'], 'numpy', w[:2])
sys.exit(0 if ok else 1)
PYEOF
else
  ok "numpy missing: pca numbers not checked"
fi
"$PY" -c "
import json; d = json.load(open('export.json'))
assert d['frames_written'] == 2 and len(d['frames']) == 2, d
assert [f['iteration'] for f in d['frames']] == [0, 1], d['frames']
assert all('loglik' in f for f in d['frames'])
" && ok "export --json: 2 frames, iterations 0 and 1 with loglik" || bad "export --json content"
[ "$(ls fr | wc -l)" = 2 ] && ok "export wrote 2 frames" || bad "export frames: $(ls fr)"
ls -d fr.tmp.* >/dev/null 2>&1 && bad "export left a temp folder" || ok "no temp folder left"

# Ctrl+C: the existing folder stays as it was, no temp folder, exit 130
mkdir keep && echo old >keep/frame_0000.png
"$BIN" export --scene "$SRC/assets/scenes/09-bmm.json" --iters 10000 --size 320x240 --out keep 2>int.err &
pid=$!
for _ in $(seq 1 100); do ls -d keep.tmp.* >/dev/null 2>&1 && [ -n "$(ls keep.tmp.* 2>/dev/null)" ] && break; sleep 0.1; done
kill -INT $pid
wait $pid
rc=$?
[ $rc = 130 ] && ok "interrupted export exits 130" || bad "interrupted export exit $rc: $(cat int.err)"
[ "$(cat keep/frame_0000.png)" = old ] && [ "$(ls keep | wc -l)" = 1 ] && ok "existing folder untouched" || bad "existing folder changed: $(ls keep)"
ls -d keep.tmp.* >/dev/null 2>&1 && bad "interrupted export left $(ls -d keep.tmp.*)" || ok "temp folder removed"
mkdir mixed && echo mine >mixed/notes.txt
timeout 60 "$BIN" export --scene "$SRC/assets/scenes/06-gmm-em.json" --iters 1 --size 320x240 --out mixed 2>mixed.err
rc=$?
[ $rc = 1 ] && grep -q "holds 'notes.txt'" mixed.err && [ -f mixed/notes.txt ] && ok "a folder with other files is refused" || bad "mixed folder: exit $rc $(cat mixed.err)"

# one rule for refusals: 2 = arguments that can never work, 1 = data that does not fit
expect() {
  local want=$1 sub=$2 what=$3 rc
  shift 3
  timeout 60 "$@" >o.txt 2>e.txt
  rc=$?
  if [ $rc = "$want" ] && grep -qF -- "$sub" e.txt; then ok "$what: exit $rc"
  else bad "$what: exit $rc (want $want): $(head -2 e.txt)"; fi
}
printf 'x,y\n0,0\n1,1\n' >two.csv
expect 1 "K = 3 components but only N = 2 points" "gmm K > N (data)" "$BIN" gmm --data two.csv --k 3
expect 2 "k-means++ needs at least K digits, --n is 10" "bmm --k > --n (arguments)" "$BIN" bmm --mnist "$SAMPLE" --k 20 --n 10
expect 1 "has only 5000 training digits" "bmm --n beyond the data" "$BIN" bmm --mnist "$SAMPLE" --k 2 --n 9000
expect 2 "--labelled 500 is more than the --n 100 rows" "pca --labelled > --n (arguments)" \
  "$BIN" pca --mnist "$SAMPLE" --n 100 --labelled 500 --out l.csv
# the sample has 5000 training digits; digit 0 is fewer than 5000 of them
expect 1 "rows of the chosen digits" "pca --labelled beyond the rows (data)" \
  "$BIN" pca --mnist "$SAMPLE" --digits 0 --labelled 5000 --out l.csv
[ ! -e l.csv ] && ok "nothing written on refusal" || bad "l.csv written despite refusal"
exit $fail
