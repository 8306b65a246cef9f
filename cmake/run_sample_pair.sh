#!/usr/bin/env bash
# Runs a sample server and its client against each other on loopback and, with --check,
# verifies the exact tutorial conversation on both sides.
#
# usage: run_sample_pair.sh --kind welcome|udp --server EXE --client EXE
#                           [--server-emulator CMD] [--client-emulator CMD]
#                           [--port N] [--port-env NAME] [--check]
#   --port N   the server's port (default 0: the OS picks a free one; the server prints it)
#   --port-env NAME  if the environment variable NAME is set when this runs, its value is
#              the port instead (the demo's PORTSOCK_DEMO_PORT: read at run time, not when
#              CMake configured)
#   emulators  e.g. wine, to run a Windows build of either side
# Every wait is bounded; the server is stopped by its PID if it outlives the client.
set -euo pipefail

kind="" server="" client="" server_emulator="" client_emulator="" port=0 port_env="" check=0
while [ $# -gt 0 ]; do
    case "$1" in
        --kind) kind=$2; shift 2 ;;
        --server) server=$2; shift 2 ;;
        --client) client=$2; shift 2 ;;
        --server-emulator) server_emulator=$2; shift 2 ;;
        --client-emulator) client_emulator=$2; shift 2 ;;
        --port) port=$2; shift 2 ;;
        --port-env) port_env=$2; shift 2 ;;
        --check) check=1; shift ;;
        *) echo "run_sample_pair.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
if [ -n "$port_env" ] && [ -n "${!port_env:-}" ]; then
    port=${!port_env}
    if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -gt 65535 ]; then
        echo "run_sample_pair.sh: $port_env must be a port number from 0 to 65535, not '$port'" >&2
        exit 2
    fi
fi
case "$kind" in
    welcome) server_args=("$port" 1) ;;
    udp) server_args=("$port" 1) ;;
    *) echo "run_sample_pair.sh: --kind must be welcome or udp" >&2; exit 2 ;;
esac
[ -n "$server" ] && [ -n "$client" ] || { echo "run_sample_pair.sh: --server and --client are required" >&2; exit 2; }

# shellcheck source=sample_server.sh
source "$(dirname "$0")/sample_server.sh"
start_sample_server 60 "$server_emulator" "$server" "${server_args[@]}"
wait_for_listening_port
actual_port=$listening_port

client_status=0
# shellcheck disable=SC2086
timeout 30 $client_emulator "$client" "$actual_port" >"$work/client.out" 2>"$work/client.err" </dev/null || client_status=$?
server_status=0
wait "$server_pid" || server_status=$?
server_pid=""

# Wine writes CRLF line ends; compare text, not line-end conventions.
tr -d '\r' <"$work/server.out" >"$work/server.txt"
tr -d '\r' <"$work/client.out" >"$work/client.txt"
cat "$work/server.txt"
cat "$work/client.txt"
[ "$check" = 1 ] || exit $(( client_status || server_status ))

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
[ "$server_status" = 0 ] || fail "server exited with status $server_status: $(cat "$work/server.err")"
[ "$client_status" = 0 ] || fail "client exited with status $client_status: $(cat "$work/client.err")"
peer='(127\.0\.0\.1|\[::1\]|\[::ffff:127\.0\.0\.1\]):[0-9]+'
if [ "$kind" = welcome ]; then
    expected_server="^Server is listening on port $actual_port\.\.\.
Connection from $peer has been established!$"
    expected_client="Welcome to the server!"
else
    expected_server="^UDP echo server is listening on port $actual_port\.\.\.
Echoing 11 bytes to $peer$"
    expected_client="Hello, UDP!"
fi
server_text=$(cat "$work/server.txt")
client_text=$(cat "$work/client.txt")
[[ "$server_text" =~ $expected_server ]] || fail "server said:
$server_text
expected (regex):
$expected_server"
[ "$client_text" = "$expected_client" ] || fail "client said '$client_text', expected '$expected_client'"
[ -s "$work/server.err" ] && fail "server wrote to stderr: $(cat "$work/server.err")"
[ -s "$work/client.err" ] && fail "client wrote to stderr: $(cat "$work/client.err")"
if [ "$failures" -gt 0 ]; then exit 1; fi
echo "PASS: $kind conversation"
