#!/usr/bin/env bash
# Builds the benchmarks (bench preset) and runs them with repetitions interleaved at random
# across raw and portsock, then prints each benchmark's median rate and process CPU time
# per iteration, and the portsock/raw ratios of both.
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
cpu = {}  # process CPU time (every thread) per iteration, microseconds
for r in runs:
    if r.get("aggregate_name") != "median":
        continue
    name = "/".join(r["run_name"].split("/")[:2])  # "PingPong/raw/process_time/real_time" -> "PingPong/raw"
    rate = r.get("bytes_per_second") or r.get("items_per_second")
    median[name] = (rate, "MiB/s" if "bytes_per_second" in r else "round trips/s")
    scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[r.get("time_unit", "ns")]
    cpu[name] = r["cpu_time"] * scale
print(f"{'benchmark':<26}{'median':>12}  {'unit':<14}{'CPU us/iteration':>17}")
for name, (rate, unit) in sorted(median.items()):
    value = rate / 2**20 if unit == "MiB/s" else rate
    print(f"{name:<26}{value:>12,.0f}  {unit:<14}{cpu[name]:>17.2f}")
print()
for kind in sorted({n.split('/')[0] for n in median}):
    raw, ours = median.get(kind + "/raw"), median.get(kind + "/portsock")
    if raw and ours:
        print(f"{kind:<16} portsock/raw: rate {ours[0] / raw[0]:.3f} (higher is better), "
              f"CPU per iteration {cpu[kind + '/portsock'] / cpu[kind + '/raw']:.3f} (lower is better)")
PY
