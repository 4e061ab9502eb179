#!/usr/bin/env bash
# Cold start of the coding agent, in one hyperfine run: `cortex --version` and a one-turn
# `cortex -p "hi"` with the offline model, against `node -e ''` (the floor of a node-based CLI).
# Prints the table and the speed-up of each cortex command over node; never fails on a goal
# (< 20 ms, >= 20x node). Usage: bench/code_start.sh [path/to/cortex] (a Release build).
set -euo pipefail
cortex="${1:-build/src/cli/cortex}"
cortex="$(cd "$(dirname "$cortex")" && pwd)/$(basename "$cortex")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "hello notes" > "$work/notes.txt"
cd "$work"
export CORTEX_CODE_CONVERSATIONS_DIR="$work/conversations" CORTEX_CODE_CONFIG_DIR="$work/config"
hyperfine -N --warmup 5 --min-runs 50 --export-json "$work/code_start.json" \
  --export-markdown "$work/code_start.md" \
  "$cortex --version" \
  "$cortex -p hi --model offline" \
  "node -e ''"
cat "$work/code_start.md"
python3 - "$work/code_start.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
node = results[-1]["mean"]
node_median = results[-1]["median"]
for r in results[:-1]:
    goal = "met" if r["mean"] < 0.020 else "not met"
    print(f"{r['command']}: mean {r['mean']*1000:.2f} ms (< 20 ms {goal}), "
          f"{node / r['mean']:.1f}x faster than node -e '' ({node*1000:.1f} ms); "
          f"medians {r['median']*1000:.2f} ms vs {node_median*1000:.1f} ms: "
          f"{node_median / r['median']:.1f}x")
PY
