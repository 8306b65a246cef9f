#!/usr/bin/env bash
# Draws the results table of tests/bench/run_scale_bench.sh as an SVG bar chart: one
# cluster per row, one bar each for raw, portsock_poller, asio and libuv, as a ratio to
# the raw server (1.0). Needs python3 and gnuplot (Debian gnuplot-nox).
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
command -v gnuplot >/dev/null || { echo "plot_scale_bench.sh: gnuplot not found (apt-get install gnuplot-nox)" >&2; exit 1; }
data=$(mktemp)
trap 'rm -f "$data"' EXIT

# Each cell is "value" or "value (ratio)": the bracketed ratio is the script's own (the
# median of per-round ratios); without one, the ratio is value / raw.
python3 - "$results" >"$data" <<'PY'
import re, sys
servers = ["raw", "portsock_poller", "asio", "libuv"]
header, rows = None, []
for line in open(sys.argv[1], encoding="utf-8"):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) < 2 or not line.lstrip().startswith("|") or set(cells[1]) <= set("-:"):
        continue
    if cells[0] == "row":
        header = cells
    elif header:
        rows.append(dict(zip(header, cells)))
if not header or not all(s in header for s in servers):
    sys.exit(f"plot_scale_bench.sh: no results table with columns {servers} in {sys.argv[1]}")

def ratio(cell, raw):
    m = re.match(r"([\d,.]+)(?:\s*\(([\d.]+)x\))?", cell)
    if not m:
        return None
    return float(m.group(2)) if m.group(2) else float(m.group(1).replace(",", "")) / raw

print('"row" ' + " ".join(f'"{s}"' for s in servers))
for row in rows:
    raw_cell = re.match(r"[\d,.]+", row["raw"])
    if not raw_cell:
        continue
    raw = float(raw_cell.group(0).replace(",", ""))
    values = [ratio(row[s], raw) for s in servers]
    if None in values:
        continue
    label = re.sub(r",\s*[^,]*$", "", row["row"])  # drop the unit: the bars are ratios
    label = label.replace(" (lower is better)", "")
    if "memory" in row["row"] or "CPU" in row["row"]:
        label += " (lower is better)"
    label = label.replace("server ", "").replace(", ", "\\n")
    print(f'"{label}" ' + " ".join(f"{v:.3f}" for v in values))
PY

gnuplot <<GP
set terminal svg size 1000,580 dynamic font "sans,12" background rgb "white" noenhanced
set output "$output"
set title "portsock against raw sockets, asio and libuv (ratio to the raw server; higher is better unless marked)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel "relative to raw = 1.0"
set yrange [0:*]
set grid ytics
set key top left
set xtics rotate by -25 font ",10" nomirror
set bmargin 9
set rmargin 18
set arrow from graph 0, first 1 to graph 1, first 1 nohead dashtype 2 linecolor rgb "#555555"
plot "$data" using 2:xtic(1) title columnheader(2) linecolor rgb "#999999", \
     "" using 3 title columnheader(3) linecolor rgb "#1f77b4", \
     "" using 4 title columnheader(4) linecolor rgb "#ff7f0e", \
     "" using 5 title columnheader(5) linecolor rgb "#2ca02c"
GP
echo "wrote $output"
