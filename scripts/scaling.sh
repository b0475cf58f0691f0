#!/usr/bin/env bash
# Multi-core scaling curve: the server pinned to 1, 2, 4, 8 and 16 cores
# (taskset; tokio sizes its worker pool by them), the tonic load client on
# the remaining cores, Process on a ~5 KB article at concurrency 64. A
# point that leaves the client no core of its own (16 threads on a 16-core
# machine) runs with the client on all cores, and its line says so
# ("client_shares_cores": true); a point with more threads than cores is
# skipped. Best on a machine with >= 17 cores; the 16-core device machine
# runs every point. Then the JSONL CLI at 1, 2, 4, 8 and 16 jobs (up to the
# machine's cores; scripts/cli_jobs.sh, two rounds).
# Usage: scripts/scaling.sh [SECONDS_PER_POINT]  -> one JSON line per point,
#        then the CLI's table
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
cores=$(nproc)
cargo build --release --quiet --bin precis --example loadgen
work=$(mktemp -d)
trap 'pkill -P $$ || true; rm -rf "$work"' EXIT
# The ~5 KB load-test article: the seed article and its first paragraphs again.
python3 scripts/load_article.py "$work/article.txt"
for n in 1 2 4 8 16; do
  if [ "$n" -gt "$cores" ]; then echo "{\"threads\": $n, \"skipped\": \"only $cores cores\"}"; continue; fi
  if [ "$n" -lt "$cores" ]; then client_cpus="$n-$((cores-1))"; shares=false; else client_cpus="0-$((cores-1))"; shares=true; fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  TOKIO_WORKER_THREADS=$n taskset -c "0-$((n-1))" ./target/release/precis serve \
    --listen "127.0.0.1:$port" --max-concurrent-requests 512 2>/dev/null &
  pid=$!
  sleep 1
  result=$(taskset -c "$client_cpus" ./target/release/examples/loadgen --addr "127.0.0.1:$port" \
    --rpc process --text "$work/article.txt" --concurrency 64 --connections 8 --seconds "$seconds")
  echo "{\"threads\": $n, \"client_shares_cores\": $shares, \"result\": $result}"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
scripts/cli_jobs.sh 2 6 process
