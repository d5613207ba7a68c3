#!/usr/bin/env bash
# Builds the ALE 0.12.x from source (Release, -O3) with the toolkit's shim and the native reference driver;
# prints the library's path. docs/atari.md, "Building the shim".
#   bash native/ale/build.sh [--source DIR|TARBALL] [--quiet]
# Default source: ../shared/third_party/ale-0.12.1.tar.gz beside the repository where present, else a
# `git clone --depth 1 --branch v0.12.1` of the upstream repository. Output: native/ale/out/ (libprox_ale.so,
# ale_reference). A second call with the same source and shim does nothing (stamp: their SHA-256).
# Needs cmake, ninja (or make), g++ (C++17) and the zlib headers (Debian: zlib1g-dev).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$here/out"
tag="v0.12.1"
upstream="https://github.com/Farama-Foundation/Arcade-Learning-Environment"
source=""; quiet=0
while [ $# -gt 0 ]; do
  case "$1" in
    --source) [ $# -ge 2 ] || { echo "build.sh: --source needs a directory or a .tar.gz" >&2; exit 2; }; source="$2"; shift 2 ;;
    --quiet) quiet=1; shift ;;
    *) echo "build.sh: unknown argument '$1' (allowed: --source DIR|TARBALL, --quiet)" >&2; exit 2 ;;
  esac
done
say() { [ "$quiet" = 1 ] || echo "$@" >&2; }

missing=()
for tool in cmake g++; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if command -v ninja >/dev/null; then generator=Ninja; elif command -v make >/dev/null; then generator="Unix Makefiles"
else missing+=("ninja (or make)"); fi
[ -f /usr/include/zlib.h ] || [ -f /usr/local/include/zlib.h ] || missing+=("zlib headers (zlib1g-dev)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "build.sh: cannot build the ALE shim: missing ${missing[*]}." \
       "On Debian/Ubuntu: sudo apt-get install cmake ninja-build g++ zlib1g-dev" >&2
  exit 1
fi

default_tarball="$repo/../shared/third_party/ale-0.12.1.tar.gz"
if [ -z "$source" ]; then
  if [ -f "$default_tarball" ]; then source="$default_tarball"; else source="git:$tag"; fi
fi

shim_hash=$(cat "$here/CMakeLists.txt" "$here/ale_shim.h" "$here/ale_shim.cpp" "$here/ale_reference.cpp" "$here/build.sh" \
  | sha256sum | cut -c1-64)
case "$source" in
  git:*) source_hash="$source" ;;
  *)
    [ -e "$source" ] || { echo "build.sh: --source '$source' does not exist (a directory or a .tar.gz)" >&2; exit 2; }
    source="$(cd "$(dirname "$source")" && pwd)/$(basename "$source")"
    if [ -f "$source" ]; then source_hash=$(sha256sum "$source" | cut -c1-64)
    else source_hash=$(cd "$source" && find . -path ./.git -prune -o -type f -print | LC_ALL=C sort | xargs -d '\n' sha256sum \
      | sha256sum | cut -c1-64); fi ;;
esac
stamp="source $source_hash shim $shim_hash"
library="$out/libprox_ale.so"
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] && [ -f "$library" ] && [ -x "$out/ale_reference" ]; then
  echo "$library"
  exit 0
fi

mkdir -p "$out"
rm -f "$out/stamp"
log="$out/build.log"
: > "$log"
case "$source" in
  git:*)
    say "build.sh: cloning $upstream at $tag"
    rm -rf "$out/src" "$out/src.stamp"
    git clone --quiet --depth 1 --branch "$tag" "$upstream" "$out/src" >>"$log" 2>&1 \
      || { echo "build.sh: git clone of $upstream failed; see $log" >&2; exit 1; }
    ale_dir="$out/src" ;;
  *)
    if [ -f "$source" ]; then
      # Unpack only for a new tarball, so that a shim change rebuilds the shim alone.
      if [ "$(cat "$out/src.stamp" 2>/dev/null)" != "$source_hash" ]; then
        say "build.sh: unpacking $source"
        rm -rf "$out/src" "$out/src.stamp" && mkdir -p "$out/src"
        tar xzf "$source" -C "$out/src" --strip-components=1
        echo "$source_hash" > "$out/src.stamp"
      fi
      ale_dir="$out/src"
    else
      ale_dir="$source"
    fi ;;
esac
[ -f "$ale_dir/src/ale/ale_interface.hpp" ] \
  || { echo "build.sh: '$ale_dir' is not an ALE source tree (no src/ale/ale_interface.hpp)" >&2; exit 2; }

say "build.sh: building the ALE and the shim (Release, -O3; about a minute on 2 cores; log: $log)"
# VCPKG_ROOT would switch the ALE's CMake to vcpkg manifest mode.
if ! env -u VCPKG_ROOT -u VCPKG_INSTALLATION_ROOT cmake -S "$here" -B "$out/build" -G "$generator" \
      -DCMAKE_BUILD_TYPE=Release -DALE_SOURCE_DIR="$ale_dir" >>"$log" 2>&1 \
   || ! cmake --build "$out/build" --target prox_ale ale_reference -j "${ALE_BUILD_JOBS:-2}" >>"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "build.sh: the build failed; full log: $log" >&2
  exit 1
fi
cp "$out/build/libprox_ale.so" "$library.tmp" && mv "$library.tmp" "$library"
cp "$out/build/ale_reference" "$out/ale_reference"

# What the toolkit loads needs only libc, libstdc++ (with libm, libgcc_s) and zlib at run time.
extra=$(ldd "$library" | awk '{print $1}' | grep -Ev '^(linux-vdso|/lib.*/ld-linux|ld-linux|libc\.so|libm\.so|libstdc\+\+\.so|libgcc_s\.so|libz\.so)' || true)
if [ -n "$extra" ]; then echo "build.sh: $library needs unexpected libraries: $extra" >&2; exit 1; fi
echo "$stamp" > "$out/stamp"
echo "$library"
