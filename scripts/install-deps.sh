#!/usr/bin/env bash
# Installs everything opencortex needs on Debian 12: apt packages and the prebuilt DuckDB 1.4.4
# C library (from npm). Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates curl
  libboost-system-dev libboost-dev libcurl4-openssl-dev nlohmann-json3-dev libsimdjson-dev
  libexpected-dev libyaml-cpp-dev libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev
  libssl-dev libpq-dev libgtest-dev libgmock-dev libbenchmark-dev wrk hyperfine openssl
  postgresql-15 libre2-dev
)

command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(nodejs npm)

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# DuckDB: prebuilt libduckdb.so + duckdb.h from the npm registry (no compilation).
DUCK_VERSION=1.4.4
DUCK_DIR=third_party/duckdb
if [ ! -f "$DUCK_DIR/lib/libduckdb.so" ] || [ ! -f "$DUCK_DIR/include/duckdb.h" ] \
   || [ "$(cat "$DUCK_DIR/VERSION" 2>/dev/null)" != "$DUCK_VERSION" ]; then
  echo "install-deps: fetching DuckDB $DUCK_VERSION from npm"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "@duckdb/node-bindings-linux-x64@${DUCK_VERSION}-r.4" "duckdb@${DUCK_VERSION}" >/dev/null)
  mkdir -p "$tmp/b" "$tmp/h" "$DUCK_DIR/lib" "$DUCK_DIR/include"
  tar xzf "$tmp"/duckdb-node-bindings-linux-x64-*.tgz -C "$tmp/b" package/libduckdb.so
  tar xzf "$tmp"/duckdb-${DUCK_VERSION}.tgz -C "$tmp/h" package/src/duckdb/src/include/duckdb.h
  cp "$tmp/b/package/libduckdb.so" "$DUCK_DIR/lib/"
  cp "$tmp/h/package/src/duckdb/src/include/duckdb.h" "$DUCK_DIR/include/"
  echo "$DUCK_VERSION" > "$DUCK_DIR/VERSION"
fi

# npm clients used by tests and benchmarks (json-server for bench/api.sh).
if [ ! -d tests/node/node_modules ] && [ -f tests/node/package.json ]; then
  (cd tests/node && npm install --silent --no-audit --no-fund)
fi
# openai npm client for the chat completions conformance test (tests/conformance).
if [ ! -d tests/conformance/node_modules/openai ] && [ -f tests/conformance/package.json ]; then
  (cd tests/conformance && npm install --silent --no-audit --no-fund)
fi
# @portkey-ai/gateway, the chat-completions proxy peer of bench/agent_runtime.sh (bench/package.json).
if [ ! -d bench/node_modules/@portkey-ai/gateway ] && [ -f bench/package.json ]; then
  (cd bench && npm install --silent --no-audit --no-fund)
fi
echo "install-deps: ok"
