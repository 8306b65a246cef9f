#!/usr/bin/env bash
# Runs a one-thread poller sample (echo_server_poller or chat_server) against scale_client
# with many simultaneous clients on loopback, port 0, and checks both sides.
#
# usage: run_scale_sample.sh --kind echo|chat --server EXE --client EXE --clients N
#                            [--emulator CMD] [--require-fds]
#   --require-fds  N is a target the host must allow: raise the open-file limit to fit N
#                  connections per process, or exit 77 (ctest: skipped) if it cannot
# Every wait is bounded; the server is stopped by its PID if it outlives the client.
set -euo pipefail

kind="" server="" client="" clients=100 emulator="" require_fds=0
while [ $# -gt 0 ]; do
    case "$1" in
        --kind) kind=$2; shift 2 ;;
        --server) server=$2; shift 2 ;;
        --client) client=$2; shift 2 ;;
        --clients) clients=$2; shift 2 ;;
        --emulator) emulator=$2; shift 2 ;;
        --require-fds) require_fds=1; shift ;;
        *) echo "run_scale_sample.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[ "$kind" = echo ] || [ "$kind" = chat ] || { echo "run_scale_sample.sh: --kind echo|chat" >&2; exit 2; }

# Each process holds one descriptor per client, plus a few of its own.
needed=$((clients + 64))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$needed" ]; then
    if ! ulimit -n "$needed" 2>/dev/null; then
        if [ "$require_fds" = 1 ]; then
            echo "SKIP: cannot raise the open-file limit to $needed (hard limit $(ulimit -Hn))"
            exit 77
        fi
        echo "run_scale_sample.sh: open-file limit $(ulimit -n) is below $needed" >&2
        exit 1
    fi
fi

# Under Wine every socket of every Wine process is also a descriptor of the one wineserver,
# which raises its limit to the hard limit: the server's and the client's sockets must fit
# there together, beside the few hundred wineserver keeps for itself. Past that, accept()
# fails with "too many open files" and the sample (rightly) stops accepting, so the clients
# it could not take would wait for echoes that never come.
if [ -n "$emulator" ] && [ "$(ulimit -Hn)" != unlimited ]; then
    emulated_needed=$((2 * clients + 1024))
    if [ "$(ulimit -Hn)" -lt "$emulated_needed" ]; then
        reason="the emulator keeps both processes' sockets in one wineserver, which needs $emulated_needed descriptors here (hard limit $(ulimit -Hn))"
        [ "$require_fds" = 1 ] && { echo "SKIP: $reason"; exit 77; }
        echo "run_scale_sample.sh: $reason" >&2
        exit 1
    fi
fi

# shellcheck source=../../cmake/sample_server.sh
source "$(dirname "$0")/../../cmake/sample_server.sh"
start_sample_server 120 "$emulator" "$server" 0 "$clients"
wait_for_listening_port
port=$listening_port

client_status=0
# shellcheck disable=SC2086
timeout 100 $emulator "$client" "$kind" "$port" "$clients" >"$work/client.out" 2>&1 </dev/null || client_status=$?
# A client that failed leaves the server waiting for clients that never come: stop it.
[ "$client_status" = 0 ] || kill "$server_pid" 2>/dev/null || true
server_status=0
wait "$server_pid" || server_status=$?  # it exits once every client has left
server_pid=""

# Wine writes CRLF line ends; compare text, not line-end conventions.
tr -d '\r' <"$work/client.out" >"$work/client.txt"
tr -d '\r' <"$work/server.out" >"$work/server.txt"
cat "$work/client.txt"
if [ "$client_status" != 0 ] && [ "$require_fds" = 1 ] && [ -n "$emulator" ] &&
   grep -q 'too many open' "$work/client.txt"; then
    echo "SKIP: the emulator ($emulator) caps sockets per process below $clients (a Wine limit, not Windows')"
    exit 77
fi
failures=0
[ "$client_status" = 0 ] || { echo "FAIL: client exited with status $client_status" >&2; failures=1; }
[ "$server_status" = 0 ] || { echo "FAIL: server exited with status $server_status" >&2; failures=1; }
[ -s "$work/server.err" ] && { echo "FAIL: server wrote to stderr: $(cat "$work/server.err")" >&2; failures=1; }
if [ "$kind" = chat ]; then
    joined=$(grep -c ' joined from ' "$work/server.txt" || true)
    left=$(grep -c ' left$' "$work/server.txt" || true)
    [ "$joined" = "$clients" ] && [ "$left" = "$clients" ] ||
        { echo "FAIL: server saw $joined joins and $left departures, expected $clients each" >&2; failures=1; }
fi
[ "$failures" = 0 ] || { head -n 20 "$work/server.txt" >&2; exit 1; }
echo "PASS: $kind sample with $clients simultaneous clients"
