#!/usr/bin/env bash
# A client that resets its connection before the server greets it must not stop
# tcp_welcome_server: the server reports that client and serves the next.
#
# The order is forced, not raced: the server is stopped (SIGSTOP) while a Python client
# connects (the kernel completes the handshake), sets SO_LINGER 0 and closes, which sends
# a reset. The server then continues, accepts the reset connection and fails to greet it.
# A second, ordinary client must still get the greeting, and the server must exit 0 after
# the two.
#
# usage: run_reset_client.sh --server EXE [--emulator CMD]
# Every wait is bounded; the server is stopped by its PID (its process group: the timeout
# wrapper and what it runs).
set -euo pipefail

server="" emulator=""
while [ $# -gt 0 ]; do
    case "$1" in
        --server) server=$2; shift 2 ;;
        --emulator) emulator=$2; shift 2 ;;
        *) echo "run_reset_client.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

# shellcheck source=../../cmake/sample_server.sh
source "$(dirname "$0")/../../cmake/sample_server.sh"
start_sample_server 60 "$emulator" "$server" 0 2
wait_for_listening_port
# timeout(1) leads its own process group, so the signals reach the server it runs.
trap 'kill -CONT -- "-$server_pid" 2>/dev/null || true; stop_sample_server' EXIT

kill -STOP -- "-$server_pid"
timeout 20 python3 - "$listening_port" <<'EOF'
import socket, struct, sys
s = socket.create_connection(("localhost", int(sys.argv[1])), timeout=10)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()  # linger 0: a reset, not a FIN
EOF
sleep 0.2  # let the reset reach the queued connection before the server runs again
kill -CONT -- "-$server_pid"

greeted_client() {  # an ordinary client: prints the greeting it reads
    timeout 20 python3 - "$listening_port" <<'EOF'
import socket, sys
s = socket.create_connection(("localhost", int(sys.argv[1])), timeout=10)
data = b""
while chunk := s.recv(1024):
    data += chunk
print(data.decode())
EOF
}
client_status=0
greeted_client >"$work/client.out" 2>&1 || client_status=$?
# The server exits after two clients. Where accept() skipped the reset one (Wine does),
# it still waits for a second: give it one, which must be greeted as well.
for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
reset_skipped=0
if [ -n "$emulator" ] && kill -0 "$server_pid" 2>/dev/null &&
   [ "$(grep -c "has been established!" "$work/server.out" || true)" = 1 ]; then
    greeted_client >>"$work/client.out" 2>&1 || client_status=$?
    reset_skipped=1
fi

server_status=0
wait "$server_pid" || server_status=$?
server_pid=""
tr -d '\r' <"$work/server.out" >"$work/server.txt"
tr -d '\r' <"$work/server.err" >"$work/server_err.txt"
cat "$work/server.txt" "$work/server_err.txt" "$work/client.out"

failures=0
fail() { echo "FAIL: $*" >&2; failures=1; }
[ "$server_status" = 0 ] || fail "the server exited with status $server_status after the reset client"
[ "$client_status" = 0 ] || fail "the second client failed"
grep -qx "Welcome to the server!" "$work/client.out" || fail "the second client was not greeted"
connections=$(grep -c "has been established!" "$work/server.txt" || true)
if [ "$reset_skipped" = 1 ]; then
    # Wine's accept() skips a queued connection that was reset (as Windows may): the
    # server never saw the reset client, and served the next two.
    echo "note: the reset client was skipped by accept() under $emulator"
    [ "$connections" = 2 ] || fail "the server accepted $connections ordinary clients, expected 2"
    [ "$(grep -cx "Welcome to the server!" "$work/client.out" || true)" = 2 ] || fail "an ordinary client was not greeted"
else
    [ "$connections" = 2 ] || fail "the server accepted $connections clients, expected 2"
    # The failure for the reset client is reported on stderr, naming the client and the reason.
    peer='(127\.0\.0\.1|\[::1\]|\[::ffff:127\.0\.0\.1\]):[0-9]+'
    grep -Eqi "^tcp_welcome_server: $peer: .*(reset|broken pipe)" "$work/server_err.txt" ||
        fail "the server did not report the reset client on stderr"
fi
[ "$failures" = 0 ] || exit 1
echo "PASS: tcp_welcome_server reported the reset client and served the next"
