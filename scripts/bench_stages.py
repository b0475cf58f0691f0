#!/usr/bin/env python3
"""Runs `cargo bench --bench stages` and prints its throughput as Markdown
tables (MiB/s per stage and size, one table per language; flat MiB/s across
sizes = linear cost), plus microseconds per article.

    python3 scripts/bench_stages.py                      # criterion defaults
    python3 scripts/bench_stages.py --quick              # 0.3 s warm-up, 1 s per point
    python3 scripts/bench_stages.py --quick stages/en    # one language
"""
import argparse
import re
import subprocess
import sys
from collections import defaultdict

UNITS = {"B/s": 1 / 2**20, "KiB/s": 1 / 2**10, "MiB/s": 1.0, "GiB/s": 2**10}
TIME_UNITS = {"ns": 1e-3, "µs": 1.0, "us": 1.0, "ms": 1e3, "s": 1e6}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="short warm-up and measurement")
    ap.add_argument("filter", nargs="?", default="stages/")
    args = ap.parse_args()
    command = ["cargo", "bench", "--bench", "stages", "--", args.filter]
    if args.quick:
        command += ["--warm-up-time", "0.3", "--measurement-time", "1"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    # name (on its own line or before "time:"), then "time: [lo mid hi]", "thrpt: [lo mid hi]"
    throughput = defaultdict(dict)
    micros = defaultdict(dict)
    name = None
    for line in output.splitlines():
        head = re.match(r"^(stages/\S+)", line)
        if head:
            name = head.group(1)
        t = re.search(r"time:\s+\[\S+ \S+ ([0-9.]+) (ns|µs|us|ms|s) ", line)
        if t and name:
            lang, stage, size = name.split("/")[1:4]
            micros[(lang, stage)][size] = float(t.group(1)) * TIME_UNITS[t.group(2)]
        m = re.search(r"thrpt:\s+\[\S+ \S+ ([0-9.]+) (B/s|KiB/s|MiB/s|GiB/s) ", line)
        if m and name:
            lang, stage, size = name.split("/")[1:4]
            throughput[(lang, stage)][size] = float(m.group(1)) * UNITS[m.group(2)]
    sizes = ["1KB", "5KB", "50KB", "1MB"]
    for lang in sorted({k[0] for k in throughput}):
        print(f"\n{lang}: MiB/s (µs per article)\n")
        print("| stage | " + " | ".join(sizes) + " |")
        print("|---|" + "---|" * len(sizes))
        for (l, stage), row in throughput.items():
            if l != lang:
                continue
            cells = []
            for size in sizes:
                if size in row:
                    cells.append(f"{row[size]:.1f} ({micros[(l, stage)].get(size, 0):,.0f})")
                else:
                    cells.append("")
            print(f"| {stage} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
