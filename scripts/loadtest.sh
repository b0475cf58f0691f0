#!/usr/bin/env bash
# gRPC load test of the release server on this machine: Process on a ~5 KB
# article and GetInfo (the transport ceiling of the same server), at
# concurrency 1, 8, 64 and 256, with h2load (Debian nghttp2-client) and the
# in-repo tonic client (examples/loadgen.rs). Then the Process / GetInfo
# ratio at c=64 from alternating pairs of short h2load runs (their median).
# Checks grpc-status in the trailers (h2load only counts HTTP 200), and
# reports the server's peak RSS.
#
# Usage: scripts/loadtest.sh [SECONDS_PER_POINT]   (default 5)
# Env:   SERVER_CPUS (taskset list for the server, default: all),
#        CLIENT_CPUS (taskset list for the clients, default: all),
#        RATIO_PAIRS (alternating Process/GetInfo pairs at c=64, default 5),
#        PRECIS_BIN (the server binary, default target/release/precis, built
#        first; e.g. target/pgo/release/precis from scripts/pgo_build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
command -v h2load >/dev/null || { echo "needs h2load: apt-get install -y nghttp2-client"; exit 1; }
cargo build --release --quiet --bin precis --example loadgen
precis=${PRECIS_BIN:-./target/release/precis}
echo "server binary: $precis"
# $work: the load-test article and the request bodies.
source scripts/load_bodies.sh

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
addr="127.0.0.1:$port"
server_cpus=${SERVER_CPUS:-0-$(($(nproc)-1))}
client_cpus=${CLIENT_CPUS:-0-$(($(nproc)-1))}
taskset -c "$server_cpus" "$precis" serve --listen "$addr" \
  --max-concurrent-requests 512 2>"$work/server.log" &
server_pid=$!
sleep 1
rss() { awk '/VmRSS|VmHWM/ {printf "%s=%s%s ", $1, $2, $3}' "/proc/$server_pid/status"; }
echo "server: $(rss)  (before load)"

# Trailers must say grpc-status: 0.
for rpc in Process GetInfo; do
  body="$work/$(echo $rpc | tr 'A-Z' 'a-z' | sed 's/getinfo/getinfo/').bin"
  [ "$rpc" = Process ] && body="$work/process.bin" || body="$work/getinfo.bin"
  status=$(nghttp -v -d "$body" -H 'content-type: application/grpc' -H 'te: trailers' \
    "http://$addr/precis.v1.Precis/$rpc" 2>&1 | grep -a -m1 'grpc-status' | tr -d '\r' || true)
  echo "$rpc trailer: $status"
  echo "$status" | grep -q 'grpc-status: 0' || { echo "FAIL: $rpc did not return grpc-status 0"; exit 1; }
done

echo "== h2load ($seconds s per point; -m 1 so concurrency = streams in flight)"
printf "%-8s %6s %12s %10s %10s %8s\n" rpc conc "req/s" "mean_ms" "max_ms" "failed"
for rpc in GetInfo Process; do
  [ "$rpc" = Process ] && body="$work/process.bin" || body="$work/getinfo.bin"
  for c in 1 8 64 256; do
    out=$(taskset -c "$client_cpus" h2load -D "$seconds" -c "$c" -m 1 -t 1 -d "$body" \
      -H 'content-type: application/grpc' -H 'te: trailers' \
      "http://$addr/precis.v1.Precis/$rpc" 2>&1)
    rps=$(echo "$out" | awk '/finished in/ {for(i=1;i<=NF;i++) if ($i ~ /req\/s/) print $(i-1)}')
    mean=$(echo "$out" | awk '/time for request:/ {print $6}')
    max=$(echo "$out" | awk '/time for request:/ {print $5}')
    failed=$(echo "$out" | awk '/^requests:/ {for(i=1;i<=NF;i++) if ($(i+1) ~ /failed/) print $i}')
    printf "%-8s %6s %12s %10s %10s %8s\n" "$rpc" "$c" "$rps" "$mean" "$max" "$failed"
  done
done
echo "server: $(rss)  (after h2load)"

