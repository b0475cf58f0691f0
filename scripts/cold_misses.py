#!/usr/bin/env python3
"""Instructions and last-level cache misses of one Process call with cold
caches, counted by cachegrind (machine-independent, like callgrind's
instruction counts).

Runs `examples/server_path BODY --time N 4096` under cachegrind with this
machine's cache sizes (L1i 64 KB, L1d 48 KB, a 2 MB last level: one core's
L2 here) at two values of N, so that start-up cancels out; the 4 MB written
between calls is `write_every_line`'s and is left out. What a call misses
is what it costs more inside a loaded server than in a loop
(docs/PERFORMANCE.md, "Nineteenth session").

Usage: python3 scripts/cold_misses.py [BODY] [--per-function]
  BODY: a gRPC Process body (scripts/grpc_body.py); default: the load-test
  article's.
Env: SERVER_PATH: another server_path binary to count (e.g. the PGO build's,
  target/pgo/release/examples/server_path); default: the release build,
  built first.
"""

import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("SERVER_PATH") or os.path.join(ROOT, "target/release/examples/server_path")
CACHES = ["--I1=65536,16,64", "--D1=49152,12,64", "--LL=2097152,16,64"]
FLUSH = "write_every_line"


def counts(body, calls, work):
    """{function: [instructions, code misses, data misses]} for `calls` calls."""
    out = os.path.join(work, f"cachegrind.{calls}")
    subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=yes", *CACHES,
         f"--cachegrind-out-file={out}", BINARY, body, "--time", str(calls), "4096"],
        check=True, capture_output=True)
    report = subprocess.run(
        ["cg_annotate", "--show=Ir,ILmr,DLmr", "--threshold=0", out],
        check=True, capture_output=True, text=True).stdout
    functions = {}
    # Each of the three columns is "N (P%)", "0" or "." (none), then the name.
    column = r"(?:([\d,]+)(?: \([^)]*\))?|\.)\s+"
    for line in report.splitlines():
        match = re.match(r"\s*" + column * 3 + r"(\S.*)$", line)
        if not match or "PROGRAM TOTALS" in line:
            continue
        name = re.sub(r"\s*\[/.*$", "", match.group(4)).strip()
        values = [int((n or "0").replace(",", "")) for n in match.groups()[:3]]
        old = functions.get(name, [0, 0, 0])
        functions[name] = [a + b for a, b in zip(old, values)]
    return functions


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    per_function = "--per-function" in sys.argv
    if not os.environ.get("SERVER_PATH"):
        subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "server_path"],
                       check=True, cwd=ROOT)
    with tempfile.TemporaryDirectory() as work:
        body = args[0] if args else None
        if body is None:
            article = os.path.join(work, "article.txt")
            body = os.path.join(work, "process.bin")
            subprocess.run(["python3", "scripts/load_article.py", article], check=True, cwd=ROOT)
            subprocess.run(["python3", "scripts/grpc_body.py", "process", article, body],
                           check=True, cwd=ROOT)
        few, many = counts(body, 50, work), counts(body, 150, work)
    per_call = {
        name: [(b - a) / 100 for a, b in zip(few.get(name, [0, 0, 0]), values)]
        for name, values in many.items() if FLUSH not in name
    }
    instructions, code, data = (sum(v[i] for v in per_call.values()) for i in range(3))
    print(f"per cold call: {instructions:,.0f} instructions, last-level misses: "
          f"code {code:,.0f} + data {data:,.0f} = {code + data:,.0f} lines")
    if per_function:
        rows = sorted(per_call.items(), key=lambda kv: -(kv[1][1] + kv[1][2]))
        print(f"{'code':>7} {'data':>7} {'instr':>9}  function")
        for name, (ir, c, d) in rows[:40]:
            print(f"{c:7.0f} {d:7.0f} {ir:9.0f}  {name[:120]}")


if __name__ == "__main__":
    main()
