# Sourced by the load scripts (loadtest.sh, ab_rounds.sh, server_stages.sh):
# a work directory, removed on exit with the server in $server_pid (if
# any) stopped, holding the ~5 KB load-test article (the seed article and
# its first paragraphs again) and the gRPC request bodies of Process on it
# and of GetInfo.
work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

python3 scripts/load_article.py "$work/article.txt"
python3 scripts/grpc_body.py process "$work/article.txt" "$work/process.bin"
python3 scripts/grpc_body.py getinfo "$work/getinfo.bin"
