#!/usr/bin/env bash
# Alternating A/B rounds of server builds or settings: for each round and
# each configuration in turn, a fresh server, 1 s of warm-up, then SECONDS of
# h2load at c=64 (-m 1) for Process on the ~5 KB load-test article and for
# GetInfo. Prints req/s and the server's CPU per call (/proc utime + stime of
# the whole process, every thread included), as scripts/loadtest.sh's pairs
# measure them. Alternating fresh servers is what makes two builds
# comparable on a VM whose speed drifts.
#
# Usage: scripts/ab_rounds.sh ROUNDS SECONDS NAME=BINARY[,VAR=VALUE...] ...
# e.g.   scripts/ab_rounds.sh 4 3 base=/tmp/precis-base new=target/release/precis
#        scripts/ab_rounds.sh 3 3 info=target/release/precis,RUST_LOG=info \
#          warn=target/release/precis,RUST_LOG=warn
# Each server's log goes to a file (as in the load test) in the work
# directory, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v h2load >/dev/null || { echo "needs h2load: apt-get install -y nghttp2-client"; exit 1; }
[ $# -ge 3 ] || { sed -n 2,14p "$0"; exit 2; }
rounds=$1
seconds=$2
shift 2
# $work: the load-test article and the request bodies.
source scripts/load_bodies.sh

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# One fresh server of configuration $1 (NAME=BINARY[,VAR=VALUE...]), one RPC.
round() {
  local name=${1%%=*} rest=${1#*=} rpc=$2
  local binary=${rest%%,*} settings=()
  [ "$rest" != "$binary" ] && IFS=, read -r -a settings <<< "${rest#*,}"
  local port body
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  body="$work/process.bin"
  [ "$rpc" = GetInfo ] && body="$work/getinfo.bin"
  env "${settings[@]}" "$binary" serve --listen "127.0.0.1:$port" \
    --max-concurrent-requests 512 2>>"$work/$name.log" &
  server_pid=$!
  sleep 0.7
  local url="http://127.0.0.1:$port/precis.v1.Precis/$rpc"
  local h2=(h2load -c 64 -m 1 -t 1 -d "$body" -H 'content-type: application/grpc' -H 'te: trailers')
  "${h2[@]}" -D 1 "$url" >/dev/null
  local before after calls
  before=$(cpu_ticks "$server_pid")
  calls=$("${h2[@]}" -D "$seconds" "$url" | awk '/^requests:/ {print $8}')
  after=$(cpu_ticks "$server_pid")
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  python3 -c "
ticks = $after - $before
print(f'{\"$name\":<8} {\"$rpc\":<8} {$calls / $seconds:8.0f} req/s  server {ticks * 1e6 / $(getconf CLK_TCK) / $calls:6.1f} us/call')"
}

for r in $(seq "$rounds"); do
  echo "== round $r"
  for config in "$@"; do
    for rpc in Process GetInfo; do
      round "$config" "$rpc"
    done
  done
done
