#!/usr/bin/env bash
# Installs the SDK component to a temporary prefix, builds the examples against it with
# find_package(opencortex) and a program with pkg-config, and runs one example against cortex.
# usage: package_test.sh BUILD_DIR SOURCE_DIR CORTEX_BINARY
set -euo pipefail
build=$1 src=$2 cortex=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --component sdk --prefix "$tmp/prefix" >/dev/null
test -f "$tmp/prefix/include/opencortex/opencortex.h"
test -f "$tmp/prefix/lib/cmake/opencortex/opencortexConfig.cmake"
test -f "$tmp/prefix/lib/pkgconfig/opencortex.pc"

cmake -S "$src/examples" -B "$tmp/examples" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/examples" --target example_one_shot >/dev/null

cat > "$tmp/pc.cpp" <<'CPP'
#include <opencortex/opencortex.h>
int main() { return opencortex::build_command_args({}).empty() ? 1 : 0; }
CPP
PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig" c++ "$tmp/pc.cpp" -o "$tmp/pc" \
  $(PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig" pkg-config --cflags --libs opencortex)
"$tmp/pc"

mkdir -p "$tmp/work" "$tmp/home"
echo "package test file" > "$tmp/work/notes.txt"
out=$(cd "$tmp/work" && HOME="$tmp/home" CORTEX_CODE_CLI_PATH="$cortex" timeout 60 "$tmp/examples/example_one_shot" "read notes.txt" offline)
echo "$out"
grep -q "package test file" <<<"$out"
grep -q "\[success" <<<"$out"
echo "package test: ok"
