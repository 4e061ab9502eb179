#!/usr/bin/env bash
# Agent runtime benchmarks (docs/BENCHMARKS.md "Agent runtime"), all on 127.0.0.1 against the
# scripted fake LLM (tests/support/fake_llm), ratios measured in this one run:
#   1. `:run` through the fake LLM vs calling the fake LLM directly: added latency to the first
#      text delta and to the end of the stream (median, p99).
#   2. 1000 concurrent streaming runs on one server: `done` events counted, peak RSS of cortex.
#   3. Chat completions proxy throughput (wrk) vs @portkey-ai/gateway on the same fake upstream.
# Usage: bash bench/agent_runtime.sh [BUILD_DIR]   (default build-bench-rt; Release recommended)
# Never fails on a missed goal; exits non-zero only when something could not run.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-build-bench-rt}"
[[ "$BUILD" = /* ]] || BUILD="$ROOT/$BUILD"
ITERATIONS="${ITERATIONS:-2000}"
RUNS="${RUNS:-1000}"
WRK_SECONDS="${WRK_SECONDS:-10}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-64}"

# Binaries: cortex, fake_llm (needs OC_BUILD_TESTS) and run_bench_client (needs OC_BUILD_BENCH).
# CORTEX_BIN, FAKE_LLM_BIN and CLIENT_BIN, when all set, are used as they are (nothing is built).
if [[ -z "${CORTEX_BIN:-}" || -z "${FAKE_LLM_BIN:-}" || -z "${CLIENT_BIN:-}" ]]; then
  # A new build directory is configured as Release; an existing one keeps its build type.
  if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DOC_BUILD_TESTS=ON -DOC_BUILD_BENCH=ON >/dev/null
  elif ! grep -q "OC_BUILD_TESTS:BOOL=ON" "$BUILD/CMakeCache.txt" || ! grep -q "OC_BUILD_BENCH:BOOL=ON" "$BUILD/CMakeCache.txt"; then
    cmake -S "$ROOT" -B "$BUILD" -DOC_BUILD_TESTS=ON -DOC_BUILD_BENCH=ON >/dev/null
  fi
  cmake --build "$BUILD" -j "${JOBS:-2}" --target cortex fake_llm run_bench_client >/dev/null
fi
CORTEX="${CORTEX_BIN:-$BUILD/src/cli/cortex}"
FAKE_LLM="${FAKE_LLM_BIN:-$BUILD/tests/support/fake_llm}"
CLIENT="${CLIENT_BIN:-$BUILD/bench/run_bench_client}"
echo "cortex: $CORTEX ($(grep -s CMAKE_BUILD_TYPE:STRING "$(dirname "$CORTEX")/../../CMakeCache.txt" | cut -d= -f2)), $(nproc) cores"

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# Waits for "listening on http://127.0.0.1:PORT" in a log and prints the URL.
wait_url() {
  for _ in $(seq 1 200); do
    if grep -qo "listening on http://127.0.0.1:[0-9]*" "$1" 2>/dev/null; then
      grep -o "http://127.0.0.1:[0-9]*" "$1" | tail -1
      return 0
    fi
    sleep 0.05
  done
  echo "did not start: $1" >&2
  cat "$1" >&2
  return 1
}

"$FAKE_LLM" --port 0 >"$WORK/fake.log" 2>&1 &
PIDS+=($!)
FAKE="$(wait_url "$WORK/fake.log")"
script_default() { curl -sf -X POST "$FAKE/_default" -d "$1" >/dev/null; }

cat >"$WORK/cortex.toml" <<EOF
[limits]
rate_limit_per_minute = 100000000

[models."fake"]
provider = "openai_compatible"
base_url = "$FAKE/v1"
model = "fake-model"
max_retries = 0
EOF
"$CORTEX" serve --port 0 --data-dir "$WORK/data" --config "$WORK/cortex.toml" --log-level warn \
  >"$WORK/cortex.log" 2>&1 &
CORTEX_PID=$!
PIDS+=($CORTEX_PID)
URL="$(wait_url "$WORK/cortex.log")"
TOKEN="$(grep -m1 '^ocpat_' "$WORK/cortex.log")"

echo
echo "== 1. :run through the fake LLM vs the fake LLM directly ($ITERATIONS each, alternating)"
script_default '{"text_chunks": ["alpha ", "beta ", "gamma"], "text": "alpha beta gamma"}'
"$CLIENT" latency "$URL/api/v2/cortex/agent:run" "$TOKEN" "$FAKE/v1/chat/completions" "$ITERATIONS"

echo
echo "== 2. $RUNS concurrent streaming runs (upstream streams 20 chunks, 50 ms apart)"
CHUNKS=$(printf '"alpha %d ", ' $(seq 1 20))
script_default "{\"text_chunks\": [${CHUNKS%, }], \"chunk_delay_ms\": 50}"
"$CLIENT" concurrent "$URL/api/v2/cortex/agent:run" "$TOKEN" "$RUNS" "$CORTEX_PID" || true

echo
echo "== 3. chat completions proxy throughput: wrk -t2 -c$WRK_CONNECTIONS -d${WRK_SECONDS}s, non-streaming"
script_default '{"text": "ok"}'
if [[ ! -f "$ROOT/bench/node_modules/@portkey-ai/gateway/build/start-server.js" ]]; then
  (cd "$ROOT/bench" && npm install --no-audit --no-fund >/dev/null 2>&1) || true
fi
BODY='{"model": "fake", "messages": [{"role": "user", "content": "hello"}]}'
cat >"$WORK/cortex.lua" <<EOF
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
EOF
cat >"$WORK/portkey.lua" <<EOF
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-fake"
wrk.headers["x-portkey-provider"] = "openai"
wrk.headers["x-portkey-custom-host"] = "$FAKE/v1"
EOF
rps() { grep "Requests/sec" | awk '{print $2}'; }
check() {  # one request through the proxy must answer the fake's completion
  curl -sf -X POST "$1" -H 'Content-Type: application/json' "${@:2}" -d "$BODY" | grep -q '"content":"ok"'
}
check "$URL/api/v2/cortex/v1/chat/completions" -H "Authorization: Bearer $TOKEN"
wrk -t2 -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" -s "$WORK/cortex.lua" "$URL/api/v2/cortex/v1/chat/completions" \
  >"$WORK/wrk-cortex.txt"
CORTEX_RPS="$(rps <"$WORK/wrk-cortex.txt")"
grep -E "Latency|Requests/sec|Non-2xx|Socket errors" "$WORK/wrk-cortex.txt" | sed 's/^/  cortex: /'

PORTKEY_JS="$ROOT/bench/node_modules/@portkey-ai/gateway/build/start-server.js"
if [[ -f "$PORTKEY_JS" ]]; then
  PORTKEY_PORT=$((20000 + RANDOM % 20000))
  node "$PORTKEY_JS" --port="$PORTKEY_PORT" --headless >"$WORK/portkey.log" 2>&1 &
  PIDS+=($!)
  PORTKEY="http://127.0.0.1:$PORTKEY_PORT"
  for _ in $(seq 1 100); do curl -s -o /dev/null "$PORTKEY/" && break; sleep 0.1; done
  check "$PORTKEY/v1/chat/completions" -H "Authorization: Bearer sk-fake" -H "x-portkey-provider: openai" \
    -H "x-portkey-custom-host: $FAKE/v1"
  wrk -t2 -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" -s "$WORK/portkey.lua" "$PORTKEY/v1/chat/completions" \
    >"$WORK/wrk-portkey.txt"
  PORTKEY_RPS="$(rps <"$WORK/wrk-portkey.txt")"
  grep -E "Latency|Requests/sec|Non-2xx|Socket errors" "$WORK/wrk-portkey.txt" | sed 's/^/  portkey: /'
  echo "portkey $(node -p "require('$ROOT/bench/node_modules/@portkey-ai/gateway/package.json').version")," \
       "node $(node --version)"
  awk -v a="$CORTEX_RPS" -v b="$PORTKEY_RPS" \
    'BEGIN { printf "cortex %.0f req/s vs portkey %.0f req/s: %.1fx (goal >= 5x)\n", a, b, a / b }'
else
  echo "portkey: @portkey-ai/gateway is not installed (npm install in bench/ failed); no ratio"
fi
