#!/usr/bin/env bash
# Soak test (not in CI's default path): minutes of steady gRPC load on
# loopback against the optimized `precis serve` binary, a mix of Process,
# Segment, Summarize, ProcessStream and an invalid request. Passes with zero
# unexpected errors and flat memory; prints the call rate and the server's RSS
# after warm-up and at the end.
#
#   scripts/soak.sh                      # 5 minutes, 8 clients
#   SOAK_SECS=60 SOAK_CONCURRENCY=4 scripts/soak.sh
#
# Bounded: the load stops after SOAK_SECS (+ a warm-up of SOAK_SECS/10, 5-30 s);
# the whole script is killed after SOAK_SECS + 30 minutes (for the build).
# The test itself is `soak` in tests/it/reliability.rs (#[ignore]d).
set -euo pipefail
cd "$(dirname "$0")/.."
export SOAK_SECS="${SOAK_SECS:-300}"
export SOAK_CONCURRENCY="${SOAK_CONCURRENCY:-8}"
timeout "$((SOAK_SECS + 1800))" \
  cargo test --profile eval --test it reliability::soak -- --ignored --nocapture --exact
