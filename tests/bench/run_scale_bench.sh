#!/usr/bin/env bash
# The scale benchmarks in one command: builds the bench preset, then runs one load
# generator against every server (raw epoll sockets as the reference, portsock blocking
# poller and async (C++20 coroutines), asio (callbacks and C++20 coroutines) and libuv where found, and a thread-per-connection server on raw
# sockets as the blocking one's reference) with repetitions interleaved in a fresh random
# order each round, and prints the medians and each server's ratio to its reference.
#
# usage: tests/bench/run_scale_bench.sh [--reps N] [--seconds S] [--memory-reps N] [--build-dir DIR]
#   --reps N         rounds of the speed rows (default 7)
#   --seconds S      length of each timed row (default 0.5)
#   --memory-reps N  rounds of the 10,000-idle-connections memory row (default 5: VmHWM moves in
#                    steps of 128 KiB from run to run, see docs/performance.md)
#   --build-dir DIR  build there instead of build/bench (configured like the bench preset)
#   --no-build       use the servers already built (in build/bench, or --build-dir)
#   --servers LIST   only these servers (names as in the table, space- or comma-separated),
#                    e.g. --reps 0 --servers raw,portsock_async for the memory row of two
# Linux only (/proc, epoll). Loopback only; every loop is bounded in time. When two CPUs
# are available the server runs on CPU 0 and the load generator on CPU 1 (taskset), so
# that they do not take turns on one core.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
reps=7 seconds=0.5 memory_reps=5 build_dir="" build=1 only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) reps=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --memory-reps) memory_reps=$2; shift 2 ;;
        --build-dir) build_dir=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        --servers) only=${2//,/ }; shift 2 ;;
        *) echo "run_scale_bench.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

# 10,000 connections need 10,000 descriptors in the server and as many in the load generator.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 10100 ]; then
    echo "run_scale_bench.sh: the open-file limit is $(ulimit -n); the memory row needs 10100" >&2
    exit 1
fi

if [ "$build" = 0 ]; then
    build_dir=${build_dir:-$root/build/bench}
elif [ -z "$build_dir" ]; then
    (cd "$root" && cmake --preset bench >/dev/null && cmake --build --preset bench >/dev/null)
    build_dir="$root/build/bench"
else
    cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DPORTSOCK_BUILD_TESTS=OFF \
        -DPORTSOCK_BUILD_BENCHMARKS=ON >/dev/null
    cmake --build "$build_dir" -j 2 >/dev/null
fi
bin="$build_dir/tests/bench"

servers=()
for name in raw raw_blocking portsock_poller portsock_async portsock_blocking asio asio_coro libuv; do
    if [ -n "$only" ] && [[ " $only " != *" $name "* ]]; then continue; fi
    [ -x "$bin/scale_server_$name" ] && servers+=("$name")
done
server_cpu="" client_cpu=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then server_cpu="taskset -c 0" client_cpu="taskset -c 1"; fi

work=$(mktemp -d)
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# start_server NAME: starts it, sets server_pid and ports (echo welcome udp).
start_server() {
    rm -f "$work/ports"  # else the check below could read the previous server's ports
    # shellcheck disable=SC2086
    $server_cpu "$bin/scale_server_$1" >"$work/ports" 2>"$work/server.err" </dev/null &
    server_pid=$!
    for _ in $(seq 1 100); do [ -s "$work/ports" ] && break; sleep 0.05; done
    read -r _ echo_port welcome_port udp_port <"$work/ports"
}
stop_server() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}
shuffled() { printf '%s\n' "$@" | shuf; }

results="$work/results"
for round in $(seq 1 "$reps"); do
    echo "speed round $round/$reps" >&2
    for name in $(shuffled "${servers[@]}"); do
        start_server "$name"
        # shellcheck disable=SC2086
        timeout 300 $client_cpu "$bin/scale_loadgen" run "$server_pid" "$echo_port" "$welcome_port" "$udp_port" "$seconds" |
            sed "s/^/s$round $name /" >>"$results" || echo "run_scale_bench.sh: $name failed a speed round" >&2
        stop_server
    done
    [ -n "$only" ] && continue  # the UDP batch row is portsock's alone: only with every server
    timeout 60 $client_cpu "$bin/scale_loadgen" udp-batch "$seconds" | sed "s/^/s$round portsock_udp /" >>"$results"
