#!/usr/bin/env bash
# Runs sdk_test.mjs against the cortex binary ($1) in a build-dir copy with the SDK from npm.
# Exit 77 (ctest SKIP) when node/npm or the package cannot be installed.
set -u
binary="$1"
here="$(cd "$(dirname "$0")" && pwd)"
dir="${2:-$PWD/code_node}"
command -v node >/dev/null && command -v npm >/dev/null || { echo "node/npm missing: skip"; exit 77; }
mkdir -p "$dir"
cp "$here/package.json" "$here/sdk_test.mjs" "$dir/"
if [ ! -d "$dir/node_modules/@anthropic-ai/claude-agent-sdk" ] || [ ! -d "$dir/node_modules/zod" ]; then
  (cd "$dir" && npm install --omit=optional --no-audit --no-fund >/dev/null 2>&1) ||
    { echo "npm install failed: skip"; exit 77; }
fi
conv="$(mktemp -d)"
trap 'rm -rf "$conv"' EXIT
cd "$dir" && CORTEX_BINARY="$binary" CORTEX_CODE_CONVERSATIONS_DIR="$conv" node --test sdk_test.mjs
