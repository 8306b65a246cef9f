#!/usr/bin/env bash
# Runs a one-thread poller sample (echo_server_poller or chat_server) under a low open-file
# limit, floods it with more clients than it has descriptors (tests/samples/flood_client.py),
# and checks that the server stays near idle while it is saturated (its CPU time from
# /proc/<pid>/stat over the flood) and that every client is served in the end.
#
# usage: run_exhaustion_sample.sh --kind echo|chat --server EXE [--clients N] [--fd-limit N]
#                                 [--emulator CMD]
# Exits 77 (ctest: skipped) with a reason where the check cannot run: under an emulator
# (Wine keeps sockets in its own server process, so `ulimit -n` does not bound them) or
# without /proc. Every wait is bounded; the server is stopped by its PID.
set -euo pipefail

kind="" server="" clients=300 fd_limit=64 emulator=""
while [ $# -gt 0 ]; do
    case "$1" in
        --kind) kind=$2; shift 2 ;;
        --server) server=$2; shift 2 ;;
        --clients) clients=$2; shift 2 ;;
        --fd-limit) fd_limit=$2; shift 2 ;;
        --emulator) emulator=$2; shift 2 ;;
        *) echo "run_exhaustion_sample.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[ "$kind" = echo ] || [ "$kind" = chat ] || { echo "run_exhaustion_sample.sh: --kind echo|chat" >&2; exit 2; }
if [ -n "$emulator" ]; then
    echo "SKIP: under an emulator ($emulator) sockets live in its server process: ulimit -n does not bound them"
    exit 77
fi
[ -r /proc/self/stat ] || { echo "SKIP: no /proc to read the server's CPU time from"; exit 77; }

# shellcheck source=../../cmake/sample_server.sh
source "$(dirname "$0")/../../cmake/sample_server.sh"
# The server itself, not a wrapper, so that its PID names the process whose CPU time counts.
# It waits for one client more than the flood, so that it is still there to be measured.
(ulimit -n "$fd_limit" && exec "$server" 0 $((clients + 1))) >"$work/server.out" 2>"$work/server.err" </dev/null &
server_pid=$!
wait_for_listening_port

cpu_ticks() {  # utime + stime of the server, in clock ticks (fields 14 and 15; comm may hold spaces)
    local stat
    stat=$(cat "/proc/$server_pid/stat")
    stat=${stat##*) }
    # shellcheck disable=SC2086
    set -- $stat
    echo $(( ${12} + ${13} ))
}
ticks_per_second=$(getconf CLK_TCK)

before=$(cpu_ticks)
start_ns=$(date +%s%N)
client_status=0
timeout 100 python3 "$(dirname "$0")/flood_client.py" "$kind" "$listening_port" "$clients" \
    >"$work/client.out" 2>&1 </dev/null || client_status=$?
end_ns=$(date +%s%N)
cat "$work/client.out"
server_alive=0
if kill -0 "$server_pid" 2>/dev/null; then
    server_alive=1
    after=$(cpu_ticks)
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
else
    after=$before
fi

wall_ms=$(( (end_ns - start_ns) / 1000000 ))
cpu_ms=$(( (after - before) * 1000 / ticks_per_second ))
echo "flood of $clients clients with ulimit -n $fd_limit: ${wall_ms} ms wall, server CPU ${cpu_ms} ms"
failures=0
fail() { echo "FAIL: $*" >&2; failures=1; }
[ "$client_status" = 0 ] || fail "the flood client exited with status $client_status"
[ "$server_alive" = 1 ] || fail "the server exited during the flood: $(head -c 2000 "$work/server.err")"
[ -s "$work/server.err" ] && fail "the server wrote to stderr: $(head -c 2000 "$work/server.err")"
grep -q "too many open\|Too many open" "$work/server.out" && fail "the server reported running out of descriptors"
# A server that spins on EMFILE burns a core whenever it gets one while saturated (most of
# the flood, since each served client holds its descriptor a while): a third of the wall
# time or more here, where the flood client shares the cores. One that stops watching its
# listener uses about 1 %.
[ $(( cpu_ms * 10 )) -le "$wall_ms" ] || fail "server CPU ${cpu_ms} ms over a ${wall_ms} ms flood: over a tenth, it spins"
[ "$failures" = 0 ] || { head -n 20 "$work/server.out" >&2; exit 1; }
echo "PASS: $kind sample served $clients clients with $fd_limit descriptors, without spinning"
