#!/bin/bash
# The views' number options (--set KEY=VALUE) after the double parsers became
# one (mx_view_parse_double, views/view.c): every case's exit code and message
# is byte for byte what the separate parsers gave (recorded with the binary
# before the change, on the bundled sample). Edge cases: empty, junk, trailing
# junk, NaN, +-inf, a value that underflows to 0 (1e-400: refused where the
# bound is open, (0, x]: moe lr, posterior variances; taken where it is
# closed) and a subnormal (4.9e-324, > 0: taken).
# usage: bash cli_view_numbers.sh <mixscope> <source dir> <scratch dir>
set -u
BIN=$1
SRC=$2
OUT=$3
mkdir -p "$OUT"
cd "$OUT" || exit 1
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
fail=0
n=0
# case VIEW KEY VALUE RC MESSAGE
case_() {
  local got rc
  got=$("$BIN" shot --mnist "$SRC/assets/mnist-sample" --view "$1" --set "$2=$3" --out x.png 2>&1 >/dev/null)
  rc=$?
  n=$((n + 1))
  if [ "$rc" != "$4" ] || [ "$got" != "$5" ]; then
    echo "FAIL $1 $2=$3: exit $rc (want $4)"
    echo "  got:  $got"
    echo "  want: $5"
    fail=1
  fi
}

