#!/usr/bin/env bash
# The poller's wait cost against idle sockets, for every backend that runs here: epoll and
# poll() natively, AFD and WSAPoll under Wine (docs/performance.md, "Poller wait cost").
#
#   tests/bench/run_poller_wait_bench.sh [--runs 3] [-- poller_wait_bench arguments...]
#
# Uses the libraries of the dev and mingw builds (cmake --build --preset dev / mingw
# --target portsock first) and compiles tests/bench/poller_wait_bench.cpp against each with
# -O2. The runs alternate native and Wine, so both see the same machine load; each run
# prints its own medians over its rounds (interleaved inside the program). Not a test.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
runs=3
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs=$2; shift 2 ;;
        --) shift; break ;;
        *) echo "usage: $0 [--runs N] [-- bench arguments]" >&2; exit 2 ;;
    esac
done
out=build/bench-poller-wait
mkdir -p "$out"
for lib in build/dev/sdk/libportsock.a build/mingw/sdk/libportsock.a; do
    [ -f "$lib" ] || { echo "missing $lib: build the dev and mingw presets first" >&2; exit 1; }
done
flags=(-std=c++17 -O2 -DPORTSOCK_STATIC_DEFINE -Isdk/include)
g++ "${flags[@]}" -Ibuild/dev/generated/include tests/bench/poller_wait_bench.cpp \
    build/dev/sdk/libportsock.a -pthread -o "$out/poller_wait_bench"
x86_64-w64-mingw32-g++-posix "${flags[@]}" -Ibuild/mingw/generated/include tests/bench/poller_wait_bench.cpp \
    build/mingw/sdk/libportsock.a -lws2_32 -liphlpapi -lntdll -static -o "$out/poller_wait_bench.exe"

cmake/wine/wine-session.sh start build/mingw >/dev/null
trap 'cmake/wine/wine-session.sh stop build/mingw >/dev/null 2>&1 || true' EXIT
for run in $(seq 1 "$runs"); do
    echo "== run $run: native ($(uname -sr))"
    "$out/poller_wait_bench" "$@"
    echo "== run $run: Wine ($(wine --version))"
    PORTSOCK_WINEPREFIX="$root/build/mingw/wineprefix" cmake/wine/wine-run.sh "$out/poller_wait_bench.exe" "$@"
done
