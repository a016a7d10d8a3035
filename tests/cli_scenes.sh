#!/usr/bin/env bash
# Scenes and export, through the real binary:
#  - every shipped scene in assets/scenes loads and renders;
#  - a scene saved and loaded gives the same rendered image (pixel-identical PNG
#    decode) and the same state (the re-saved scene equals the saved one);
#  - bad scenes: non-zero exit, message naming the file and field;
#  - export writes exactly N+1 PNG frames, and a GIF with N+1 images.
# usage: cli_scenes.sh <mixscope> <source dir> <scratch dir>
set -u
bin="$1"; src="$2"; tmp="$3"
fail=0; checks=0
ok()  { checks=$((checks+1)); }
bad() { checks=$((checks+1)); fail=$((fail+1)); echo "FAIL: $*" >&2; }
sample="$src/assets/mnist-sample"
PY=/usr/bin/python3

same_png() { # pixel-identical decode of two PNGs (python: zlib + struct, independent of SDL)
  "$PY" - "$1" "$2" <<'PYEOF'
import sys, zlib, struct
def pixels(p):
    b = open(p, 'rb').read()
    assert b[:8] == b'\x89PNG\r\n\x1a\n'
    i, idat, hdr = 8, b'', None
    while i < len(b):
        n, t = struct.unpack('>I4s', b[i:i+8]); d = b[i+8:i+8+n]; i += 12 + n
        if t == b'IHDR': hdr = d
        elif t == b'IDAT': idat += d
    return hdr, zlib.decompress(idat)
sys.exit(0 if pixels(sys.argv[1]) == pixels(sys.argv[2]) else 1)
PYEOF
}

# 1. shipped scenes load and render (on the bundled sample, so CI needs no fetch)
n=0
for sc in "$src"/assets/scenes/*.json; do
  [ -e "$sc" ] || continue
  n=$((n+1))
  name="$(basename "$sc" .json)"
  if "$bin" shot --mnist "$sample" --scene "$sc" --out "$tmp/$name.png" 2>"$tmp/$name.err"; then ok
  else bad "shipped scene $name does not render: $(cat "$tmp/$name.err")"; fi
done
[ "$n" -ge 9 ] && ok || bad "expected at least 9 shipped scenes, found $n"

# 2. save -> load round trip: same image, same state, for every view
for v in digits theta gmm posterior bmm moe; do
  "$bin" shot --mnist "$sample" --view "$v" --keys "Right,Right" --out "$tmp/rt-$v-a.png" \
     --save-scene "$tmp/rt-$v.json" 2>"$tmp/rt.err" || { bad "$v: save: $(cat "$tmp/rt.err")"; continue; }
  "$bin" shot --mnist "$sample" --scene "$tmp/rt-$v.json" --view "$v" --out "$tmp/rt-$v-b.png" \
     --save-scene "$tmp/rt-$v-2.json" 2>"$tmp/rt.err" || { bad "$v: load: $(cat "$tmp/rt.err")"; continue; }
  if same_png "$tmp/rt-$v-a.png" "$tmp/rt-$v-b.png"; then ok; else bad "$v: image differs after scene round trip"; fi
  if "$PY" -c 'import json,sys; a=json.load(open(sys.argv[1]))["state"]; b=json.load(open(sys.argv[2]))["state"]; sys.exit(a!=b)' \
       "$tmp/rt-$v.json" "$tmp/rt-$v-2.json"; then ok; else bad "$v: state differs after scene round trip"; fi
done

# 3. bad scenes: clear error naming the file and field, non-zero exit, nothing written
printf '{"mixscope_scene": 1, "view": ' > "$tmp/bad1.json"
printf '{"mixscope_scene": 1, "view": "nosuchview"}' > "$tmp/bad2.json"
printf '{"mixscope_scene": 2, "view": "theta"}' > "$tmp/bad3.json"
printf '{"mixscope_scene": 1, "view": "theta", "state": 5}' > "$tmp/bad4.json"
expect() { # file, message substring
  rm -f "$tmp/bad.png"
  if "$bin" shot --mnist "$sample" --view digits --scene "$1" --out "$tmp/bad.png" 2>"$tmp/bad.err"; then
    bad "$1 should fail"
  elif grep -qF -- "$2" "$tmp/bad.err" && grep -qF -- "$(basename "$1")" "$tmp/bad.err" && [ ! -e "$tmp/bad.png" ]; then ok
  else bad "$1: expected message containing '$2', got: $(cat "$tmp/bad.err")"; fi
}
expect "$tmp/bad1.json" "malformed JSON"
expect "$tmp/bad2.json" "unknown view 'nosuchview'"
expect "$tmp/bad3.json" "\"mixscope_scene\" must be 1"
expect "$tmp/bad4.json" "\"state\" must be an object"

# 4. export: N+1 frames
gmm_scene="$(ls "$src"/assets/scenes/*gmm*.json 2>/dev/null | head -1)"
if [ -n "$gmm_scene" ]; then
  rm -rf "$tmp/frames"
  if "$bin" export --mnist "$sample" --scene "$gmm_scene" --iters 4 --size 640x400 --out "$tmp/frames" 2>"$tmp/ex.err"; then
    c=$(ls "$tmp/frames"/frame_*.png 2>/dev/null | wc -l)
    [ "$c" -eq 5 ] && ok || bad "export wrote $c frames, expected 5"
    # each step changes the picture (EM moves): frame 0 and 4 differ
    same_png "$tmp/frames/frame_0000.png" "$tmp/frames/frame_0004.png" && bad "export frames 0 and 4 are identical" || ok
  else bad "export failed: $(cat "$tmp/ex.err")"; fi
  if "$bin" export --mnist "$sample" --scene "$gmm_scene" --iters 3 --size 640x400 --out "$tmp/run.gif" 2>"$tmp/ex.err"; then
    # count GIF image descriptors independently (python parses the block structure)
    c=$("$PY" - "$tmp/run.gif" <<'PYEOF'
import sys
b = open(sys.argv[1], 'rb').read()
assert b[:6] in (b'GIF89a', b'GIF87a')
flags = b[10]; i = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0); n = 0
def skip_sub(i):
    while b[i]: i += b[i] + 1
    return i + 1
while b[i] != 0x3B:
    if b[i] == 0x21: i = skip_sub(i + 2)
    elif b[i] == 0x2C:
        n += 1; f = b[i + 9]; i += 10
        if f & 0x80: i += 3 * 2 ** ((f & 7) + 1)
        i = skip_sub(i + 1)
    else: raise SystemExit('bad block')
print(n)
PYEOF
)
    [ "$c" = 4 ] && ok || bad "GIF has $c images, expected 4"
  else bad "export gif failed: $(cat "$tmp/ex.err")"; fi
  "$bin" export --scene "$gmm_scene" --iters 0 --out "$tmp/x" 2>/dev/null; [ $? -eq 2 ] && ok || bad "--iters 0 should exit 2"
  "$bin" export --scene "$tmp/nonexistent.json" --iters 2 --out "$tmp/y" 2>"$tmp/ex.err"; [ $? -eq 1 ] && grep -q nonexistent.json "$tmp/ex.err" && ok || bad "missing scene should exit 1 naming it"
else
  bad "no GMM scene shipped in assets/scenes"
fi

echo "$checks checks, $fail failed"
[ $fail -eq 0 ]
