#!/usr/bin/env bash
# API benchmark of opencortex (a benchmark, not a test: it never fails on a missed goal).
#
#   bash bench/api.sh [BUILD_DIR]        (or: make bench)
#
# One bounded run on loopback only. With wrk (2 threads, 64 connections, a warm-up then a fixed
# measured duration per target) it measures:
#   1. cortex:      describe  GET  /api/v2/databases/DEMO/schemas/PUBLIC/agents/SALES_ASSISTANT
#                   list      GET  /api/v2/databases/DEMO/schemas/PUBLIC/agents   (10 agents)
#                   create    POST /api/v2/databases/DEMO/schemas/PUBLIC/agents?createMode=orReplace
#                             (unique names from a per-thread counter; each one a durable DuckDB commit)
#   2. hello_server (bench/hello_server.cpp): the same Beast/Asio shape answering a fixed JSON body,
#      i.e. what this machine can do over HTTP at all;
#   3. json-server (npm, pinned in bench/package.json) serving the same 10 agents from a db.json:
#      GET one by id and GET the list;
#   4. duckdb_insert_bench (bench/duckdb_insert_bench.cpp): one thread of autocommit single-row
#      INSERTs into an agents-shaped table, the peer of create (run right before and right after it).
# Then prints the ratios against the goals. Next to each wrk figure it prints "other CPU": the share
# of the machine used by neither the server nor wrk during the run; above ~10% the figure is skewed.
#
# Environment: BENCH_DURATION (seconds per measurement, default 10), BENCH_WARMUP (default 3).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac

DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-3}
THREADS=2
CONNS=64
JSON_SERVER_VERSION=0.17.4   # keep in step with bench/package.json

CORTEX="$BUILD/src/cli/cortex"
HELLO="$BUILD/bench/hello_server"
DUCKLOOP="$BUILD/bench/duckdb_insert_bench"

die() { echo "bench/api.sh: $*" >&2; exit 1; }
note() { echo "== $*"; }

for b in "$CORTEX" "$HELLO" "$DUCKLOOP"; do
  [ -x "$b" ] || die "$b not found: build with -DOC_BUILD_BENCH=ON (make bench)"
done
if ! command -v wrk >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
fi
command -v curl >/dev/null 2>&1 || die "curl is missing"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/oc-bench.XXXXXX")
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]:-}"; do
    if [ -n "$p" ]; then kill "$p" 2>/dev/null || true; fi
  done
  for p in "${PIDS[@]:-}"; do
    if [ -n "$p" ]; then wait "$p" 2>/dev/null || true; fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# stop PID: ends one process this script started.
stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# wait_for_line FILE REGEX PID: up to 60 s for a line in FILE while PID lives.
wait_for_line() {
  local i
  for i in $(seq 1 600); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# to_ms VALUE: wrk latency ("812.00us", "1.20ms", "2.01s", "1.00m") in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
    printf "%.3f", n }'
}

