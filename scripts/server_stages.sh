#!/usr/bin/env bash
# What a Process call's stages cost inside the loaded server, against the
# same stages alone in a loop with warm caches and with the caches flushed
# between calls.
#
# Builds the release server with scripts/server_stages.patch (in a temporary
# git worktree; main's tree is not touched), which reads the thread's CPU
# clock around validate, segment, summarize, package, convert and encode of
# every Process call and reports the means of every 2,000 calls on stderr.
# Then, on the ~5 KB load-test article:
#   alone    examples/server_path --time on core 0: the stages in a loop,
#            then the same with 2 MB and 4 MB of other memory written
#            between calls (the L2 of one core here is 2 MB)
#   pinned   the server on core 0, h2load on core 1, Process at c=1, 8, 64
#   shared   server and h2load on both cores, as scripts/loadtest.sh runs
#            them, c=64
# Each server line: req/s, the server's user and system CPU per call
# (/proc), and the last report of the stages' CPU per call.
#
# Usage: scripts/server_stages.sh [SECONDS]   (default 5 per point)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
command -v h2load >/dev/null || { echo "needs h2load: apt-get install -y nghttp2-client"; exit 1; }
[ "$(nproc)" -ge 2 ] || { echo "needs 2 cores"; exit 1; }
# $work: the load-test article and the request bodies.
source scripts/load_bodies.sh

bin=$(scripts/patched_server.sh scripts/server_stages.patch server-stages)
cargo build --release --quiet --example server_path

echo "== alone: examples/server_path --time on core 0"
for flush_kb in 0 2048 4096; do
  echo "alone flush_kb=$flush_kb $(taskset -c 0 target/release/examples/server_path \
    "$work/process.bin" --time 10000 "$flush_kb")"
done

# One load point: a fresh server on SERVER_CPUS, h2load on CLIENT_CPUS.
point() { # NAME SERVER_CPUS CLIENT_CPUS CONCURRENCY
  local port out before after
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  # taskset before exec: tokio sizes its worker pool by the cores it may use.
  taskset -c "$2" "$bin" serve --listen "127.0.0.1:$port" --max-concurrent-requests 512 \
    2>"$work/server.log" &
  server_pid=$!
  sleep 1.5
  before=$(awk '{print $14, $15}' "/proc/$server_pid/stat")
  out=$(taskset -c "$3" h2load -D "$seconds" -c "$4" -m 1 -t 1 -d "$work/process.bin" \
    -H 'content-type: application/grpc' -H 'te: trailers' \
    "http://127.0.0.1:$port/precis.v1.Precis/Process" 2>&1)
  after=$(awk '{print $14, $15}' "/proc/$server_pid/stat")
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  echo "$out" | grep -q ' 0 failed, 0 errored' || { echo "FAIL: $out"; exit 1; }
  echo "$out" >"$work/h2load.txt"
  python3 - "$1" "$4" "$before" "$after" "$(getconf CLK_TCK)" "$work/server.log" \
    "$work/h2load.txt" <<'EOF'
import json, re, sys
name, conc, before, after, tick, log, h2load = sys.argv[1:8]
out = open(h2load).read()
rate = float(re.search(r"finished in .*?, ([0-9.]+) req/s", out).group(1))
calls = int(re.search(r"requests: .*? (\d+) succeeded", out).group(1))
(u0, s0), (u1, s1) = (map(float, x.split()) for x in (before, after))
reports = [l.split("STAGE_CPU ", 1)[1] for l in open(log, errors="replace") if "STAGE_CPU " in l]
print(json.dumps({
    "layout": name, "concurrency": int(conc), "req_s": round(rate),
    "server_user_us": round(1e6 * (u1 - u0) / float(tick) / calls, 1),
    "server_sys_us": round(1e6 * (s1 - s0) / float(tick) / calls, 1),
    "stages_cpu": json.loads(reports[-1]) if len(reports) > 1 else None,
}))
EOF
}

echo "== pinned: server on core 0, h2load on core 1"
for c in 1 8 64; do point pinned 0 1 "$c"; done
echo "== shared: server and h2load on both cores"
point shared 0-1 0-1 64
