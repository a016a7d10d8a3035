#!/usr/bin/env bash
# Web edition dependencies, idempotent:
#  1. Debian packages: emscripten (emcc 3.1.6), chromium (headless tests), npm, dpkg-dev (dpkg-source).
#  2. A deb-src entry for bookworm main, in a file of its own:
#       /etc/apt/sources.list.d/mixscope-web-src.sources
#  3. Debian source packages (libsdl2, libsdl2-ttf, freetype, gsl, zlib, cjson), downloaded with
#     `apt-get source --download-only`, verified (dpkg-source checks every file against the .dsc's
#     checksums, and the .dsc's signature when dscverify can) and built to WebAssembly into
#       ${MX_WEB_CACHE:-~/.cache/mixscope-web}/<pkg>-<version>/   (prefix with include/ lib/)
#     A package whose stamp file exists there is reused.
# Prints the prefix list (one per line) on the last line as MX_WEB_PREFIXES=...
set -euo pipefail
cache="${MX_WEB_CACHE:-$HOME/.cache/mixscope-web}"
jobs="${MX_WEB_JOBS:-2}"
mkdir -p "$cache/src"

if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="__none__"; fi
as_root() {
  if [ "$SUDO" = "__none__" ]; then echo "mixscope-web: needs root for: $*" >&2; exit 1; fi
  $SUDO "$@"
}

# ---- 1. packages -----------------------------------------------------------
PKGS=(emscripten chromium dpkg-dev cmake make python3 ca-certificates)
command -v npm >/dev/null 2>&1 || PKGS+=(npm)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# ---- 2. deb-src entry --------------------------------------------------------
srcfile=/etc/apt/sources.list.d/mixscope-web-src.sources
need_update=0
if ! grep -rqs "^Types:.*deb-src" /etc/apt/sources.list.d/ && ! grep -qs "^deb-src" /etc/apt/sources.list 2>/dev/null; then
  echo "mixscope-web: adding a deb-src entry for bookworm main: $srcfile"
  as_root tee "$srcfile" >/dev/null <<'SRC'