done
for round in $(seq 1 "$memory_reps"); do
    echo "memory round $round/$memory_reps" >&2
    for name in $(shuffled "${servers[@]}"); do
        case "$name" in *blocking) continue ;; esac  # a thread per connection: 10,000 threads
        start_server "$name"
        # shellcheck disable=SC2086
        timeout 300 $client_cpu "$bin/scale_loadgen" idle "$server_pid" "$echo_port" 10000 |
            sed "s/^/m$round $name /" >>"$results" || echo "run_scale_bench.sh: $name failed a memory round" >&2
        stop_server
    done
done

python3 - "$results" "$reps" "$memory_reps" <<'PY'
import collections, statistics, sys
# rows[(server, row)][round] = value: each round ran every server once, in a random order,
# so a ratio is taken within each round (the host's load drifts between rounds) and the
# median of those ratios is printed.
rows = collections.defaultdict(dict)
cpu = collections.defaultdict(list)
for line in open(sys.argv[1]):
    parts = line.split()
    round_, server, row, value = parts[0], parts[1], parts[2], float(parts[3])
    rows[(server, row)][round_] = value
    if len(parts) > 4:
        cpu[(server, row)].append(float(parts[4]))
def paired_ratio(top, bottom):
    ratios = [top[r] / bottom[r] for r in top if r in bottom and bottom[r] > 0]
    return statistics.median(ratios) if ratios else None
order = ["raw", "portsock_poller", "portsock_async", "asio", "asio_coro", "libuv", "raw_blocking", "portsock_blocking"]
# Each server's reference: raw epoll for the single-threaded ones; the blocking server is a
# thread per connection, so it is compared with the same design on raw sockets.
reference = {"portsock_blocking": "raw_blocking"}
servers = [s for s in order if any(k[0] == s for k in rows)]
labels = [
    ("throughput_MiB_per_s", "stream throughput (echo), MiB/s", True),
    ("pingpong_round_trips_per_s", "64-byte ping-pong, round trips/s", True),
    ("conn1000_round_trips_per_s", "1000 connections x 100 round trips, round trips/s", True),
    ("connect_welcome_close_per_s", "connect + welcome + close, connections/s", True),
    ("udp_round_trips_per_s", "UDP echo, round trips/s", True),
    ("idle10k_server_VmHWM_KiB", "server peak memory, 10,000 idle connections, KiB (lower is better)", False),
]
def cell(server, row):
    values = rows.get((server, row))
    if not values:
        return "n/a"
    text = f"{statistics.median(values.values()):,.0f}"
    base = rows.get((reference.get(server, "raw"), row))
    ratio = paired_ratio(values, base) if base and server not in ("raw", "raw_blocking") else None
    return text + (f" ({ratio:.2f}x)" if ratio is not None else "")
print(f"Medians of {sys.argv[2]} interleaved rounds ({sys.argv[3]} for memory). In brackets: the median of"
      " the per-round ratios to raw (for portsock_blocking, to raw_blocking: a thread per connection"
      " on raw sockets)\n")
print("| row | " + " | ".join(servers) + " |")
print("|---|" + "---|" * len(servers))
for row, label, _ in labels:
    print(f"| {label} | " + " | ".join(cell(s, row) for s in servers) + " |")
for row, label in [("pingpong_round_trips_per_s", "ping-pong"), ("conn1000_round_trips_per_s", "1000 connections")]:
    cells = []
    for s in servers:
        v = cpu.get((s, row))
        cells.append(f"{statistics.median(v):.1f}" if v else "n/a")
    print(f"| server CPU per round trip, {label}, µs | " + " | ".join(cells) + " |")
level = [(other, paired_ratio(rows[("portsock_poller", "conn1000_round_trips_per_s")], rows[(other, "conn1000_round_trips_per_s")]))
         for other in ("asio", "libuv") if ("portsock_poller", "conn1000_round_trips_per_s") in rows
         and (other, "conn1000_round_trips_per_s") in rows]
if level:
    print("\n1000 connections, portsock_poller against " +
          ", ".join(f"{other} {ratio:.2f}x" for other, ratio in level) + " (median of per-round ratios)")
single = rows.get(("portsock_udp", "udp_single_datagrams_per_s"))
batch = rows.get(("portsock_udp", "udp_batch_datagrams_per_s"))
if single and batch:
    s, b = statistics.median(single.values()), statistics.median(batch.values())
    offload = max(rows.get(("portsock_udp", "udp_segmentation_offload"), {"": 0}).values())
    print(f"\nUDP, 64 datagrams per round trip through one process: one call per datagram "
          f"{s:,.0f}/s, send_batch/receive_batch {b:,.0f}/s ({paired_ratio(batch, single):.2f}x); "
          f"UDP segmentation offload {'on' if offload else 'off'}")
PY
