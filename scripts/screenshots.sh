#!/usr/bin/env bash
# Regenerate the README's pictures from the shipped lecture scenes, headless:
#   bash scripts/screenshots.sh [--mnist DIR]
# Each docs/img/<scene>.png is `mixscope shot --scene assets/scenes/<scene>.json`,
# with a few EM steps for the EM scenes so the picture shows a fit in progress.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${MX_BUILD_DIR:-$here/build}/mixscope"
[ -x "$bin" ] || bash "$here/scripts/build.sh"
mkdir -p "$here/docs/img"
steps() { local n=$1 s=""; for ((i = 0; i < n; i++)); do s+="Space,"; done; echo "${s%,}"; }
shot() { # scene, extra args...
  local sc="$1"; shift
  "$bin" shot --scene "$here/assets/scenes/$sc.json" --out "$here/docs/img/$sc.png" "$@"
  echo "docs/img/$sc.png"
}
shot 01-digits "$@"
shot 03-theta-raw "$@"
shot 05-naive-bayes "$@"
shot 06-gmm-em --keys "$(steps 8)" "$@"
shot 07-gmm-semi --keys "$(steps 12)" "$@"
shot 08-posterior "$@"
shot 09-bmm --keys "$(steps 8)" "$@"
shot 11-moe --keys "$(steps 40)" "$@"
