#!/usr/bin/env bash
# Render every scene in assets/scenes headless and, with a reference folder,
# compare byte for byte. Used to prove a refactor leaves the pixels unchanged:
#   scripts/scene-shots.sh <mixscope> <dir>            writes <dir>/ref-NN.png
#   scripts/scene-shots.sh <mixscope> <dir> <refdir>   also cmp's each against <refdir>/ref-NN.png
# Exit 0 when every scene renders (and matches), 1 otherwise.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$1"; out="$2"; ref="${3:-}"
mkdir -p "$out"
# the same data path (shown in the status line) whichever build renders
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy MIXSCOPE_HOME="$here"
fail=0
for scene in "$here"/assets/scenes/[0-9][0-9]-*.json; do
  nn="$(basename "$scene" | cut -c1-2)"
  png="$out/ref-$nn.png"
  if ! "$bin" shot --scene "$scene" --out "$png" >/dev/null; then
    echo "FAIL render $scene"; fail=1; continue
  fi
  if [ -n "$ref" ]; then
    if cmp -s "$png" "$ref/ref-$nn.png"; then echo "same  $nn"; else echo "DIFF  $nn"; fail=1; fi
  fi
done
exit $fail
