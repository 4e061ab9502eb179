#!/usr/bin/env bash
# C++ SDK vs TypeScript SDK: one-turn query round trip with the offline model, same cortex binary,
# same working directory, in one run. usage: bash bench/sdk_roundtrip.sh [BUILD_DIR] [N]
# BUILD_DIR must be configured with -DOC_BUILD_BENCH=ON (Release for meaningful figures).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-bench}
n=${2:-50}
cmake --build "$build" --target cortex sdk_roundtrip >/dev/null
cortex="$build/src/cli/cortex"
[ -d bench/sdk/node_modules/@anthropic-ai/claude-agent-sdk ] ||
  (cd bench/sdk && npm install --omit=optional --no-audit --no-fund --silent)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home"
echo "bench notes" > "$work/notes.txt"
export HOME="$work/home" CORTEX_CODE_CONVERSATIONS_DIR="$work/home/conv"
echo "warm-up"; "$build/bench/sdk_roundtrip" "$cortex" 3 "$work" >/dev/null
cpp=$("$build/bench/sdk_roundtrip" "$cortex" "$n" "$work")
ts=$(cd bench/sdk && node roundtrip.mjs "$(realpath "../../$cortex")" "$n" "$work")
echo "$cpp"
echo "$ts"
node -e '
const c = JSON.parse(process.argv[1]), t = JSON.parse(process.argv[2]);
console.log(`C++ SDK mean ${c.mean_ms.toFixed(2)} ms, TS SDK mean ${t.mean_ms.toFixed(2)} ms, ratio ${(t.mean_ms / c.mean_ms).toFixed(1)}x`);' "$cpp" "$ts"