# CPU accounting, to show how much of the machine something else used during a measurement.
# cpu_total: "busy all" jiffies of the machine (busy = user + nice + system).
cpu_total() { awk '/^cpu / {print $2 + $3 + $4, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
# pid_cpu PID: utime + stime jiffies of one process (0 once gone).
pid_cpu() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# children_cpu: user + system jiffies of this shell's reaped children (wrk), from `times`, which
# must run in this shell (not in a $(...) subshell), hence the file.
children_cpu() {
  times >"$WORK/times"
  awk -v hz="$(getconf CLK_TCK)" 'NR == 2 {
    split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d\n", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * hz }' \
    "$WORK/times"
}

declare -A RPS P99 ERRS OTHER
SERVER_PID=""
# run_wrk LABEL URL [wrk args...]: warm-up, then the measured run against $SERVER_PID; records
# RPS, p99 (ms), errors and OTHER: % of the machine's CPU used by neither the server nor wrk.
run_wrk() {
  local label=$1 url=$2; shift 2
  local out="$WORK/wrk-$label.txt"
  note "$label: warm-up ${WARMUP}s, then ${DURATION}s ($THREADS threads, $CONNS connections)"
  timeout $((WARMUP + 60)) wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" --timeout 10s "$@" "$url" WARM >/dev/null
  local t0 s0 c0 t1 s1 c1
  children_cpu >"$WORK/c0"; t0=$(cpu_total); s0=$(pid_cpu "$SERVER_PID"); c0=$(cat "$WORK/c0")
  timeout $((DURATION + 60)) wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 10s --latency "$@" "$url" RUN >"$out"
  t1=$(cpu_total); s1=$(pid_cpu "$SERVER_PID"); children_cpu >"$WORK/c1"; c1=$(cat "$WORK/c1")
  OTHER[$label]=$(awk -v t0="$t0" -v t1="$t1" -v s="$((s1 - s0))" -v c="$((c1 - c0))" 'BEGIN {
    split(t0, a, " "); split(t1, b, " "); all = b[2] - a[2]; o = (b[1] - a[1]) - s - c;
    if (o < 0) o = 0; printf "%.0f", (all > 0 ? 100 * o / all : 0) }')
  sed 's/^/   /' "$out"
  echo "   CPU used by other processes during the run: ${OTHER[$label]}% of the machine"
  RPS[$label]=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  P99[$label]=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
  local non2xx sock
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
  sock=$(awk '/Socket errors:/ {s = 0; for (i = 4; i <= NF; i += 2) s += $i + 0; print s}' "$out")
  ERRS[$label]=$(( ${non2xx:-0} + ${sock:-0} ))
  [ "${ERRS[$label]}" -eq 0 ] || echo "   WARNING: $label had ${ERRS[$label]} failed responses or socket errors"
}

# The create script: unique agent names from a per-thread counter; wrk's trailing argument is the
# name prefix (WARM for the warm-up, RUN for the measurement), so names never repeat.
cat >"$WORK/create.lua" <<'LUA'
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
end
local prefix, counter = "RUN", 0
function init(args)
  prefix = args[1] or "RUN"
end
function request()
  counter = counter + 1
  local name = "BENCH_" .. prefix .. "_T" .. tid .. "_" .. counter
  local body = '{"name":"' .. name .. '","comment":"benchmark agent",' ..
    '"profile":{"display_name":"Bench agent"},' ..
    '"models":{"orchestration":"auto"},' ..
    '"instructions":{"system":"You are a benchmark agent of opencortex. Answer questions about the DEMO database.",' ..
    '"response":"Answer concisely and show the numbers you used."},' ..
    '"orchestration":{"budget":{"seconds":30,"tokens":16000}},' ..
    '"tools":[{"tool_spec":{"type":"cortex_analyst_text_to_sql","name":"sales_analyst",' ..
    '"description":"Revenue, orders, customers and products of the DEMO database"}}],' ..
    '"tool_resources":{"sales_analyst":{"semantic_model_file":"@DEMO.PUBLIC.MODELS/sales.yaml",' ..
    '"execution_environment":{"type":"warehouse","warehouse":"DEMO_WH"}}}}'
  return wrk.format("POST", nil, nil, body)
end
LUA

note "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(uname -sr)"
note "tools: $(wrk --version 2>&1 | head -1 | awk '{print $1, $2}'), node $(node --version 2>/dev/null || echo missing)"
note "scratch: $WORK"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
note "load average before: $LOAD_BEFORE (other work on the machine skews every figure)"

# ---------------------------------------------------------------- 1. hello_server (machine limit)
"$HELLO" 0 >"$WORK/hello.out" 2>&1 &
HELLO_PID=$!; PIDS+=("$HELLO_PID"); SERVER_PID=$HELLO_PID
wait_for_line "$WORK/hello.out" 'listening on' "$HELLO_PID" || die "hello_server did not start: $(cat "$WORK/hello.out")"
HELLO_URL=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$WORK/hello.out" | head -1)
run_wrk hello "$HELLO_URL/api/v2/databases/DEMO/schemas/PUBLIC/agents/SALES_ASSISTANT"
stop "$HELLO_PID"

# ---------------------------------------------------------------- 2. cortex describe / list
mkdir -p "$WORK/data"
CORTEX_RATE_LIMIT=100000000 "$CORTEX" serve --host 127.0.0.1 --port 0 --data-dir "$WORK/data" --demo \
  --log-level warn >"$WORK/cortex.out" 2>"$WORK/cortex.err" &
CORTEX_PID=$!; PIDS+=("$CORTEX_PID"); SERVER_PID=$CORTEX_PID
wait_for_line "$WORK/cortex.out" 'listening on' "$CORTEX_PID" \
  || die "cortex did not start: $(cat "$WORK/cortex.out" "$WORK/cortex.err")"
BASE=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$WORK/cortex.out" | head -1)
TOKEN=$(awk '/admin token, shown once:/ {getline; print $1; exit}' "$WORK/cortex.err")
[ -n "$TOKEN" ] || die "no admin token on cortex's stderr: $(cat "$WORK/cortex.err")"
AUTH=(-H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json")
AGENTS="$BASE/api/v2/databases/DEMO/schemas/PUBLIC/agents"

# 9 more agents, so that list returns 10 (the same 10 json-server gets below).
for i in 1 2 3 4 5 6 7 8 9; do
  code=$(curl -s -o "$WORK/create.json" -w '%{http_code}' "${AUTH[@]}" -X POST "$AGENTS" \
    --data "{\"name\":\"LIST_AGENT_$i\",\"comment\":\"list agent $i\",\"models\":{\"orchestration\":\"auto\"},\"instructions\":{\"system\":\"You are list agent $i of the benchmark.\",\"response\":\"Answer concisely.\"}}")
  [ "$code" = 200 ] || die "create LIST_AGENT_$i: HTTP $code $(cat "$WORK/create.json")"
done
code=$(curl -s -o "$WORK/list.json" -w '%{http_code}' "${AUTH[@]}" "$AGENTS")
[ "$code" = 200 ] || die "list: HTTP $code $(cat "$WORK/list.json")"
code=$(curl -s -o "$WORK/describe.json" -w '%{http_code}' "${AUTH[@]}" "$AGENTS/SALES_ASSISTANT")
[ "$code" = 200 ] || die "describe: HTTP $code $(cat "$WORK/describe.json")"
note "describe body $(wc -c <"$WORK/describe.json") bytes, list body $(wc -c <"$WORK/list.json") bytes"

# db.json for json-server: the same agents, each as our describe returns it, with "id" = name.
printf '{"agents":[' >"$WORK/db.json"
first=1
for name in SALES_ASSISTANT LIST_AGENT_1 LIST_AGENT_2 LIST_AGENT_3 LIST_AGENT_4 LIST_AGENT_5 \
            LIST_AGENT_6 LIST_AGENT_7 LIST_AGENT_8 LIST_AGENT_9; do
  body=$(curl -sf "${AUTH[@]}" "$AGENTS/$name") || die "describe $name failed"
  [ $first = 1 ] || printf ',' >>"$WORK/db.json"
  first=0
  printf '{"id":"%s",%s' "$name" "${body#\{}" >>"$WORK/db.json"
done
printf ']}\n' >>"$WORK/db.json"

run_wrk describe "$AGENTS/SALES_ASSISTANT" "${AUTH[@]}"
run_wrk list "$AGENTS" "${AUTH[@]}"

# ---------------------------------------------------------------- 3. cortex create vs raw DuckDB loop
# Both are bound by one fsync per commit, whose latency drifts with whatever else the disk does,
# so the raw loop runs right before and right after create and the peer figure is their mean.
# duck_loop WHEN: runs the loop, prints its line, leaves the rate in $WORK/duckloop-WHEN.rate.
duck_loop() {
  note "duckdb_insert_bench ($1 create): ${DURATION}s of autocommit INSERTs into $WORK/loop.duckdb"
  timeout $((DURATION + 60)) "$DUCKLOOP" "$WORK/loop.duckdb" "$DURATION" >"$WORK/duckloop-$1.txt"
  sed 's/^/   /' "$WORK/duckloop-$1.txt"
  awk '{for (i = 1; i < NF; ++i) if ($i == "inserts/s:") print $(i + 1)}' "$WORK/duckloop-$1.txt" \
    >"$WORK/duckloop-$1.rate"
}
duck_loop before
run_wrk create "$AGENTS?createMode=orReplace" "${AUTH[@]}" -s "$WORK/create.lua"
stop "$CORTEX_PID"
duck_loop after
DUCK_BEFORE=$(cat "$WORK/duckloop-before.rate")
DUCK_AFTER=$(cat "$WORK/duckloop-after.rate")
DUCK_RATE=$(awk -v a="$DUCK_BEFORE" -v b="$DUCK_AFTER" 'BEGIN { if (a != "" && b != "") printf "%.1f", (a + b) / 2 }')

# ---------------------------------------------------------------- 4. json-server
JSON_OK=0
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  have=$(node -p "require('$ROOT/bench/node_modules/json-server/package.json').version" 2>/dev/null || true)
  if [ "$have" != "$JSON_SERVER_VERSION" ]; then
    note "installing json-server $JSON_SERVER_VERSION into bench/node_modules"
    (cd "$ROOT/bench" && timeout 600 npm install --no-audit --no-fund >"$WORK/npm.log" 2>&1) \
      || { echo "   npm install failed:"; tail -5 "$WORK/npm.log" | sed 's/^/   /'; }
  fi
  if [ -x "$ROOT/bench/node_modules/.bin/json-server" ]; then
    JPORT=$(free_port)
    (cd "$WORK" && exec "$ROOT/bench/node_modules/.bin/json-server" --quiet --host 127.0.0.1 \
      --port "$JPORT" "$WORK/db.json" >"$WORK/json-server.out" 2>&1) &
    JSON_PID=$!; PIDS+=("$JSON_PID"); SERVER_PID=$JSON_PID
    JURL="http://127.0.0.1:$JPORT"
    for i in $(seq 1 300); do
      curl -sf -o /dev/null "$JURL/agents/SALES_ASSISTANT" && { JSON_OK=1; break; }
      kill -0 "$JSON_PID" 2>/dev/null || break
      sleep 0.1
    done
    if [ $JSON_OK = 1 ]; then
      note "json-server one-item body $(curl -s "$JURL/agents/SALES_ASSISTANT" | wc -c) bytes, list body $(curl -s "$JURL/agents" | wc -c) bytes"
      run_wrk json_one "$JURL/agents/SALES_ASSISTANT"
      run_wrk json_list "$JURL/agents"
    else
      echo "   json-server did not start: $(cat "$WORK/json-server.out")"
    fi
    stop "$JSON_PID"
  fi
else
  echo "   node/npm missing: json-server comparisons skipped"
fi

# ---------------------------------------------------------------- report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
verdict() {  # verdict VALUE OP LIMIT
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
    if (v == "n/a" || v == "") { print "not measured"; exit }
    ok = (op == ">=") ? (v + 0 >= l + 0) : (v + 0 < l + 0); print ok ? "MET" : "NOT MET" }'
}
row() { printf '| %-34s | %12s | %9s | %6s | %9s |\n' "$1" "${2:-n/a}" "${3:-n/a}" "${4:-0}" "${5:--}"; }

echo
echo "## Results ($(nproc) cores; wrk -t$THREADS -c$CONNS -d${DURATION}s after a ${WARMUP}s warm-up)"
echo
echo "load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| %-34s | %12s | %9s | %6s | %9s |\n' "target" "requests/s" "p99 ms" "errors" "other CPU"
printf '|%s|%s|%s|%s|%s|\n' "------------------------------------" "--------------" "-----------" "--------" "-----------"
row "hello_server (machine limit)" "${RPS[hello]:-}" "${P99[hello]:-}" "${ERRS[hello]:-}" "${OTHER[hello]:+${OTHER[hello]}%}"
row "cortex describe" "${RPS[describe]:-}" "${P99[describe]:-}" "${ERRS[describe]:-}" "${OTHER[describe]:+${OTHER[describe]}%}"
row "cortex list (10 agents)" "${RPS[list]:-}" "${P99[list]:-}" "${ERRS[list]:-}" "${OTHER[list]:+${OTHER[list]}%}"
row "cortex create (orReplace)" "${RPS[create]:-}" "${P99[create]:-}" "${ERRS[create]:-}" "${OTHER[create]:+${OTHER[create]}%}"
row "json-server GET one" "${RPS[json_one]:-}" "${P99[json_one]:-}" "${ERRS[json_one]:-}" "${OTHER[json_one]:+${OTHER[json_one]}%}"
row "json-server GET list (10)" "${RPS[json_list]:-}" "${P99[json_list]:-}" "${ERRS[json_list]:-}" "${OTHER[json_list]:+${OTHER[json_list]}%}"
row "DuckDB insert loop, before create" "${DUCK_BEFORE:-}" "-" "-"
row "DuckDB insert loop, after create" "${DUCK_AFTER:-}" "-" "-"
row "DuckDB insert loop, mean" "${DUCK_RATE:-}" "-" "-"

busy=""
for k in hello describe list create json_one json_list; do
  if [ "${OTHER[$k]:-0}" -gt 10 ]; then busy="$busy $k(${OTHER[$k]}%)"; fi
done
if [ -n "$busy" ]; then
  echo
  echo "WARNING: other processes used more than 10% of the machine during:$busy;"
  echo "those figures are skewed (for create, the kernel's journaling threads count as 'other')."
fi

r1=$(ratio "${RPS[describe]:-}" "${RPS[hello]:-}")
r2=$(ratio "${RPS[describe]:-}" "${RPS[json_one]:-}")
r3=$(ratio "${RPS[list]:-}" "${RPS[json_list]:-}")
r4=$(ratio "${RPS[create]:-}" "${DUCK_RATE:-}")
p99=${P99[describe]:-n/a}
echo
printf '| %-34s | %9s | %9s | %-12s |\n' "measure" "value" "goal" "verdict"
printf '|%s|%s|%s|%s|\n' "------------------------------------" "-----------" "-----------" "--------------"
printf '| %-34s | %9s | %9s | %-12s |\n' "describe / hello_server" "$r1" ">= 0.5" "$(verdict "$r1" '>=' 0.5)"
printf '| %-34s | %9s | %9s | %-12s |\n' "describe / json-server GET one" "$r2" ">= 10" "$(verdict "$r2" '>=' 10)"
printf '| %-34s | %9s | %9s | %-12s |\n' "list / json-server GET list" "$r3" "(none)" "-"
printf '| %-34s | %9s | %9s | %-12s |\n' "describe p99 (ms)" "$p99" "< 5" "$(verdict "$p99" '<' 5)"
printf '| %-34s | %9s | %9s | %-12s |\n' "create / DuckDB insert loop (mean)" "$r4" ">= 0.5" "$(verdict "$r4" '>=' 0.5)"