# The sweep above measures GetInfo and Process tens of seconds apart; this
# VM's speed drifts by up to 2x in that time. Alternating short runs of the
# two at c=64 and taking the median of the per-pair ratios compares them
# under the same conditions. Each run also reports the CPU time per call
# (server and h2load together, and the server's share), which drifts less
# than the rates: the ratio of those costs bounds the rate ratio when both
# RPCs keep the cores busy.
pairs=${RATIO_PAIRS:-5}
echo "== Process / GetInfo at c=64, $pairs alternating pairs of $seconds s (h2load)"
server_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
# Prints "REQ/S CPU_US_PER_CALL SERVER_CPU_US_PER_CALL" for one run.
h2rate() {
  local before after out
  before=$(server_ticks)
  out=$( { TIMEFORMAT='client-cpu %U %S'; time taskset -c "$client_cpus" h2load -D "$seconds" \
    -c 64 -m 1 -t 1 -d "$2" -H 'content-type: application/grpc' -H 'te: trailers' \
    "http://$addr/precis.v1.Precis/$1"; } 2>&1 )
  after=$(server_ticks)
  echo "$out" | python3 -c '
import re, sys
out = sys.stdin.read()
before, after, tick = (float(x) for x in sys.argv[1:])
rate = float(re.search(r"finished in .*?, ([0-9.]+) req/s", out).group(1))
calls = int(re.search(r"requests: .*? (\d+) succeeded", out).group(1))
user, system = (float(x) for x in re.search(r"client-cpu ([0-9.]+) ([0-9.]+)", out).groups())
server = (after - before) / tick
print(f"{rate:.0f} {1e6 * (server + user + system) / calls:.0f} {1e6 * server / calls:.0f}")
' "$before" "$after" "$(getconf CLK_TCK)"
}
ratios=""
cost_ratios=""
for _ in $(seq "$pairs"); do
  read -r p p_cpu p_server < <(h2rate Process "$work/process.bin")
  read -r g g_cpu g_server < <(h2rate GetInfo "$work/getinfo.bin")
  r=$(python3 -c "print(f'{100 * $p / $g:.1f}')")
  cr=$(python3 -c "print(f'{100 * $g_cpu / $p_cpu:.1f}')")
  printf "Process %6s req/s %4s us/call (server %3s)  GetInfo %6s req/s %3s us/call (server %3s)  ratio %5s%%  cost ratio %5s%%\n" \
    "$p" "$p_cpu" "$p_server" "$g" "$g_cpu" "$g_server" "$r" "$cr"
  ratios="$ratios $r"
  cost_ratios="$cost_ratios $cr"
done
python3 -c "import statistics, sys; r = [float(x) for x in sys.argv[1:]]; print(f'median ratio {statistics.median(r):.1f}% (min {min(r):.1f}%, max {max(r):.1f}%)')" $ratios
python3 -c "import statistics, sys; r = [float(x) for x in sys.argv[1:]]; print(f'median cost ratio (GetInfo CPU per call / Process CPU per call) {statistics.median(r):.1f}% (min {min(r):.1f}%, max {max(r):.1f}%)')" $cost_ratios

echo "== tonic client (examples/loadgen.rs): grpc-status counted per response"
for rpc in get-info process; do
  for c in 1 8 64 256; do
    taskset -c "$client_cpus" ./target/release/examples/loadgen --addr "$addr" --rpc "$rpc" \
      --text "$work/article.txt" --concurrency "$c" --seconds "$seconds"
  done
done
echo "server: $(rss)  (after tonic client)"

echo "== memory at concurrency 64: a fresh server, Process only, peak RSS (VmHWM)"
kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true
taskset -c "$server_cpus" "$precis" serve --listen "$addr" 2>"$work/server.log" &
server_pid=$!
sleep 1
taskset -c "$client_cpus" h2load -D "$seconds" -c 64 -m 1 -t 1 -d "$work/process.bin" \
  -H 'content-type: application/grpc' -H 'te: trailers' \
  "http://$addr/precis.v1.Precis/Process" 2>&1 | grep -E "finished in|^requests:"
echo "server: $(rss)  (after Process at c=64, default --max-concurrent-requests and --workers)"
