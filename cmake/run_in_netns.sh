#!/usr/bin/env bash
# Runs a command inside a new network namespace whose loopback carries IPv4 multicast:
# `lo` up and a route for 224.0.0.0/4 on it (in a fresh namespace lo is down and has no
# multicast route). The route names 127.0.0.1 as source address: without it, datagrams
# to a group leave from 0.0.0.0, which a source-specific membership never matches. The namespace and everything in it end with the command.
#
# usage: run_in_netns.sh [--emulator CMD] -- COMMAND [ARGS...]
# Exits 77 (a skip for ctest's SKIP_RETURN_CODE) with the reason on stdout where it
# cannot work: no unshare/ip, no permission to create namespaces, or an emulator (Wine
# creates sockets in wineserver, which stays outside the namespace).
set -euo pipefail

emulator=""
while [ $# -gt 0 ]; do
    case "$1" in
        --emulator) emulator=$2; shift 2 ;;
        --) shift; break ;;
        *) echo "run_in_netns.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
[ $# -gt 0 ] || { echo "run_in_netns.sh: no command given" >&2; exit 2; }

skip() { echo "SKIP: $*"; exit 77; }
[ -z "$emulator" ] || skip "under an emulator ($emulator): its sockets are not created in the namespace"
command -v unshare >/dev/null || skip "unshare(1) is not installed"
command -v ip >/dev/null || skip "ip(8) is not installed (iproute2)"
timeout 10 unshare -n true 2>/dev/null || skip "cannot create a network namespace here (unshare -n needs root)"

exec timeout 120 unshare -n sh -c 'ip link set lo up && ip route add 224.0.0.0/4 dev lo src 127.0.0.1 && exec "$@"' sh "$@"
