#!/bin/sh
# Async TLS benchmark: builds the bench preset, makes test certificates, and runs
# portsock_async_tls_bench (portsock::async::tls_stream on one event loop against the same
# work written directly on OpenSSL over portsock::poller, one thread each, interleaved
# rounds, medians and ratios).
#
#   tests/bench/run_async_tls_bench.sh [rounds]     (default 9)
set -eu
cd "$(dirname "$0")/../.."
cmake --preset bench >/dev/null
cmake --build --preset bench --target portsock_async_tls_bench
certs=$(mktemp -d)
trap 'rm -rf "$certs"' EXIT INT TERM
sh tests/tls/make_certs.sh "$certs" >/dev/null
build/bench/tests/bench/portsock_async_tls_bench "$certs" "${1:-9}"
