#!/usr/bin/env bash
# Builds the gather-write and send_file benchmarks (bench preset), runs them with
# repetitions interleaved at random (the machine may be shared and noisy), then prints each
# benchmark's median and the ratios that docs/performance.md reports.
#
# usage: tests/bench/run_gather_file_bench.sh [extra Google Benchmark flags]
# Needs Google Benchmark (Debian libbenchmark-dev) and python3; writes a 100 MiB file in
# the temporary directory for the run (removed at exit).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cmake --preset bench >/dev/null
cmake --build --preset bench --target portsock_gather_file_bench >/dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
build/bench/tests/bench/portsock_gather_file_bench --benchmark_enable_random_interleaving=true \
    --benchmark_repetitions=15 --benchmark_min_time=0.3 --benchmark_report_aggregates_only=true \
    --benchmark_out="$out" --benchmark_out_format=json "$@" >&2
python3 - "$out" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
median, cpu = {}, {}
for r in runs:
    if r.get("aggregate_name") == "median":
        name = "/".join(r["run_name"].split("/")[:2])
        median[name] = r.get("bytes_per_second") or r.get("items_per_second")
        cpu[name] = r["cpu_time"] / 1e6 if r["time_unit"] == "ns" else r["cpu_time"]
print(f"{'benchmark':<24}{'median':>14}  {'unit':<12}{'timed thread CPU ms':>24}")
for name, rate in sorted(median.items()):
    value, unit = (rate / 2**20, "MiB/s") if name.startswith("File/") else (rate, "responses/s")
    print(f"{name:<24}{value:>14,.0f}  {unit:<12}{cpu[name]:>24.3f}")
print()
for a, b in [("Response/gather", "Response/two_sends"), ("Response/gather", "Response/concatenate"),
             ("File/send_file", "File/read_and_send")]:
    if a in median and b in median:
        print(f"{a} / {b} = {median[a] / median[b]:.3f}")
PY
