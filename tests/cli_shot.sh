#!/bin/bash
# mixscope shot: a PNG of the requested size for every view; bad view / size /
# options exit 2; the GUI without a display exits non-zero pointing at `shot`.
# usage: bash cli_shot.sh <mixscope> <source dir> <scratch dir>
set -u
BIN=$1
SRC=$2
OUT=$3
mkdir -p "$OUT"
cd "$OUT" || exit 1
fail=0
check() { # description, condition result
  if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi
}
# PNG width and height from the IHDR chunk (bytes 16..23, big-endian).
png_size() {
  local b
  b=($(od -An -tu1 -j16 -N8 "$1"))
  echo "$(( (b[0]<<24) | (b[1]<<16) | (b[2]<<8) | b[3] ))x$(( (b[4]<<24) | (b[5]<<16) | (b[6]<<8) | b[7] ))"
}
is_png() { [ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = "89504e470d0a1a0a" ]; }

# The view names, as `shot --help` lists them ("--view NAME  the view: a, b, c").
views=$("$BIN" shot --help | sed -n 's/.*--view NAME.*the view: //p' | tr -d ',')
[ -n "$views" ]; check "shot --help lists the views ($views)" $?
case " $views " in *" digits "*) r=0 ;; *) r=1 ;; esac
check "digits is among the views" $r

for v in $views; do
  rm -f "shot-$v.png"
  "$BIN" shot --view "$v" --out "shot-$v.png" --size 640x400 2>"err-$v.txt"
  rc=$?
  check "shot --view $v exits 0 (rc=$rc: $(head -c 200 "err-$v.txt"))" $rc
  if [ -f "shot-$v.png" ]; then
    is_png "shot-$v.png"; check "shot-$v.png is a PNG" $?
    [ "$(png_size "shot-$v.png")" = "640x400" ]; check "shot-$v.png is 640x400 ($(png_size "shot-$v.png"))" $?
  else
    check "shot-$v.png written" 1
  fi
done

