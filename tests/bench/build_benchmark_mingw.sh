#!/usr/bin/env bash
# Builds Google Benchmark for the mingw-w64 cross build, so the bench-mingw preset can
# configure: Debian packages it for the host only. Fetches Debian's source package (needs
# a deb-src entry in APT's sources), builds it with cmake/toolchains/mingw-w64-x86_64.cmake
# and installs it in build/deps/mingw, where the bench-mingw preset looks for it.
#
# usage: tests/bench/build_benchmark_mingw.sh    then: cmake --preset bench-mingw && cmake --build --preset bench-mingw
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
deps="$root/build/deps"
prefix="$deps/mingw"
if [ -f "$prefix/lib/cmake/benchmark/benchmarkConfig.cmake" ]; then
    echo "Google Benchmark for mingw is already in $prefix"
    exit 0
fi
mkdir -p "$deps"
cd "$deps"
if ! ls benchmark_*.orig.tar.gz >/dev/null 2>&1; then
    apt-get source --download-only benchmark >/dev/null ||
        { echo "build_benchmark_mingw.sh: apt-get source failed (is there a deb-src entry?)" >&2; exit 1; }
fi
rm -rf benchmark-src benchmark-build
mkdir benchmark-src
tar -xzf benchmark_*.orig.tar.gz -C benchmark-src --strip-components=1
cmake -S benchmark-src -B benchmark-build \
    -DCMAKE_TOOLCHAIN_FILE="$root/cmake/toolchains/mingw-w64-x86_64.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DBENCHMARK_ENABLE_TESTING=OFF -DBENCHMARK_ENABLE_GTEST_TESTS=OFF \
    -DBENCHMARK_ENABLE_WERROR=OFF -DBENCHMARK_ENABLE_INSTALL=ON >/dev/null
cmake --build benchmark-build -j 2 >/dev/null
cmake --install benchmark-build >/dev/null
echo "Google Benchmark for mingw installed in $prefix"
