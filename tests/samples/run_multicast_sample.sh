#!/usr/bin/env bash
# End-to-end test of the multicast samples: inside a network namespace (run_in_netns.sh),
# multicast_receiver joins a group on an OS-chosen port, multicast_sender beacons to it,
# and the receiver must print "from <sender>: <message>" for each of the three beacons.
#
# usage: run_multicast_sample.sh --receiver EXE --sender EXE [--emulator CMD]
# Every wait is bounded; the receiver is stopped by its PID if it outlives the test.
set -euo pipefail

receiver="" sender="" emulator="" inside=0
while [ $# -gt 0 ]; do
    case "$1" in
        --receiver) receiver=$2; shift 2 ;;
        --sender) sender=$2; shift 2 ;;
        --emulator) emulator=$2; shift 2 ;;
        --inside) inside=1; shift ;;
        *) echo "run_multicast_sample.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[ -n "$receiver" ] && [ -n "$sender" ] || { echo "run_multicast_sample.sh: --receiver and --sender are required" >&2; exit 2; }

if [ "$inside" = 0 ]; then
    exec "$(dirname "$0")/../../cmake/run_in_netns.sh" --emulator "$emulator" -- \
        bash "$0" --inside --receiver "$receiver" --sender "$sender"
fi

group=239.255.42.99
message="service at 127.0.0.1:8080"
work=$(mktemp -d)
receiver_pid=""
cleanup() {
    [ -n "$receiver_pid" ] && kill "$receiver_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# The background job creates its output file only when it starts: create it first, or the
# first look below can find no file (sed fails, and set -e ends the test).
: >"$work/receiver.out"
timeout 30 "$receiver" "$group" 0 3 >"$work/receiver.out" 2>"$work/receiver.err" </dev/null &
receiver_pid=$!
port=""
for _ in $(seq 1 100); do  # up to 10 s for the receiver to join and say its port
    port=$(sed -n 's/^Listening for .* on port \([0-9]*\)\.\.\.$/\1/p' "$work/receiver.out")
    [ -n "$port" ] && break
    kill -0 "$receiver_pid" 2>/dev/null || break
    sleep 0.1
done
[ -n "$port" ] || { echo "FAIL: the receiver did not start: $(cat "$work/receiver.err")"; exit 1; }

timeout 30 "$sender" "$group" "$port" "$message" >"$work/sender.out" 2>"$work/sender.err" </dev/null
receiver_status=0
wait "$receiver_pid" || receiver_status=$?
receiver_pid=""
cat "$work/receiver.out" "$work/sender.out"

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
[ "$receiver_status" = 0 ] || fail "receiver exited with status $receiver_status: $(cat "$work/receiver.err")"
[ "$(cat "$work/sender.out")" = "Sent 3 beacons to $group:$port" ] || fail "sender said '$(cat "$work/sender.out")'"
expected="^Listening for $group on port $port\.\.\.
from 127\.0\.0\.1:[0-9]+: $message
from 127\.0\.0\.1:[0-9]+: $message
from 127\.0\.0\.1:[0-9]+: $message$"
[[ "$(cat "$work/receiver.out")" =~ $expected ]] || fail "receiver output does not match:
$expected"
[ -s "$work/sender.err" ] && fail "sender wrote to stderr: $(cat "$work/sender.err")"
[ "$failures" = 0 ] || exit 1
echo "PASS: multicast beacons"