# added by mixscope scripts/web-deps.sh: Debian source packages for the WebAssembly build
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  need_update=1
fi
if [ ${#missing[@]} -gt 0 ] || [ $need_update = 1 ]; then
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "mixscope-web: installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

export NODE_PATH=/usr/share/nodejs
# ---- 3. libraries from Debian source ----------------------------------------
# fetch_src PKG -> sets SRCDIR, VER; verifies via dpkg-source -x (checksums from the .dsc)
fetch_src() {
  local pkg="$1" d
  VER="$(apt-cache showsrc "$pkg" | awk '/^Version:/{print $2; exit}')"
  [ -n "$VER" ] || { echo "mixscope-web: no source package $pkg (deb-src entry missing?)" >&2; exit 1; }
  VER="${VER#*:}"   # no epoch in directory names
  d="$cache/src/$pkg-$VER"
  SRCDIR="$d/tree"
  if [ -f "$d/.verified" ]; then return; fi
  rm -rf "$d"; mkdir -p "$d"
  # apt checks the .dsc and tarballs against the Sources index, whose hashes the archive's
  # signed Release file vouches for (the uploader's own .dsc signature would need debian-keyring).
  (cd "$d" && apt-get source --download-only -qq "$pkg" >/dev/null 2>&1)
  local dsc; dsc="$(ls "$d"/*.dsc)"
  # Checked here as well, explicitly: every file the .dsc lists, against its SHA-256 ...
  awk '/^Checksums-Sha256:/{on=1; next} /^[^ ]/{on=0} on && NF==3 {print $1"  "$3}' "$dsc" > "$d/SHA256SUMS"
  [ -s "$d/SHA256SUMS" ] || { echo "mixscope-web: $dsc lists no SHA-256 checksums" >&2; exit 1; }
  (cd "$d" && sha256sum --quiet -c SHA256SUMS) || {
    echo "mixscope-web: $pkg $VER: a file does not match its checksum in $dsc" >&2; exit 1; }
  # ... and by dpkg-source -x, which checks size + checksums again and fails on a mismatch.
  (cd "$d" && dpkg-source -x "$dsc" tree >/dev/null 2>&1) || {
    echo "mixscope-web: $pkg $VER failed dpkg-source verification against $dsc" >&2; exit 1; }
  echo "mixscope-web: $pkg $VER: $(wc -l < "$d/SHA256SUMS") files verified against $(basename "$dsc")"
  touch "$d/.verified"
}

build_cmake() {  # pkg prefix srcdir args...
  local pkg="$1" prefix="$2" src="$3"; shift 3
  rm -rf "$src/_web"; mkdir -p "$src/_web"
  (cd "$src/_web" && emcmake cmake .. -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" "$@" >/dev/null \
     && cmake --build . -j"$jobs" >/dev/null && cmake --install . >/dev/null)
}

PREFIXES=()
one() {  # pkg builder
  local pkg="$1"
  fetch_src "$pkg"
  local prefix="$cache/$pkg-$VER"
  PREFIXES+=("$prefix")
  if [ -f "$prefix/.built" ]; then return; fi
  echo "mixscope-web: building $pkg $VER to wasm -> $prefix"
  local t0=$SECONDS
  rm -rf "$prefix"
  "build_$2" "$prefix" "$SRCDIR"
  touch "$prefix/.built"
  echo "mixscope-web: $pkg built in $((SECONDS - t0)) s"
}

build_zlib() {  # Debian's dfsg tarball drops win32/, which zlib's CMake build wants: use its configure
  (cd "$2" && CFLAGS="-O2" emconfigure ./configure --static --prefix="$1" >/dev/null \
     && emmake make -j"$jobs" libz.a >/dev/null && emmake make install >/dev/null)
}
build_cjson() { build_cmake cjson "$1" "$2" -DBUILD_SHARED_LIBS=OFF -DENABLE_CJSON_TEST=OFF -DENABLE_CJSON_UTILS=OFF -DENABLE_CUSTOM_COMPILER_FLAGS=OFF; }
build_sdl2() { build_cmake sdl2 "$1" "$2" -DSDL_SHARED=OFF -DSDL_STATIC=ON -DSDL_TEST=OFF; }
build_freetype() {
  # with the zlib built above (FreeType would otherwise compile its own copy into ftgzip.o)
  build_cmake freetype "$1" "$2" -DBUILD_SHARED_LIBS=OFF -DFT_REQUIRE_ZLIB=ON \
    -DZLIB_INCLUDE_DIR="$ZLIB_PREFIX/include" -DZLIB_LIBRARY="$ZLIB_PREFIX/lib/libz.a" -DFT_DISABLE_BZIP2=ON \
    -DFT_DISABLE_PNG=ON -DFT_DISABLE_HARFBUZZ=ON -DFT_DISABLE_BROTLI=ON
}
build_gsl() {  # the libraries and headers only (Debian's dfsg tarball has no doc sources)
  local prefix="$1" src="$2"
  mkdir -p "$src/_web"
  [ -f "$src/_web/Makefile" ] || (cd "$src/_web" && emconfigure ../configure --host=wasm32-unknown-none \
      --build="$(uname -m)-pc-linux-gnu" --prefix="$prefix" --disable-shared --enable-static CFLAGS="-O2" >/dev/null)
  # every library subdirectory, not doc/ (its sources are not in Debian's tarball)
  sed -i 's/^\(SUBDIRS = .*\) doc\b/\1/' "$src/_web/Makefile"
  (cd "$src/_web" && emmake make -j"$jobs" >/dev/null 2>&1) || {
    echo "mixscope-web: gsl build failed (see $src/_web)" >&2; exit 1; }
  mkdir -p "$prefix/lib" "$prefix/include/gsl"
  cp "$src/_web/.libs/libgsl.a" "$src/_web/cblas/.libs/libgslcblas.a" "$prefix/lib/"
  cp -L "$src/_web"/gsl/*.h "$prefix/include/gsl/"
}
build_ttf() {
  local prefix="$1" src="$2"
  # SDL2_ttf's CMake build with the FreeType and SDL2 built above (no harfbuzz)
  build_cmake libsdl2-ttf "$prefix" "$src" -DBUILD_SHARED_LIBS=OFF -DSDL2TTF_SAMPLES=OFF \
    -DSDL2TTF_VENDORED=OFF -DSDL2TTF_HARFBUZZ=OFF \
    -DCMAKE_PREFIX_PATH="$SDL_PREFIX;$FT_PREFIX" -DCMAKE_FIND_ROOT_PATH="$SDL_PREFIX;$FT_PREFIX"
}

build_image() {  # SDL2_image: stb_image to load, its bundled miniz to save PNG (IMG_SavePNG)
  build_cmake libsdl2-image "$1" "$2" -DBUILD_SHARED_LIBS=OFF -DSDL2IMAGE_SAMPLES=OFF -DSDL2IMAGE_TESTS=OFF \
    -DSDL2IMAGE_VENDORED=OFF -DSDL2IMAGE_BACKEND_STB=ON -DSDL2IMAGE_DEPS_SHARED=OFF \
    -DSDL2IMAGE_AVIF=OFF -DSDL2IMAGE_JXL=OFF -DSDL2IMAGE_TIF=OFF -DSDL2IMAGE_WEBP=OFF \
    -DCMAKE_PREFIX_PATH="$SDL_PREFIX" -DCMAKE_FIND_ROOT_PATH="$SDL_PREFIX"
}
build_giflib() {  # giflib's own Makefile, the static library and header only
  local prefix="$1" src="$2"
  (cd "$src" && emmake make -j"$jobs" libgif.a CC=emcc AR=emar CFLAGS="-O2 -std=gnu99" >/dev/null 2>&1) || {
    echo "mixscope-web: giflib build failed in $src" >&2; exit 1; }
  mkdir -p "$prefix/lib" "$prefix/include"
  cp "$src/libgif.a" "$prefix/lib/"; cp "$src/gif_lib.h" "$prefix/include/"
}

one zlib zlib; ZLIB_PREFIX="${PREFIXES[-1]}"
one cjson cjson
one libsdl2 sdl2; SDL_PREFIX="${PREFIXES[-1]}"
one freetype freetype; FT_PREFIX="${PREFIXES[-1]}"
one libsdl2-ttf ttf
one gsl gsl
one libsdl2-image image
one giflib giflib
( IFS=';'; echo "MX_WEB_PREFIXES=${PREFIXES[*]}" )
