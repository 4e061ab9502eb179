#!/usr/bin/env bash
# Pipeline benchmark of opencortex (a benchmark, not a test: it never fails on a missed goal).
#
#   bash bench/pipeline_bench.sh [BUILD_DIR]      (a Release build with -DOC_BUILD_BENCH=ON)
#
# One bounded run on loopback only:
#   1. bench/pipeline_mock_api serves BENCH_ROWS (default 1,000,000) flat rows (6 fields, one ISO
#      timestamp) and BENCH_ROWS nested rows (a nested object + a 3-item child list each) in
#      pages of 5,000 with a json_link `next`;
#   2. `cortex pipeline run` loads each into a fresh DuckDB file (end-to-end: HTTP, JSON parse,
#      normalize, load), under /usr/bin/time -v for wall time and peak RSS;
#   3. the limit: the same rows dumped to newline-delimited JSON and loaded by DuckDB's
#      read_json_auto (bench/pipeline_limit) into a table, in the same run.
# Prints rows/s, peak RSS and the ratio to the limit, against the goals (flat ≥ 500k rows/s,
# nested ≥ 200k rows/s, ≥ 0.3× the limit, RSS < 500 MB). Also CPU seconds (user + sys) of both
# sides and their ratio, which a busy machine distorts less than wall time.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-build-pipebench}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
ROWS=${BENCH_ROWS:-1000000}

CORTEX="$BUILD/src/cli/cortex"
MOCK="$BUILD/bench/pipeline_mock_api"
LIMIT="$BUILD/bench/pipeline_limit"
for b in "$CORTEX" "$MOCK" "$LIMIT"; do
    [ -x "$b" ] || { echo "bench/pipeline_bench.sh: missing $b (build with -DOC_BUILD_BENCH=ON)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench/pipeline_bench.sh: needs /usr/bin/time (apt: time)" >&2; exit 1; }

WORK=$(mktemp -d)
MOCK_PID=""
cleanup() {
    [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null && wait "$MOCK_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

"$MOCK" --rows "$ROWS" --port 0 > "$WORK/mock.out" 2>&1 &
MOCK_PID=$!
for _ in $(seq 1 100); do grep -q "listening on" "$WORK/mock.out" 2>/dev/null && break; sleep 0.05; done
URL=$(sed -n 's/^listening on //p' "$WORK/mock.out")
[ -n "$URL" ] || { echo "mock API did not start" >&2; exit 1; }

for kind in flat nested; do
    cat > "$WORK/$kind.yaml" <<EOF
pipeline_name: bench_$kind
dataset_name: bench_data
client:
  base_url: $URL
resources:
  - name: $kind
    endpoint:
      path: $kind
EOF
done

# CPU seconds (user + sys) from a /usr/bin/time -v report.
cpu_of() {
    awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { s += $2 } END { printf "%.2f", s }' "$1"
}

# run KIND → "seconds rss_kb cpu_seconds"
run_cortex() {
    local kind=$1
    (cd "$WORK" && timeout 600 /usr/bin/time -v "$CORTEX" pipeline run "$kind.yaml" --no-progress \
        --pipelines-dir "$WORK/pipelines" > "$WORK/$kind.out" 2> "$WORK/$kind.time") || {
        echo "cortex pipeline run $kind failed:" >&2; tail -5 "$WORK/$kind.time" >&2; exit 1; }
    local wall rss
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/$kind.time")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/$kind.time")
    echo "$(echo "$wall" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }') $rss $(cpu_of "$WORK/$kind.time")"
}

echo "== cortex pipeline run: $ROWS rows each, pages of 5000, from $URL"
read -r FLAT_S FLAT_RSS FLAT_CPU < <(run_cortex flat)
read -r NEST_S NEST_RSS NEST_CPU < <(run_cortex nested)

echo "== limit: read_json_auto over the same rows dumped to NDJSON"
"$MOCK" --rows "$ROWS" --dump "$WORK"
read -r _ LFLAT_ROWS _ LFLAT_S < <(/usr/bin/time -v -o "$WORK/limit_flat.time" \
    "$LIMIT" "$WORK/limit_flat.duckdb" "$WORK/flat.jsonl")
read -r _ LNEST_ROWS _ LNEST_S < <(/usr/bin/time -v -o "$WORK/limit_nested.time" \
    "$LIMIT" "$WORK/limit_nested.duckdb" "$WORK/nested.jsonl")
LFLAT_CPU=$(cpu_of "$WORK/limit_flat.time")
LNEST_CPU=$(cpu_of "$WORK/limit_nested.time")

awk -v rows="$ROWS" -v fs="$FLAT_S" -v frss="$FLAT_RSS" -v ns="$NEST_S" -v nrss="$NEST_RSS" \
    -v lfs="$LFLAT_S" -v lns="$LNEST_S" -v lfr="$LFLAT_ROWS" -v lnr="$LNEST_ROWS" \
    -v fc="$FLAT_CPU" -v nc="$NEST_CPU" -v lfc="$LFLAT_CPU" -v lnc="$LNEST_CPU" 'BEGIN {
    frate = rows / fs; nrate = rows / ns; lf = lfr / lfs; ln = lnr / lns;
    printf "\n%-8s %12s %10s %12s %14s %10s\n", "data", "seconds", "rows/s", "peak RSS MB", "limit rows/s", "x limit";
    printf "%-8s %12.2f %10.0f %12.0f %14.0f %10.2f\n", "flat", fs, frate, frss / 1024, lf, frate / lf;
    printf "%-8s %12.2f %10.0f %12.0f %14.0f %10.2f\n", "nested", ns, nrate, nrss / 1024, ln, nrate / ln;
    printf "\n%-8s %12s %12s %10s\n", "data", "CPU s", "limit CPU s", "x limit";
    printf "%-8s %12.2f %12.2f %10.2f\n", "flat", fc, lfc, (lfc / lfr) / (fc / rows);
    printf "%-8s %12.2f %12.2f %10.2f\n", "nested", nc, lnc, (lnc / lnr) / (nc / rows);
    printf "\ngoals: flat >= 500000 rows/s: %s; nested >= 200000 rows/s: %s; >= 0.3x limit: %s/%s; RSS < 500 MB: %s/%s\n",
        (frate >= 500000 ? "met" : "MISSED"), (nrate >= 200000 ? "met" : "MISSED"),
        (frate / lf >= 0.3 ? "met" : "MISSED"), (nrate / ln >= 0.3 ? "met" : "MISSED"),
        (frss < 512000 ? "met" : "MISSED"), (nrss < 512000 ? "met" : "MISSED");
}'
echo "(nested rows/s counts root rows; each also yields 3 child-table rows)"
grep -h "load package" "$WORK/flat.out" "$WORK/nested.out" || true
