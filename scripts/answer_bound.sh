#!/usr/bin/env bash
# What bounds Process against the GetInfo ceiling: the engine or the answer?
# Builds the release server with scripts/answer_bound.patch (in a temporary
# git worktree; main's tree is not touched) and runs three servers of that
# binary side by side:
#   full    the server as it is
#   cached  answers every Process call with a clone of its first answer:
#           the answer's conversion, encoding and transport, no engine
#   empty   runs the engine and answers only the language: the engine,
#           no answer
# then alternates short h2load runs at c=64 over the three and GetInfo on
# the first, and prints each round's req/s and ratios to GetInfo, and the
# medians.
#
# Usage: scripts/answer_bound.sh [ROUNDS] [SECONDS]   (default 5 rounds of 5 s)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
seconds=${2:-5}
command -v h2load >/dev/null || { echo "needs h2load: apt-get install -y nghttp2-client"; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() {
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

bin=$(scripts/patched_server.sh scripts/answer_bound.patch answer-bound)

# The ~5 KB load-test article: the seed article and its first paragraphs again.
python3 scripts/load_article.py "$work/article.txt"
python3 scripts/grpc_body.py process "$work/article.txt" "$work/process.bin"
python3 scripts/grpc_body.py getinfo "$work/getinfo.bin"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
declare -A port
for mode in full cached empty; do
  port[$mode]=$(free_port)
  PRECIS_ANSWER=$mode "$bin" serve --listen "127.0.0.1:${port[$mode]}" \
    --max-concurrent-requests 512 2>"$work/$mode.log" &
  pids+=($!)
done
sleep 2

# req/s of one h2load run; fails the script on any failed request.
rate() { # PORT RPC BODY
  local out
  out=$(h2load -D "$seconds" -c 64 -m 1 -t 1 -d "$3" -H 'content-type: application/grpc' \
    -H 'te: trailers' "http://127.0.0.1:$1/precis.v1.Precis/$2" 2>&1)
  echo "$out" | grep -q ' 0 failed, 0 errored' || { echo "FAIL: $2 on port $1: $out" >&2; exit 1; }
  echo "$out" | awk '/finished in/ {for(i=1;i<=NF;i++) if ($i ~ /req\/s/) print $(i-1)}'
}
echo "== Process at c=64: full server, cached answer (no engine), empty answer (no answer); GetInfo"
for round in $(seq "$rounds"); do
  full=$(rate "${port[full]}" Process "$work/process.bin")
  cached=$(rate "${port[cached]}" Process "$work/process.bin")
  empty=$(rate "${port[empty]}" Process "$work/process.bin")
  getinfo=$(rate "${port[full]}" GetInfo "$work/getinfo.bin")
  echo "$full $cached $empty $getinfo" >>"$work/rounds"
  python3 -c "f,c,e,g=$full,$cached,$empty,$getinfo
print(f'round $round: full {f:8.0f}  cached {c:8.0f}  empty {e:8.0f}  GetInfo {g:8.0f} req/s  '
      f'ratios {f/g:.1%} {c/g:.1%} {e/g:.1%}')"
done
python3 - "$work/rounds" <<'PY'
import statistics, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1])]
names = ["full", "cached answer", "empty answer"]
for i, name in enumerate(names):
    print(f"median ratio, {name}: {statistics.median(r[i] / r[3] for r in rows):.1%}")
# CPU per call when both cores are busy: 2 cores / rate.
cost = [statistics.median(2e6 / r[i] for r in rows) for i in range(4)]
print(f"CPU per call (2 cores / req/s, medians, us): full {cost[0]:.0f}, cached {cost[1]:.0f}, "
      f"empty {cost[2]:.0f}, GetInfo {cost[3]:.0f}")
PY
