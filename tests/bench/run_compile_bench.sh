#!/usr/bin/env bash
# Compile time and the compiler's peak memory: samples/async_echo_server (portsock::async)
# against asio's C++20 coroutine echo server (tests/bench/asio_coro_echo.cpp), each compiled
# alone to an object file with the same compiler and flags, no ccache. Interleaved rounds;
# prints the median wall time, user+system CPU time and peak resident memory of each.
#
# usage: tests/bench/run_compile_bench.sh [--reps N] [--compiler CXX] [--flags "..."]
#   --reps N        rounds (default 5)
#   --compiler CXX  the compiler (default g++)
#   --flags "..."   optimisation flags (default "-O2")
# Needs GNU time (/usr/bin/time -v), asio's headers (Debian libasio-dev), and a configured
# portsock build for the generated headers (build/dev by default: PORTSOCK_BUILD_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
reps=5 cxx=g++ flags="-O2"
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) reps=$2; shift 2 ;;
        --compiler) cxx=$2; shift 2 ;;
        --flags) flags=$2; shift 2 ;;
        *) echo "run_compile_bench.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
build=${PORTSOCK_BUILD_DIR:-$root/build/dev}
[ -f "$build/generated/include/portsock/async_export.hpp" ] ||
    { echo "run_compile_bench.sh: configure a build with the async component first ($build)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

portsock_cmd=("$cxx" -std=c++20 $flags -I"$root/sdk/include" -I"$build/generated/include"
              -c "$root/samples/async_echo_server/main.cpp" -o "$work/portsock.o")
asio_cmd=("$cxx" -std=c++20 $flags -DASIO_STANDALONE -DASIO_HAS_CO_AWAIT -DASIO_HAS_STD_COROUTINE
          -c "$root/tests/bench/asio_coro_echo.cpp" -o "$work/asio.o")
for round in $(seq 1 "$reps"); do
    for name in $(printf 'portsock\nasio\n' | shuf); do
        if [ "$name" = portsock ]; then cmd=("${portsock_cmd[@]}"); else cmd=("${asio_cmd[@]}"); fi
        /usr/bin/time -v "${cmd[@]}" 2>"$work/time.txt"
        awk -v n="$name" -F': ' '
            /Elapsed \(wall clock\)/ { split($2, t, ":"); wall = (length(t) == 3) ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2] }
            /User time/ { user = $2 } /System time/ { sys = $2 } /Maximum resident/ { rss = $2 }
            END { printf "%s %.2f %.2f %d\n", n, wall, user + sys, rss / 1024 }' "$work/time.txt" >>"$work/results"
    done
done
python3 - "$work/results" "$reps" "$cxx $flags" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, wall, cpu, rss = line.split()
    rows[name].append((float(wall), float(cpu), int(rss)))
print(f"{sys.argv[3]}, median of {sys.argv[2]} rounds\n")
print("| file | wall s | CPU s | compiler peak MiB |")
print("|---|---|---|---|")
med = {}
for name, label in [("portsock", "samples/async_echo_server (portsock::async)"), ("asio", "asio C++20 coroutine echo server")]:
    r = rows[name]
    med[name] = [statistics.median(x[i] for x in r) for i in range(3)]
    print(f"| {label} | {med[name][0]:.2f} | {med[name][1]:.2f} | {med[name][2]:.0f} |")
print(f"\nportsock / asio: CPU {med['portsock'][1] / med['asio'][1]:.2f}x, peak memory {med['portsock'][2] / med['asio'][2]:.2f}x")
PY
