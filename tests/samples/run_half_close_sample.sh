#!/usr/bin/env bash
# echo_server_poller and a client that half-closes (sends its FIN) before it reads its echo
# (tests/samples/half_close_client.py). The poller reports that hang-up on every wait,
# whatever the interest, so a server that waits on such a client while its echo backs up
# would spin. Checks that every byte comes back in order, that the server exits cleanly
# once the client left, and that it stays near idle over the client's 2 s pause (its CPU
# time from /proc/<pid>/stat; only that part is skipped, with the reason, without /proc).
#
# Natively it runs in a network namespace of its own (unshare -n) whose TCP buffers are
# fixed, so the case is made every time: the server's send buffer (16 KiB) and the client's
# receive buffer (16 KiB) hold far less than the 512 KiB echo, and the server's receive
# buffer (1 MiB) takes all the rest and the FIN behind it. Where no namespace can be made
# (under Wine, whose sockets live outside it, or without the right), it runs on the
# machine's loopback, where autotuned buffers may absorb the echo: it says so.
#
# usage: run_half_close_sample.sh --server EXE [--emulator CMD]
set -euo pipefail

server="" emulator="" in_netns=0
args=("$@")
while [ $# -gt 0 ]; do
    case "$1" in
        --server) server=$2; shift 2 ;;
        --emulator) emulator=$2; shift 2 ;;
        --in-netns) in_netns=1; shift ;;
        *) echo "run_half_close_sample.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
if [ "$in_netns" = 0 ] && [ -z "$emulator" ] && command -v ip >/dev/null && timeout 10 unshare -n true 2>/dev/null; then
    exec timeout 110 unshare -n bash -c 'ip link set lo up &&
        echo "4096 16384 16384" >/proc/sys/net/ipv4/tcp_wmem &&
        echo "1048576 1048576 1048576" >/proc/sys/net/ipv4/tcp_rmem &&
        exec bash "$0" --in-netns "$@"' "$0" "${args[@]}"
fi
if [ "$in_netns" = 1 ]; then
    echo "in a network namespace with fixed TCP buffers"
    echo_size=512K
else
    echo "NOTE: no network namespace here (${emulator:+under an emulator, }or no unshare -n): on the host's loopback, whose autotuned buffers may take the whole echo"
    echo_size=4M
fi

# shellcheck source=../../cmake/sample_server.sh
source "$(dirname "$0")/../../cmake/sample_server.sh"
# The server itself (exec), not a wrapper, so that its PID names the process whose CPU
# time counts. It exits once its one client has come and gone.
# shellcheck disable=SC2086  # the emulator may be a command with arguments
(exec $emulator "$server" 0 1) >"$work/server.out" 2>"$work/server.err" </dev/null &
server_pid=$!
wait_for_listening_port

cpu_ticks() {  # utime + stime of the server, in clock ticks (fields 14 and 15)
    local stat
    stat=$(cat "/proc/$server_pid/stat" 2>/dev/null) || { echo 0; return; }
    stat=${stat##*) }
    # shellcheck disable=SC2086
    set -- $stat
    echo $(( ${12} + ${13} ))
}

before="" after=""
client_status=0
while IFS= read -r line; do
    echo "$line"
    case "$line" in
        pause-start) before=$(cpu_ticks) ;;
        pause-end) after=$(cpu_ticks) ;;
    esac
done < <(timeout 90 python3 "$(dirname "$0")/half_close_client.py" "$listening_port" "$echo_size" 2 2>&1 || echo "client-status $?")
failures=0
fail() { echo "FAIL: $*" >&2; failures=1; }
if grep -q '^client-status' <<<"$line"; then fail "the client failed ($line)"; client_status=1; fi
server_status=0
for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done  # at most 10 s
if kill -0 "$server_pid" 2>/dev/null; then
    fail "the server did not exit after its one client left"
else
    wait "$server_pid" || server_status=$?
    server_pid=""
    [ "$server_status" = 0 ] || fail "the server exited with status $server_status: $(head -c 2000 "$work/server.err")"
fi
if [ -r /proc/self/stat ] && [ -n "$before" ] && [ -n "$after" ]; then
    cpu_ms=$(( (after - before) * 1000 / $(getconf CLK_TCK) ))
    echo "server CPU over the client's 2 s pause: ${cpu_ms} ms"
    # Waiting on the hung-up client burns the whole pause (about 2,000 ms); parking it, a
    # few wake-ups (0 to 20 ms).
    [ "$cpu_ms" -lt 500 ] || fail "the server spun while the half-closed client did not read (${cpu_ms} ms of CPU in 2 s)"
else
    echo "SKIP (the CPU check only): no /proc to read the server's CPU time from"
fi
[ "$failures" = 0 ] || exit 1
echo "PASS: half-closed client served in full, server idle while it waited"
