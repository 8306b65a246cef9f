#!/usr/bin/env bash
# Runs one unit test with a private /etc/hosts in which portsock-eyeballs.test has two
# addresses, ::1 then 127.0.0.1 (a bind mount inside `unshare -m`: the host's file is not
# touched), and requires that the test ran and passed rather than skipped.
#
# usage: run_with_hosts.sh TEST_EXE TEST_NAME
# Exits 77 (ctest: skipped) with a reason where a mount namespace cannot be made.
set -euo pipefail
exe=$1 test_name=$2

command -v unshare >/dev/null || { echo "SKIP: unshare (util-linux) is not installed"; exit 77; }
unshare -m true 2>/dev/null || { echo "SKIP: cannot create a mount namespace here (needs root)"; exit 77; }

hosts=$(mktemp)
trap 'rm -f "$hosts"' EXIT
{ cat /etc/hosts; printf '::1 portsock-eyeballs.test\n127.0.0.1 portsock-eyeballs.test\n'; } >"$hosts"

status=0
timeout 60 unshare -m bash -c 'mount --bind "$1" /etc/hosts && exec "$2" --gtest_filter="$3"' \
    _ "$hosts" "$exe" "$test_name" >"$hosts.out" 2>&1 || status=$?
cat "$hosts.out"
trap 'rm -f "$hosts" "$hosts.out"' EXIT
[ "$status" = 0 ] || { echo "FAIL: $test_name exited with status $status"; exit 1; }
grep -q "^\[       OK \] $test_name " "$hosts.out" || { echo "FAIL: $test_name did not run to a pass"; exit 1; }
