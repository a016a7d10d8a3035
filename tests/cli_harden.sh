#!/bin/bash
# Hostile data sources, extreme numbers and output safety (issues 17 and 18)
# through the real CLI. Everything happens in the scratch dir; device nodes are
# made (root only) inside a fresh mktemp -d folder there and nowhere else.
# usage: bash cli_harden.sh <mixscope> <source dir> <scratch dir>
set -u
BIN=$1
SRC=$2
OUT=$3
SAMPLE=$SRC/assets/mnist-sample
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
mkdir -p "$OUT"
cd "$OUT" || exit 1
W=$(mktemp -d "$OUT/h.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
fail=0

ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

# expect RC SUBSTRING DESCRIPTION -- COMMAND... (10 s timeout: a hang is a failure)
expect() {
  local want=$1 sub=$2 what=$3 rc
  shift 4
  timeout 10 "$@" >out.txt 2>err.txt
  rc=$?
  if [ "$rc" -ne "$want" ]; then
    bad "$what: exit $rc, expected $want ($*)"; sed 's/^/     /' err.txt | head -3
  elif ! grep -qF -- "$sub" err.txt; then
    bad "$what: message lacks '$sub'"; sed 's/^/     /' err.txt | head -3
  else
    ok "$what: $(head -1 err.txt | head -c 150)"
  fi
}

# near NAME GOT WANT RELTOL
near() {
  if python3 -c "import sys; g,w,t=float(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); sys.exit(0 if abs(g-w)<=t*abs(w) else 1)" "$2" "$3" "$4"; then
    ok "$1 = $2 (exact $3)"
  else
    bad "$1 = $2, exact $3 (rel tol $4)"
  fi
}
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

printf 'x,y\n0,0\n1,1\n5,5\n6,6\n' >p.csv

# ---- issue 17.1 / 18.5: inputs are bounded regular files --------------------
ln -s /dev/zero z.csv
expect 1 "z.csv: is a character device, not a regular file" "endless source /dev/zero" -- \
  "$BIN" gmm --data z.csv --k 2
mkfifo f.csv
expect 1 "f.csv: is a FIFO (named pipe), not a regular file" "FIFO as data does not block" -- \
  "$BIN" gmm --data f.csv --k 2
mkdir d.csv
expect 1 "d.csv: is a directory, not a regular file" "directory as data" -- "$BIN" gmm --data d.csv --k 2
ln -s l2 l1; ln -s l1 l2
expect 1 "l1: is a symbolic link loop" "symlink loop as data" -- "$BIN" gmm --data l1 --k 2
mkfifo f.json
expect 1 "f.json: is a FIFO" "FIFO as init JSON" -- "$BIN" gmm --data p.csv --k 2 --init f.json
expect 1 "f.json: is a FIFO" "FIFO as scene" -- "$BIN" shot --scene f.json --out s.png
expect 1 "z.csv: is a character device" "device as MoE CSV" -- "$BIN" moe --data z.csv
# the text limit: 11 bytes allowed, p.csv has 20
MIXSCOPE_MAX_TEXT_BYTES=11 expect 1 "p.csv: larger than the 11 bytes limit for text input (set MIXSCOPE_MAX_TEXT_BYTES" \
  "text limit, overridden" -- env MIXSCOPE_MAX_TEXT_BYTES=11 "$BIN" gmm --data p.csv --k 2
# NUL as data arrives: "1,2\n3," is offsets 0..5, so the NUL is byte 6 on line 2
printf '1,2\n3,\0004\n' >nul.csv
expect 1 "nul.csv:2: contains a NUL byte at byte offset 6" "NUL byte offset" -- "$BIN" gmm --data nul.csv --k 1

# MNIST folder: each odd train-images named for what it is
for kind in dir fifo loop dev; do
  mkdir "m_$kind"
  for f in train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    ln -s "$SAMPLE/$f.gz" "m_$kind/$f.gz"
  done
done
mkdir m_dir/train-images-idx3-ubyte
mkfifo m_fifo/train-images-idx3-ubyte
ln -s a m_loop/b; ln -s b m_loop/a; ln -s a m_loop/train-images-idx3-ubyte
expect 1 "train-images-idx3-ubyte: is a directory, not a regular file" "MNIST file is a directory" -- "$BIN" theta --mnist m_dir
expect 1 "train-images-idx3-ubyte: is a FIFO" "MNIST file is a FIFO" -- "$BIN" theta --mnist m_fifo
expect 1 "train-images-idx3-ubyte: is a symbolic link loop" "MNIST file is a link loop" -- "$BIN" theta --mnist m_loop
if [ "$(id -u)" = 0 ] && mknod m_dev/train-images-idx3-ubyte c 1 5 2>/dev/null; then
  expect 1 "train-images-idx3-ubyte: is a character device" "MNIST file is a device" -- "$BIN" theta --mnist m_dev
else
  ok "MNIST device case skipped (mknod needs root)"
fi

# IDX limit, overridden: the sample's train images are 5000x28x28 = 3920000 bytes
expect 1 "need 3920000 bytes; the limit is 1048576 (1 MiB); set MIXSCOPE_MAX_IDX_BYTES" "IDX limit, overridden" -- \
  env MIXSCOPE_MAX_IDX_BYTES=1M "$BIN" theta --mnist "$SAMPLE"

# ---- issue 18.8: damaged .gz treated like raw trailing bytes ----------------
mk_gz() {
  local f
  mkdir -p "$1"
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte; do
    ln -sf "$SAMPLE/$f.gz" "$1/$f.gz"
  done
}
mk_gz gz_garbage; { cat "$SAMPLE/t10k-labels-idx1-ubyte.gz"; printf 'garbage!'; } >gz_garbage/t10k-labels-idx1-ubyte.gz
expect 1 "8 bytes of trailing garbage after the end of the gzip stream" ".gz trailing garbage" -- "$BIN" theta --mnist gz_garbage
mk_gz gz_notrailer; lab="$SAMPLE/t10k-labels-idx1-ubyte.gz"
head -c $(($(stat -c %s "$lab") - 8)) "$lab" >gz_notrailer/t10k-labels-idx1-ubyte.gz
expect 1 "ends before its CRC/size trailer" ".gz member without its trailer" -- "$BIN" theta --mnist gz_notrailer
mk_gz gz_multi; gzip -dc "$lab" >lab.raw
{ head -c 100 lab.raw | gzip -c; tail -c +101 lab.raw | gzip -c; } >gz_multi/t10k-labels-idx1-ubyte.gz
if timeout 20 "$BIN" theta --mnist gz_multi >/dev/null 2>err.txt; then ok "two concatenated gzip members load"
else bad "two concatenated gzip members: $(cat err.txt)"; fi

# ---- issue 18.7: BOM and CR-only line ends -----------------------------------
printf '\357\273\277x,y\r0,0\r1,1\r5,5\r6,6\r' >bomcr.csv
if timeout 10 "$BIN" gmm --data bomcr.csv --k 2 --json >bomcr.json 2>err.txt; then
  near "BOM + CR-only CSV: N" "$(jget bomcr.json "d['n']")" 4 0
else bad "BOM + CR-only CSV refused: $(cat err.txt)"; fi
printf '\357\273\277x,y\n0,0.1\n0.5,0.6\n1,0.9\n' >bom_moe.csv
if timeout 10 "$BIN" moe --data bom_moe.csv --k 1 --iters 5 >/dev/null 2>err.txt; then ok "moe accepts its x,y header after a BOM"
else bad "moe with BOM: $(cat err.txt)"; fi

# standard input through '-', with the same limit and NUL check
if printf 'x,y\n0,0\n1,1\n5,5\n6,6\n' | timeout 10 "$BIN" gmm --data - --k 2 --json >stdin.json 2>err.txt; then
  near "gmm --data - (stdin): N" "$(jget stdin.json "d['n']")" 4 0
else bad "gmm --data -: $(cat err.txt)"; fi
yes 1,2 | head -c 3000000 >big.txt
expect 1 "(standard input): larger than the 1 MiB limit for text input" "stdin beyond the limit" -- \
  sh -c "MIXSCOPE_MAX_TEXT_BYTES=1M '$BIN' gmm --data - --k 2 <big.txt"

# ---- issue 17.3 / 17.4: extreme posterior numbers ----------------------------
# Exact values (mpmath, 50 digits; prior alpha = 0, gamma^2 = 1 unless given):
#   log p = -(n/2) log(2 pi s2) - 1/2 log(1 + n g2/s2) - 1/2 [S/s2 + n (xbar-alpha)^2/(s2 + n g2)]
#   b2 = 1/(1/g2 + n/s2), a = b2 (alpha/g2 + sum x / s2)
# from mpmath import mp, mpf, log, pi; mp.dps = 50
post() { timeout 10 "$BIN" posterior "$@" --json >post.json 2>err.txt; }
if post --noise-var 3e-308 --data 1.5,1.5,1.5,1.5,1.5,1.5; then
  near "s2=3e-308 mean" "$(jget post.json "d['posterior']['mean']")" 1.5 1e-15
  near "s2=3e-308 var" "$(jget post.json "d['posterior']['var']")" 5e-309 1e-12  # subnormal: 12 digits
  near "s2=3e-308 log marginal" "$(jget post.json "d['log_marginal']")" 1762.7094799499028385 1e-14
else bad "posterior s2=3e-308: exit $? $(cat err.txt)"; fi
if post --noise-var 1e-300 --data 1.5,1.5,1.5; then
  near "s2=1e-300 var" "$(jget post.json "d['posterior']['var']")" 3.3333333333333333333e-301 1e-15
  near "s2=1e-300 log marginal" "$(jget post.json "d['log_marginal']")" 686.34440615426563213 1e-14
else bad "posterior s2=1e-300: exit $? $(cat err.txt)"; fi
if post --noise-var 1e300 --prior-var 1e-300 --data 1e300; then
  near "s2=1e300 g2=1e-300 mean" "$(jget post.json "d['posterior']['mean']")" 1e-300 1e-15
  near "s2=1e300 g2=1e-300 log marginal" "$(jget post.json "d['log_marginal']")" -5e299 1e-15
else bad "posterior s2=1e300: exit $? $(cat err.txt)"; fi
# subnormal 1e-308 is accepted and computed: log p = 1765.4560106715731127
if post --noise-var 1e-308 --data 1.5,1.5,1.5,1.5,1.5,1.5; then
  near "s2=1e-308 (subnormal) log marginal" "$(jget post.json "d['log_marginal']")" 1765.4560106715731127 1e-14
else bad "posterior subnormal s2: exit $? $(cat err.txt)"; fi
expect 2 "'1e-400' is too small to represent: it underflows to 0" "prior var underflowing to 0" -- \
  "$BIN" posterior --prior-var 1e-400 --data 1
expect 2 "'1e400' is too large to represent" "noise var overflowing" -- "$BIN" posterior --noise-var 1e400 --data 1
# b2 = 5e-324/4 = 1.2e-324 rounds to 0: not representable
expect 2 "posterior variance" "posterior variance underflows" -- "$BIN" posterior --noise-var 5e-324 --data 1,1,1,1
# S/s2 = 2e600/1e-300: log p ~ -1e900
expect 2 "log marginal likelihood is below -1.8e308" "log marginal beyond a double" -- \
  "$BIN" posterior --noise-var 1e-300 --data 1e300,-1e300

# ---- issue 18.1-18.3: outputs ------------------------------------------------
umask 022
"$BIN" gmm --data p.csv --k 2 --out new.json >/dev/null 2>&1
[ "$(stat -c %a new.json)" = 644 ] && ok "new gmm --out file is 0644 under umask 022" || bad "gmm --out mode $(stat -c %a new.json)"
(umask 077; "$BIN" gmm --data p.csv --k 2 --out new077.json >/dev/null 2>&1)
[ "$(stat -c %a new077.json)" = 600 ] && ok "new file is 0600 under umask 077" || bad "umask 077 mode $(stat -c %a new077.json)"
echo old >kept.json; chmod 640 kept.json
"$BIN" gmm --data p.csv --k 2 --out kept.json >/dev/null 2>&1
[ "$(stat -c %a kept.json)" = 640 ] && ok "an existing file keeps its mode 0640" || bad "existing mode now $(stat -c %a kept.json)"
mkdir tgt; echo old >tgt/real.json; ln -s tgt/real.json link.json
"$BIN" gmm --data p.csv --k 2 --out link.json >/dev/null 2>&1
if [ -L link.json ] && grep -q weights tgt/real.json && ! ls tgt | grep -q tmp; then ok "symlink output: link kept, target written"
else bad "symlink output: $(ls -l link.json tgt)"; fi
ln -s tgt/new-target.json dangling.json
"$BIN" gmm --data p.csv --k 2 --out dangling.json >/dev/null 2>&1
[ -L dangling.json ] && [ -f tgt/new-target.json ] && ok "dangling link: its target created" || bad "dangling link output"
ln -s o2 o1; ln -s o1 o2
expect 1 "o1: is a symbolic link loop; nothing written" "output link loop" -- "$BIN" gmm --data p.csv --k 2 --out o1
mkfifo outfifo
expect 1 "outfifo: is a FIFO (named pipe), not a regular file; refusing to replace it" "FIFO output refused" -- \
  "$BIN" gmm --data p.csv --k 2 --out outfifo
[ -p outfifo ] && ok "FIFO still a FIFO" || bad "FIFO replaced"
if [ "$(id -u)" = 0 ] && mknod nulldev c 1 3 2>/dev/null; then
  expect 1 "nulldev: is a character device, not a regular file; refusing to replace it" "device output refused" -- \
    "$BIN" gmm --data p.csv --k 2 --out nulldev
  [ -c nulldev ] && ok "device node still a device" || bad "device node replaced"
  expect 1 "nulldev: is a character device" "shot onto a device refused" -- "$BIN" shot --view gmm --out nulldev
  [ -c nulldev ] && ok "device node still a device after shot" || bad "device node replaced by shot"
else
  ok "device output cases skipped (mknod needs root)"
fi
"$BIN" gmm --data p.csv --k 2 --out - >stdout.txt 2>/dev/null
grep -q '"weights"' stdout.txt && ok "--out - writes to standard output" || bad "--out - did not reach stdout"

# ---- issue 18.6: strict scenes -------------------------------------------------
G=$SRC/assets/scenes/06-gmm-em.json
{ cat "$G"; printf '}x\n'; } >sc_trail.json
sz=$(stat -c %s "$G")
expect 1 "trailing garbage at byte offset $sz after the scene's JSON object" "scene trailing garbage" -- \
  "$BIN" shot --scene sc_trail.json --out s.png
python3 -c "
import sys; t = open(sys.argv[1]).read()
open('sc_dup.json', 'w').write(t.replace('\"k\": 3', '\"k\": 3, \"k\": 4', 1))" "$G"
expect 1 'field "state.k" appears twice' "scene duplicate key" -- "$BIN" shot --scene sc_dup.json --out s.png
printf '{"mixscope_scene": 1, "view": "gmm"\000}' >sc_nul.json
expect 1 "sc_nul.json:1: contains a NUL byte at byte offset 35" "scene NUL byte" -- "$BIN" shot --scene sc_nul.json --out s.png
python3 -c "open('sc_deep.json', 'w').write('[' * 100000 + ']' * 100000)"
expect 1 "nested too deep (limit 64 levels of arrays/objects) at byte offset 64" "scene 100k nested arrays" -- \
  "$BIN" shot --scene sc_deep.json --out s.png
sed 's#"data": *"bishop"#"data": "/dev/zero"#' "$SRC/assets/scenes/11-moe.json" >sc_zero.json
expect 1 'field "state.data": /dev/zero: is a character device' "scene state.data = /dev/zero" -- \
  "$BIN" shot --scene sc_zero.json --out s.png
sed 's#"data": *"bishop"#"data": "f.csv"#' "$SRC/assets/scenes/11-moe.json" >sc_fifo.json
expect 1 'field "state.data": f.csv: is a FIFO' "scene state.data = FIFO" -- "$BIN" shot --scene sc_fifo.json --out s.png
python3 -c "
import json, sys; d = json.load(open(sys.argv[1])); d['state']['draws'] = 1e9
json.dump(d, open('sc_draws.json', 'w'))" "$SRC/assets/scenes/08-posterior.json"
expect 1 'field "state.draws" must be a number in [0, 1e+06]' "posterior state.draws = 1e9" -- \
  "$BIN" shot --scene sc_draws.json --out s.png
python3 -c "
import json, sys; d = json.load(open(sys.argv[1])); d['state']['iters'] = 100000; d['state']['gate_steps'] = 1000
json.dump(d, open('sc_moe.json', 'w'))" "$SRC/assets/scenes/11-moe.json"
expect 1 'is more work than a scene may replay (at most 1e9)' "moe scene iters x gate_steps x n" -- \
  "$BIN" shot --scene sc_moe.json --out s.png

exit $fail
