#!/usr/bin/env bash
# Builds the release binary, installs pySBD, sentencex and summa in a
# throwaway venv, and runs scripts/bench_compare.py (single thread each).
# Usage: scripts/bench_compare.sh [--language CODE|all] [--repeat N] [--rounds N]
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet pysbd==0.3.4 sentencex summa
cargo build --release --quiet
# One core for Precis, as for the Python tools (they are single-threaded).
taskset -c 0 "$venv/bin/python" scripts/bench_compare.py target/release/precis "$@"
