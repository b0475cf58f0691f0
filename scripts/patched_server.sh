#!/usr/bin/env bash
# Builds the release server with a measurement patch applied, in a temporary
# git worktree of HEAD (main's tree is not touched), and prints the path of
# the binary. The build has its own target folder, kept between runs (the
# first build takes minutes). Used by answer_bound.sh and server_stages.sh.
#
# Usage: scripts/patched_server.sh PATCH TARGET_NAME   -> target/TARGET_NAME/release/precis
set -euo pipefail
cd "$(dirname "$0")/.."
patch=$1
target="$(pwd)/target/$2"
tree=$(mktemp -d)
trap 'git worktree remove --force "$tree" 2>/dev/null || true; rm -rf "$tree"' EXIT
git worktree add --quiet --detach "$tree" HEAD
git -C "$tree" apply "$(pwd)/$patch"
(cd "$tree" && CARGO_TARGET_DIR="$target" cargo build --release --quiet --bin precis)
echo "$target/release/precis"
