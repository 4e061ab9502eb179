#!/usr/bin/env bash
# Cortex Search and Analyst benchmark (docs/BENCHMARKS.md, "Cortex Search and Analyst"):
#   1. search_bench: a deterministic 100k-document corpus (Zipf words, attribute columns), our
#      index build and queries in-process (InvertedIndex::Search and SearchService::Query);
#   2. the same corpus and queries, dumped to JSON, in minisearch (npm, pinned in
#      bench/package.json), the peer the ratios are taken against;
#   3. analyst_bench: offline SQL generation per question over the shop semantic model.
# It reports, it never fails on a missed goal. Loopback only; nothing is left running.
# Usage: bash bench/search.sh [BUILD_DIR]   (a Release dir configured with -DOC_BUILD_BENCH=ON)
# Env: SEARCH_DOCS (100000), SEARCH_QUERIES (200), SEARCH_ROUNDS (5, ours), PEER_ROUNDS (1).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build-bench}"
DOCS="${SEARCH_DOCS:-100000}"
QUERIES="${SEARCH_QUERIES:-200}"
ROUNDS="${SEARCH_ROUNDS:-5}"
PEER_ROUNDS="${PEER_ROUNDS:-1}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cmake --build "$BUILD" --target search_bench analyst_bench >/dev/null

echo "== ours: $DOCS documents, $QUERIES queries x $ROUNDS rounds (limit 10)"
"$BUILD/bench/search_bench" --docs "$DOCS" --queries "$QUERIES" --rounds "$ROUNDS" --dump "$WORK" | tee "$WORK/ours.txt"

echo "== minisearch: same corpus and queries x $PEER_ROUNDS rounds"
if [ ! -d "$ROOT/bench/node_modules/minisearch" ]; then
  (cd "$ROOT/bench" && timeout 600 npm install --no-audit --no-fund >"$WORK/npm.log" 2>&1) \
    || { echo "   npm install failed:"; tail -5 "$WORK/npm.log"; }
fi
if [ -d "$ROOT/bench/node_modules/minisearch" ]; then
  (cd "$ROOT/bench" && timeout 1800 node --max-old-space-size=8192 search_minisearch.mjs "$WORK" "$PEER_ROUNDS") \
    | tee "$WORK/peer.txt" || echo "   minisearch run failed or timed out"
else
  : >"$WORK/peer.txt"
fi

echo "== analyst: offline SQL generation"
"$BUILD/bench/analyst_bench" | tee "$WORK/analyst.txt"

get() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
ratio() {
  local a b
  a="$(get "$1" "$WORK/ours.txt")"; b="$(get "$2" "$WORK/peer.txt")"
  if [ -n "$a" ] && [ -n "$b" ]; then awk -v a="$a" -v b="$b" -v l="$3" 'BEGIN { printf "%-44s %10.1fx\n", l, a / b }'; fi
}
echo "== ratios (ours / minisearch; goal >= 10x query throughput, p99 < 5 ms)"
ratio index.search.qps minisearch.search.qps "query throughput (index)"
ratio service.query.qps minisearch.search.qps "query throughput (service, JSON results)"
ratio service.query_filtered.qps minisearch.search_filtered.qps "filtered query throughput (service)"
ratio index.search.cpu_qps minisearch.search.cpu_qps "query throughput per CPU-second (index)"
ratio service.query.cpu_qps minisearch.search.cpu_qps "query throughput per CPU-second (service)"
b="$(get minisearch.build_ms "$WORK/peer.txt")"; a="$(get index.build_ms "$WORK/ours.txt")"
if [ -n "$a" ] && [ -n "$b" ]; then awk -v a="$a" -v b="$b" 'BEGIN { printf "%-44s %10.1fx\n", "index build speed (minisearch ms / ours ms)", b / a }'; fi
