#!/usr/bin/env bash
# Cold start of the coding agent: `cortex --version` and a one-turn `cortex -p` with the offline
# model, against `node -e ''` (the floor of a node-based CLI). Usage: bench/code_start.sh [cortex]
set -euo pipefail
cortex="${1:-build/src/cli/cortex}"
cortex="$(cd "$(dirname "$cortex")" && pwd)/$(basename "$cortex")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "hello notes" > "$work/notes.txt"
cd "$work"
hyperfine -N --warmup 3 --export-markdown "$work/code_start.md" \
  "$cortex --version" \
  "$cortex -p 'read notes.txt' --model offline --no-session-persistence" \
  "node -e ''"
cat "$work/code_start.md"