# Default size 1280x800; keys and --set are applied.
"$BIN" shot --view digits --out big.png --set split=test --set label=3 --keys "Right,B,]" --frames 2
check "shot digits with --set/--keys exits 0" $?
[ "$(png_size big.png)" = "1280x800" ]; check "default size is 1280x800 ($(png_size big.png))" $?
# Nothing left behind by the atomic write.
ls ./*.tmp.* >/dev/null 2>&1; [ $? -ne 0 ]; check "no temporary files left" $?

# Bad arguments: exit 2 with a message.
"$BIN" shot --view nosuch --out x.png 2>err.txt; rc=$?
[ $rc -eq 2 ]; check "unknown view exits 2 (rc=$rc)" $?
grep -q "digits" err.txt; check "unknown view message lists the views" $?
grep -q "nosuch" err.txt; check "unknown view message names it" $?
for s in 12x 0x0 800 axb 640x400x2 99999x100; do
  "$BIN" shot --view digits --out x.png --size "$s" 2>err.txt; rc=$?
  [ $rc -eq 2 ]; check "--size $s exits 2 (rc=$rc)" $?
done
grep -q -- "--size" err.txt; check "bad size message names --size" $?
"$BIN" shot --view digits 2>/dev/null; rc=$?
[ $rc -eq 2 ]; check "missing --out exits 2 (rc=$rc)" $?
"$BIN" shot --out x.png 2>/dev/null; rc=$?
[ $rc -eq 2 ]; check "missing --view exits 2 (rc=$rc)" $?
"$BIN" shot --view digits --out x.png --set threshold=7 2>err.txt; rc=$?
[ $rc -eq 2 ]; check "bad --set value exits 2 (rc=$rc)" $?
grep -q "threshold" err.txt; check "bad --set message names the option" $?
"$BIN" shot --view digits --out x.png --keys "Nonsense" 2>/dev/null; rc=$?
[ $rc -eq 2 ]; check "unknown key exits 2 (rc=$rc)" $?
"$BIN" shot --view digits --out x.png --frames -3 2>/dev/null; rc=$?
[ $rc -eq 2 ]; check "negative --frames exits 2 (rc=$rc)" $?
[ ! -e x.png ]; check "no output after bad arguments" $?
"$BIN" shot --help >/dev/null; check "shot --help exits 0" $?

# A data / file error exits 1 with the path.
"$BIN" shot --view theta --out "$OUT/no/such/dir/x.png" 2>err.txt; rc=$?
[ $rc -eq 1 ]; check "unwritable output exits 1 (rc=$rc)" $?
grep -q "no/such/dir/x.png" err.txt; check "the message names the output path" $?
mkdir -p empty
"$BIN" shot --view digits --out y.png --mnist "$OUT/empty" 2>err.txt; rc=$?
[ $rc -eq 1 ]; check "--mnist without the files exits 1 (rc=$rc)" $?
grep -q "empty" err.txt; check "the message names the data directory" $?

# The GUI without a display: non-zero, and it points at `mixscope shot`.
env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER timeout 30 "$BIN" --view digits 2>err.txt; rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ]; check "GUI without a display exits non-zero (rc=$rc)" $?
grep -q "mixscope shot" err.txt; check "the message suggests mixscope shot" $?
env -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER DISPLAY=:9999 timeout 30 "$BIN" 2>err.txt; rc=$?
[ $rc -eq 3 ]; check "GUI with an unreachable DISPLAY exits 3 (rc=$rc)" $?
grep -q "mixscope shot" err.txt; check "... and suggests mixscope shot" $?
env -u DISPLAY -u WAYLAND_DISPLAY SDL_VIDEODRIVER=dummy timeout 30 "$BIN" 2>err.txt; rc=$?
[ $rc -eq 3 ]; check "GUI on the dummy driver exits 3 (rc=$rc)" $?
"$BIN" --view nosuch 2>err.txt; rc=$?
[ $rc -eq 2 ]; check "GUI --view nosuch exits 2 (rc=$rc)" $?
"$BIN" --size 3x3 2>/dev/null; rc=$?
[ $rc -eq 2 ]; check "GUI --size 3x3 exits 2 (rc=$rc)" $?

# Layout report, text scale, projector / light theme (issue 14).
"$BIN" shot --view digits --out lay.png --text-scale 4 2>err.txt; rc=$?
[ $rc -eq 2 ] && grep -q -- "--text-scale" err.txt; check "shot --text-scale 4 exits 2 naming the option (rc=$rc)" $?
"$BIN" shot --view digits --out lay.png --theme pink 2>err.txt; rc=$?
[ $rc -eq 2 ] && grep -q "dark or light" err.txt; check "shot --theme pink exits 2 (rc=$rc)" $?
"$BIN" --theme pink 2>err.txt; rc=$?
[ $rc -eq 2 ]; check "GUI --theme pink exits 2 (rc=$rc)" $?
"$BIN" shot --view digits --size 1024x768 --text-scale 1.5 --projector --out lay.png \
  --layout-report lay.json --json >lay-out.json 2>err.txt; rc=$?
[ $rc -eq 0 ] && is_png lay.png; check "shot --text-scale 1.5 --projector --layout-report writes the PNG (rc=$rc)" $?
if command -v python3 >/dev/null; then
  python3 - lay.json lay-out.json <<'PY'; check "the layout report has clipped/overlaps with text and rects, --json says their counts" $?
import json, sys
r = json.load(open(sys.argv[1])); o = json.load(open(sys.argv[2]))
assert set(r) == {"clipped", "overlaps"}, r.keys()
for c in r["clipped"]: assert c["text"] and len(c["rect"]) == 4 and len(c["box"]) == 4 and c["why"]
for c in r["overlaps"]: assert c["text"] and c["other"] and len(c["rect"]) == 4 and len(c["other_rect"]) == 4
assert o["layout"]["clipped"] == len(r["clipped"]) and o["layout"]["overlaps"] == len(r["overlaps"]), o
PY
fi
"$BIN" shot --view digits --out lay2.png --theme light --json >plain.json 2>err.txt; rc=$?
[ $rc -eq 0 ] && ! grep -q '"layout"' plain.json; check "shot --json without --layout-report has no layout counts (rc=$rc)" $?

exit $fail
