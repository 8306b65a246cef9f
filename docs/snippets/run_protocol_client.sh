#!/usr/bin/env bash
# Runs the protocol-client guide's program against real peers it starts and stops itself
# (by PID): `python3 -m http.server` on a port the OS picks, serving a temporary directory,
# and a redis-server on a free loopback port, with no persistence.
#
# usage: run_protocol_client.sh PROGRAM [EMULATOR...]
# Exits 77 (the test is skipped) if python3 or redis-server is missing.
set -euo pipefail
program=$1
shift
emulator=("$@")

command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
command -v redis-server >/dev/null || { echo "SKIP: redis-server is not installed (Debian package redis-server)"; exit 77; }

work=$(mktemp -d)
http_pid="" redis_pid=""
cleanup() {
    local status=$?
    set +e
    for pid in $http_pid $redis_pid; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT

mkdir "$work/www"
printf 'hello from python\n' >"$work/www/hello.txt"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$work/www" >"$work/http.out" 2>"$work/http.err" &
http_pid=$!

# redis-server cannot bind port 0: take a port the OS offers, release it, hand it over.
redis_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$work" --logfile "$work/redis.log" &
redis_pid=$!

http_port="" redis_ready=0
for _ in $(seq 100); do  # at most 10 s for both
    [ -z "$http_port" ] && http_port=$(sed -n 's/^Serving HTTP on .* port \([0-9][0-9]*\).*/\1/p' "$work/http.out")
    [ "$redis_ready" = 1 ] || { grep -q "Ready to accept connections" "$work/redis.log" 2>/dev/null && redis_ready=1; }
    [ -n "$http_port" ] && [ "$redis_ready" = 1 ] && break
    sleep 0.1
done
[ -n "$http_port" ] || { echo "http.server did not start: $(cat "$work/http.err")" >&2; exit 1; }
[ "$redis_ready" = 1 ] || { echo "redis-server did not start: $(cat "$work/redis.log" 2>/dev/null)" >&2; exit 1; }

timeout 60 "${emulator[@]}" "$program" "$http_port" "$redis_port" </dev/null
