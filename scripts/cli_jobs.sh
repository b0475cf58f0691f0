#!/usr/bin/env bash
# The JSONL CLI on several cores: `precis COMMAND --jsonl --jobs N` for each
# N, in alternating rounds (this VM's speed drifts), on every dev article of
# ../shared/data/summarization (English, Chinese, Thai, Vietnamese,
# Indonesian, Filipino; 4.5 MB of requests) repeated REPEAT times, or on the
# seed article and the test articles when ../shared is absent. Checks that
# every N writes the same bytes as --jobs 1, and prints the best wall time
# of each N, articles per second, the speedup over one job, the CPU time
# and the peak RSS.
#
# Usage: scripts/cli_jobs.sh [ROUNDS] [REPEAT] [COMMAND] [JOBS...]
#   default: 3 rounds, 6 repeats, process, jobs 1 2 4 8 16 up to nproc
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
repeat=${2:-6}
command=${3:-process}
shift $(( $# < 3 ? $# : 3 ))
jobs=("$@")
if [ ${#jobs[@]} -eq 0 ]; then
  for n in 1 2 4 8 16; do [ "$n" -le "$(nproc)" ] && jobs+=("$n"); done
fi
cargo build --release --quiet --bin precis
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$repeat" "$work/input.jsonl" <<'PY'
import json, pathlib, sys
repeat, out = int(sys.argv[1]), sys.argv[2]
shared = pathlib.Path("../shared/data/summarization")
docs = []
for path in sorted(shared.glob("*.jsonl")) if shared.is_dir() else []:
    for line in open(path, encoding="utf-8"):
        row = json.loads(line)
        docs.append({"text": row["text"], "lang": row.get("lang")})
if not docs:
    paths = ["examples/seed_article.txt"] + sorted(
        str(p) for p in pathlib.Path("tests/data/translation").glob("*.txt"))
    docs = [{"text": open(p, encoding="utf-8").read()} for p in paths] * 200
with open(out, "w", encoding="utf-8") as f:
    for r in range(repeat):
        for i, doc in enumerate(docs):
            f.write(json.dumps({"id": f"{r}-{i}", "target_langs": ["en"], **doc}) + "\n")
print(f"{len(docs) * repeat} articles, {pathlib.Path(out).stat().st_size / 1e6:.1f} MB of requests",
      file=sys.stderr)
PY
lines=$(wc -l < "$work/input.jsonl")
target/release/precis "$command" --jsonl --jobs 1 < "$work/input.jsonl" > "$work/one.jsonl" || true
for r in $(seq "$rounds"); do
  for n in "${jobs[@]}"; do
    /usr/bin/time -o "$work/time" -f "%e %U %S %M" target/release/precis "$command" --jsonl \
      --jobs "$n" < "$work/input.jsonl" > "$work/out.jsonl" || true
    cmp -s "$work/one.jsonl" "$work/out.jsonl" || { echo "FAIL: --jobs $n wrote other bytes"; exit 1; }
    echo "$n $(cat "$work/time")" >> "$work/runs"
  done
done
python3 - "$work/runs" "$lines" "$command" <<'PY'
import sys
runs, lines, command = sys.argv[1], int(sys.argv[2]), sys.argv[3]
best = {}
for row in open(runs):
    n, wall, user, sys_, rss = row.split()
    n, wall = int(n), float(wall)
    if n not in best or wall < best[n][0]:
        best[n] = (wall, float(user), float(sys_), int(rss))
one = best[min(best)][0]
print(f"precis {command} --jsonl, {lines} articles, best wall time of the rounds:")
print("| jobs | wall s | articles/s | speedup | user + sys s | peak RSS MB |")
print("|---|---|---|---|---|---|")
for n, (wall, user, sys_, rss) in sorted(best.items()):
    print(f"| {n} | {wall:.2f} | {lines / wall:,.0f} | {one / wall:.2f}x | {user + sys_:.2f} | {rss / 1000:.1f} |")
PY
