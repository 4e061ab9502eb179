#!/usr/bin/env bash
# Installs the pinned MCP servers from npm into a build-dir copy ($2) and runs the gtest binary
# ($1) against them (MCP_NODE_MODULES). Exit 77 (ctest SKIP) when node/npm or the packages cannot
# be installed.
set -u
test_binary="$1"
here="$(cd "$(dirname "$0")" && pwd)"
dir="${2:-$PWD/code_mcp}"
command -v node >/dev/null && command -v npm >/dev/null || { echo "node/npm missing: skip"; exit 77; }
mkdir -p "$dir"
if ! cmp -s "$here/package.json" "$dir/package.json" ||
   [ ! -f "$dir/node_modules/@modelcontextprotocol/server-everything/dist/index.js" ] ||
   [ ! -f "$dir/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js" ]; then
  cp "$here/package.json" "$dir/"
  (cd "$dir" && npm install --omit=optional --no-audit --no-fund >/dev/null 2>&1) ||
    { echo "npm install failed: skip"; exit 77; }
fi
MCP_NODE_MODULES="$dir/node_modules" exec "$test_binary"