case_ bmm alpha '' 2 "$(printf '%s\n%s' 'mixscope shot: --set alpha=: bmm: alpha=: expected a number in [1e-6, 1e6]' 'Try '\''mixscope shot --help'\''.')"
case_ bmm alpha 'abc' 2 "$(printf '%s\n%s' 'mixscope shot: --set alpha=abc: bmm: alpha=abc: expected a number in [1e-6, 1e6]' 'Try '\''mixscope shot --help'\''.')"
case_ bmm alpha '1e-7' 2 "$(printf '%s\n%s' 'mixscope shot: --set alpha=1e-7: bmm: alpha=1e-7: expected a number in [1e-6, 1e6]' 'Try '\''mixscope shot --help'\''.')"
case_ bmm alpha '1e-400' 2 "$(printf '%s\n%s' 'mixscope shot: --set alpha=1e-400: bmm: alpha=1e-400: expected a number in [1e-6, 1e6]' 'Try '\''mixscope shot --help'\''.')"
case_ bmm alpha 'inf' 2 "$(printf '%s\n%s' 'mixscope shot: --set alpha=inf: bmm: alpha=inf: expected a number in [1e-6, 1e6]' 'Try '\''mixscope shot --help'\''.')"
case_ bmm alpha 'nan' 2 "$(printf '%s\n%s' 'mixscope shot: --set alpha=nan: bmm: alpha=nan: expected a number in [1e-6, 1e6]' 'Try '\''mixscope shot --help'\''.')"
case_ bmm alpha '0.5x' 2 "$(printf '%s\n%s' 'mixscope shot: --set alpha=0.5x: bmm: alpha=0.5x: expected a number in [1e-6, 1e6]' 'Try '\''mixscope shot --help'\''.')"
case_ bmm alpha '1e6' 0 ''
case_ bmm threshold '1' 2 "$(printf '%s\n%s' 'mixscope shot: --set threshold=1: bmm: threshold=1: expected a number in [0, 0.999]' 'Try '\''mixscope shot --help'\''.')"
case_ bmm threshold '-1e-400' 0 ''
case_ bmm threshold '0x1p-1' 0 ''
case_ bmm threshold '0.999' 0 ''
case_ theta prior '-1' 2 "$(printf '%s\n%s' 'mixscope shot: --set prior=-1: theta: prior must be a number in [0, 10000], '\''raw'\'' or '\''laplace'\'', not '\''-1'\''' 'Try '\''mixscope shot --help'\''.')"
case_ theta prior '1e-400' 0 ''
case_ theta prior '1e5' 2 "$(printf '%s\n%s' 'mixscope shot: --set prior=1e5: theta: prior must be a number in [0, 10000], '\''raw'\'' or '\''laplace'\'', not '\''1e5'\''' 'Try '\''mixscope shot --help'\''.')"
case_ theta prior 'x' 2 "$(printf '%s\n%s' 'mixscope shot: --set prior=x: theta: prior must be a number in [0, 10000], '\''raw'\'' or '\''laplace'\'', not '\''x'\''' 'Try '\''mixscope shot --help'\''.')"
case_ theta prior ' 2' 0 ''
case_ theta threshold '1.5' 2 "$(printf '%s\n%s' 'mixscope shot: --set threshold=1.5: theta: threshold must be a number in [0, 1], not '\''1.5'\''' 'Try '\''mixscope shot --help'\''.')"
case_ theta threshold '1e-400' 0 ''
case_ theta threshold 'nan' 2 "$(printf '%s\n%s' 'mixscope shot: --set threshold=nan: theta: threshold must be a number in [0, 1], not '\''nan'\''' 'Try '\''mixscope shot --help'\''.')"
case_ theta digit '3.5' 2 "$(printf '%s\n%s' 'mixscope shot: --set digit=3.5: theta: digit must be a test index 0-999 or '\''impossible'\'', not '\''3.5'\''' 'Try '\''mixscope shot --help'\''.')"
case_ theta digit '-0' 0 ''
case_ theta digit '1e9' 2 "$(printf '%s\n%s' 'mixscope shot: --set digit=1e9: theta: digit must be a test index 0-999 or '\''impossible'\'', not '\''1e9'\''' 'Try '\''mixscope shot --help'\''.')"
case_ digits threshold '' 2 "$(printf '%s\n%s' 'mixscope shot: --set threshold=: digits: threshold must be a number in [0, 1], not '\'''\''' 'Try '\''mixscope shot --help'\''.')"
case_ digits threshold '2' 2 "$(printf '%s\n%s' 'mixscope shot: --set threshold=2: digits: threshold must be a number in [0, 1], not '\''2'\''' 'Try '\''mixscope shot --help'\''.')"
case_ digits threshold 'nan' 2 "$(printf '%s\n%s' 'mixscope shot: --set threshold=nan: digits: threshold must be a number in [0, 1], not '\''nan'\''' 'Try '\''mixscope shot --help'\''.')"
case_ digits threshold '1e-400' 0 ''
case_ digits threshold '-inf' 2 "$(printf '%s\n%s' 'mixscope shot: --set threshold=-inf: digits: threshold must be a number in [0, 1], not '\''-inf'\''' 'Try '\''mixscope shot --help'\''.')"
case_ gmm reg '' 2 "$(printf '%s\n%s' 'mixscope shot: --set reg=: gmm: reg=: expected a number in [0, 1000]' 'Try '\''mixscope shot --help'\''.')"
case_ gmm reg '-1' 2 "$(printf '%s\n%s' 'mixscope shot: --set reg=-1: gmm: reg=-1: expected a number in [0, 1000]' 'Try '\''mixscope shot --help'\''.')"
case_ gmm reg '1e4' 2 "$(printf '%s\n%s' 'mixscope shot: --set reg=1e4: gmm: reg=1e4: expected a number in [0, 1000]' 'Try '\''mixscope shot --help'\''.')"
case_ gmm reg 'nan' 2 "$(printf '%s\n%s' 'mixscope shot: --set reg=nan: gmm: reg=nan: expected a number in [0, 1000]' 'Try '\''mixscope shot --help'\''.')"
case_ gmm reg 'inf' 2 "$(printf '%s\n%s' 'mixscope shot: --set reg=inf: gmm: reg=inf: expected a number in [0, 1000]' 'Try '\''mixscope shot --help'\''.')"
case_ gmm reg '1e-400' 0 ''
case_ gmm reg 'x1' 2 "$(printf '%s\n%s' 'mixscope shot: --set reg=x1: gmm: reg=x1: expected a number in [0, 1000]' 'Try '\''mixscope shot --help'\''.')"
case_ moe lr '' 2 "$(printf '%s\n%s' 'mixscope shot: --set lr=: moe: lr=: expected a step size in (0, 10]' 'Try '\''mixscope shot --help'\''.')"
case_ moe lr '0' 2 "$(printf '%s\n%s' 'mixscope shot: --set lr=0: moe: lr=0: expected a step size in (0, 10]' 'Try '\''mixscope shot --help'\''.')"
case_ moe lr '1e-400' 2 "$(printf '%s\n%s' 'mixscope shot: --set lr=1e-400: moe: lr=1e-400: expected a step size in (0, 10]' 'Try '\''mixscope shot --help'\''.')"
case_ moe lr '11' 2 "$(printf '%s\n%s' 'mixscope shot: --set lr=11: moe: lr=11: expected a step size in (0, 10]' 'Try '\''mixscope shot --help'\''.')"
case_ moe lr 'nan' 2 "$(printf '%s\n%s' 'mixscope shot: --set lr=nan: moe: lr=nan: expected a step size in (0, 10]' 'Try '\''mixscope shot --help'\''.')"
case_ moe lr 'x' 2 "$(printf '%s\n%s' 'mixscope shot: --set lr=x: moe: lr=x: expected a step size in (0, 10]' 'Try '\''mixscope shot --help'\''.')"
case_ moe lr '4.9e-324' 0 ''
case_ posterior alpha '2e6' 2 "$(printf '%s\n%s' 'mixscope shot: --set alpha=2e6: posterior: alpha=2e6: expected a number in [-1e6, 1e6]' 'Try '\''mixscope shot --help'\''.')"
case_ posterior alpha 'nan' 2 "$(printf '%s\n%s' 'mixscope shot: --set alpha=nan: posterior: alpha=nan: expected a number in [-1e6, 1e6]' 'Try '\''mixscope shot --help'\''.')"
case_ posterior alpha '1e-400' 0 ''
case_ posterior alpha 'x' 2 "$(printf '%s\n%s' 'mixscope shot: --set alpha=x: posterior: alpha=x: expected a number in [-1e6, 1e6]' 'Try '\''mixscope shot --help'\''.')"
case_ posterior true_mu '-1e6' 0 ''
case_ posterior gamma2 '0' 2 "$(printf '%s\n%s' 'mixscope shot: --set gamma2=0: posterior: gamma2=0: a variance must be a number in (0, 1e6]' 'Try '\''mixscope shot --help'\''.')"
case_ posterior gamma2 '1e-400' 2 "$(printf '%s\n%s' 'mixscope shot: --set gamma2=1e-400: posterior: gamma2=1e-400: a variance must be a number in (0, 1e6]' 'Try '\''mixscope shot --help'\''.')"
case_ posterior gamma2 '-1' 2 "$(printf '%s\n%s' 'mixscope shot: --set gamma2=-1: posterior: gamma2=-1: a variance must be a number in (0, 1e6]' 'Try '\''mixscope shot --help'\''.')"
case_ posterior gamma2 '4.9e-324' 0 ''
case_ posterior sigma2 'inf' 2 "$(printf '%s\n%s' 'mixscope shot: --set sigma2=inf: posterior: sigma2=inf: a variance must be a number in (0, 1e6]' 'Try '\''mixscope shot --help'\''.')"
case_ posterior seed '1.5' 2 "$(printf '%s\n%s' 'mixscope shot: --set seed=1.5: posterior: seed=1.5: expected an integer in [0, 4294967295]' 'Try '\''mixscope shot --help'\''.')"
case_ posterior seed '-1' 2 "$(printf '%s\n%s' 'mixscope shot: --set seed=-1: posterior: seed=-1: expected an integer in [0, 4294967295]' 'Try '\''mixscope shot --help'\''.')"
case_ posterior seed '4294967296' 2 "$(printf '%s\n%s' 'mixscope shot: --set seed=4294967296: posterior: seed=4294967296: expected an integer in [0, 4294967295]' 'Try '\''mixscope shot --help'\''.')"
case_ posterior draw '1.5' 2 "$(printf '%s\n%s' 'mixscope shot: --set draw=1.5: posterior: draw=1.5: expected a count in [0, 2000]' 'Try '\''mixscope shot --help'\''.')"
case_ posterior draw '-1' 2 "$(printf '%s\n%s' 'mixscope shot: --set draw=-1: posterior: draw=-1: expected a count in [0, 2000]' 'Try '\''mixscope shot --help'\''.')"
case_ posterior draw '3' 0 ''
case_ posterior draw '1e-400' 0 ''
echo "$n cases"
exit $fail
