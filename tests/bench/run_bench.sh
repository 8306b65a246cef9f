#!/usr/bin/env bash
# Builds the benchmarks (bench preset) and runs them with repetitions interleaved at random
# across raw and portsock, then prints each benchmark's median and the portsock/raw ratio.
#
# usage: tests/bench/run_bench.sh [extra Google Benchmark flags, e.g. --benchmark_repetitions=31]
# Needs Google Benchmark (Debian libbenchmark-dev) and python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cmake --preset bench >/dev/null
cmake --build --preset bench --target portsock_bench >/dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
build/bench/tests/bench/portsock_bench --benchmark_enable_random_interleaving=true \
    --benchmark_repetitions=15 --benchmark_min_time=0.3 --benchmark_report_aggregates_only=true \
    --benchmark_out="$out" --benchmark_out_format=json "$@" >&2
python3 - "$out" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
median = {}
for r in runs:
    if r.get("aggregate_name") != "median":
        continue
    name = "/".join(r["run_name"].split("/")[:2])  # "PingPong/raw/real_time" -> "PingPong/raw"
    rate = r.get("bytes_per_second") or r.get("items_per_second")
    median[name] = (rate, "MiB/s" if "bytes_per_second" in r else "round trips/s")
print(f"{'benchmark':<22}{'median':>16}  unit")
for name, (rate, unit) in sorted(median.items()):
    value = rate / 2**20 if unit == "MiB/s" else rate
    print(f"{name:<22}{value:>16,.0f}  {unit}")
print()
for kind in sorted({n.split('/')[0] for n in median}):
    raw, ours = median.get(kind + "/raw"), median.get(kind + "/portsock")
    if raw and ours:
        print(f"{kind:<12} portsock/raw = {ours[0] / raw[0]:.3f}")
PY
