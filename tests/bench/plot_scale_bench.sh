#!/usr/bin/env bash
# Draws the results table of tests/bench/run_scale_bench.sh as an SVG bar chart: one
# cluster per row, one bar each for raw, portsock_poller, asio and libuv, as a ratio to
# the raw server (1.0), in two panels: higher is better (speed) and lower is better (memory,
# CPU). Needs python3 only (tests/bench/plot_scale_bench.py draws it).
#
# usage: tests/bench/plot_scale_bench.sh RESULTS OUTPUT.svg
#   RESULTS  what run_scale_bench.sh printed (its Markdown table is read; other lines
#            are ignored), e.g. from
#            tests/bench/run_scale_bench.sh --reps 15 | tee scale.txt
#
# docs/performance.svg is made this way:
#   tests/bench/plot_scale_bench.sh scale.txt docs/performance.svg
set -euo pipefail
[ $# = 2 ] || { sed -n '2,13p' "$0" >&2; exit 2; }
results=$1 output=$2
exec python3 "$(dirname "$0")/plot_scale_bench.py" "$results" "$output"
