#!/usr/bin/env bash
# Profile-guided build (PGO) of the precis binary, to measure against the
# plain release build (docs/PERFORMANCE.md, "Twentieth session": on the
# development VM it did not pay in the server, so releases do not use it).
#
#   1. builds precis instrumented (-Cprofile-generate) in target/pgo-instrumented;
#   2. runs it over the repository's own texts in every script they carry, through
#      the JSONL commands and the gRPC server (scripts/pgo_training.py);
#   3. merges the profile with the toolchain's llvm-profdata (rustup component
#      llvm-tools, added when missing) and builds with it (-Cprofile-use) in
#      target/pgo: target/pgo/release/precis;
#   4. builds the plain release binary and checks that both answer every JSONL
#      command byte for byte the same (`pgo_training.py --compare`: the
#      repository's texts, and ../shared's data sets when they are there).
#
# Then: PRECIS_BIN=target/pgo/release/precis scripts/loadtest.sh, and
# SERVER_PATH=target/pgo/release/examples/server_path scripts/cold_misses.py
# (with PGO_EXTRA_TARGETS="--example server_path").
#
# Usage: scripts/pgo_build.sh [SECONDS_PER_ARTICLE]   (server training, default 1)
# Env:   PGO_EXTRA_TARGETS: more cargo target flags for the PGO build, e.g.
#        "--example server_path" (built with the same profile).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-1}
host=$(rustc -vV | sed -n 's/^host: //p')
profdata="$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata"
if [ ! -x "$profdata" ]; then
  rustup component add llvm-tools
fi
profiles="$PWD/target/pgo-profiles"
rm -rf "$profiles"
mkdir -p "$profiles"

echo "== 1/4 instrumented build"
RUSTFLAGS="${RUSTFLAGS:-} -Cprofile-generate=$profiles/raw" \
  cargo build --release --locked --quiet --target-dir target/pgo-instrumented --bin precis
cargo build --release --locked --quiet --bin precis --example loadgen

echo "== 2/4 training run"
python3 scripts/pgo_training.py target/pgo-instrumented/release/precis \
  target/release/examples/loadgen "$seconds"
"$profdata" merge -o "$profiles/precis.profdata" "$profiles"/raw/*.profraw

echo "== 3/4 build with the profile"
# Cargo does not see a new profile behind the same flag: build from scratch.
rm -rf target/pgo
# shellcheck disable=SC2086 # PGO_EXTRA_TARGETS is a list of cargo flags
RUSTFLAGS="${RUSTFLAGS:-} -Cprofile-use=$profiles/precis.profdata" \
  cargo build --release --locked --quiet --target-dir target/pgo --bin precis ${PGO_EXTRA_TARGETS:-}

echo "== 4/4 the same answers as the plain release build"
python3 scripts/pgo_training.py --compare target/release/precis target/pgo/release/precis
echo "built target/pgo/release/precis"
