#!/usr/bin/env python3
"""Draws the results table of tests/bench/run_scale_bench.sh as an SVG bar chart.

usage: plot_scale_bench.py RESULTS OUTPUT.svg

RESULTS is what run_scale_bench.sh printed (or any Markdown file whose first table has the
columns row, raw, portsock_poller, asio and libuv; docs/performance.md does). Each row is a
group of horizontal bars, one per server, as a ratio to the raw server (1.0). The rows
where higher is better (speed) and those where lower is better (memory, CPU time) are two
panels, each with its own axis, so no axis mixes the two. Labels sit beside their bars,
horizontally, so none drifts off its bar and none is clipped. Python 3 standard library
only (no gnuplot).
"""
import html
import math
import re
import sys

SERVERS = [("raw", "#9a9a9a"), ("portsock_poller", "#1f77b4"), ("asio", "#ff7f0e"), ("libuv", "#2ca02c")]
WIDTH = 760
LABEL_WIDTH = 230      # the row labels, left of the bars
BAR_LEFT = LABEL_WIDTH + 20
BAR_AREA = WIDTH - BAR_LEFT - 56  # room on the right for the value of the longest bar
BAR = 13               # one bar's height
ROW_GAP = 16           # between two rows' groups
FONT = "font-family='sans-serif'"


def first_results_table(path):
    """The rows of the first table with a `row` column, as dicts; stops where it ends."""
    header, rows = None, []
    for line in open(path, encoding="utf-8"):
        stripped = line.strip()
        if not stripped.startswith("|"):
            if header:
                break
            continue
        cells = [c.strip() for c in stripped.strip("|").split("|")]
        if header is None:
            if cells and cells[0] == "row":
                header = cells
        elif not set(cells[0]) <= set("-: "):
            rows.append(dict(zip(header, cells)))
    if not header or not all(s in header for s, _ in SERVERS):
        sys.exit(f"plot_scale_bench: no results table with columns {[s for s, _ in SERVERS]} in {path}")
    return rows


def number(cell):
    match = re.match(r"([\d,.]+)", cell)
    return float(match.group(1).replace(",", "")) if match else None


def ratio(cell, raw):
    """The script's own bracketed ratio (median of per-round ratios), else value / raw."""
    match = re.match(r"([\d,.]+)(?:\s*\(([\d.]+)x\))?", cell)
    if not match:
        return None
    return float(match.group(2)) if match.group(2) else float(match.group(1).replace(",", "")) / raw


def chart_rows(rows):
    """(higher-is-better rows, lower-is-better rows), each a list of (label lines, ratios)."""
    higher, lower = [], []
    for row in rows:
        raw = number(row["raw"])
        if not raw:
            continue
        values = [ratio(row[s], raw) for s, _ in SERVERS]
        if None in values:
            continue
        name = row["row"].replace(" (lower is better)", "")
        name = re.sub(r",\s*[^,]*$", "", name)  # drop the unit: the bars are ratios
        name = name.replace("server ", "").replace(" x ", ", x ")
        lines = [part.strip() for part in name.split(", ")]
        is_lower = "memory" in row["row"] or "CPU" in row["row"]
        (lower if is_lower else higher).append((lines, values))
    return higher, lower


def text(x, y, content, anchor="start", size=12, weight="normal", color="#222"):
    return (f"<text x='{x:.1f}' y='{y:.1f}' {FONT} font-size='{size}' font-weight='{weight}' "
            f"fill='{color}' text-anchor='{anchor}'>{html.escape(content)}</text>")


def panel(title, rows, top):
    """SVG for one panel whose title line starts at `top`; returns (parts, bottom)."""
    parts = [text(16, top + 14, title, size=14, weight="bold")]
    largest = max(max(v) for _, v in rows) * 1.05
    step = 0.25 if largest <= 1.6 else 0.5  # the axis' ticks
    scale_max = max(1.25, math.ceil(largest / step) * step)
    group = len(SERVERS) * BAR
    y = top + 30
    axis_top = y - 6
    for lines, values in rows:
        label_y = y + group / 2 - (len(lines) - 1) * 7 + 4
        for i, line in enumerate(lines):
            parts.append(text(LABEL_WIDTH, label_y + i * 14, line, anchor="end"))
        for i, (value, (_, color)) in enumerate(zip(values, SERVERS)):
            width = BAR_AREA * value / scale_max
            bar_y = y + i * BAR
            parts.append(f"<rect x='{BAR_LEFT}' y='{bar_y:.1f}' width='{width:.1f}' height='{BAR - 2}' fill='{color}'/>")
            parts.append(text(BAR_LEFT + width + 4, bar_y + BAR - 3, f"{value:.2f}x", size=10, color="#333"))
        y += group + ROW_GAP
    axis_bottom = y - ROW_GAP + 6
    # The axis: its ticks, and the raw server's 1.0.
    tick = 0.0
    while tick <= scale_max + 1e-9:
        x = BAR_LEFT + BAR_AREA * tick / scale_max
        parts.append(f"<line x1='{x:.1f}' y1='{axis_top}' x2='{x:.1f}' y2='{axis_bottom}' stroke='#e4e4e4'/>")
        parts.append(text(x, axis_bottom + 14, f"{tick:g}", anchor="middle", size=10, color="#555"))
        tick += step
    x_one = BAR_LEFT + BAR_AREA / scale_max
    parts.append(f"<line x1='{x_one:.1f}' y1='{axis_top}' x2='{x_one:.1f}' y2='{axis_bottom}' "
                 "stroke='#555' stroke-dasharray='4,3'/>")
    parts.append(f"<line x1='{BAR_LEFT}' y1='{axis_top}' x2='{BAR_LEFT}' y2='{axis_bottom}' stroke='#555'/>")
    # (grid lines first, bars over them)
    grid = [p for p in parts if p.startswith("<line")]
    others = [p for p in parts if not p.startswith("<line")]
    return grid + others, axis_bottom + 22


def svg(higher, lower):
    parts = [text(16, 24, "portsock, asio and libuv: ratio to the raw server (1.0, dashed)", size=15, weight="bold")]
    legend_x = 16
    for name, color in SERVERS:
        parts.append(f"<rect x='{legend_x}' y='36' width='12' height='12' fill='{color}'/>")
        parts.append(text(legend_x + 17, 46, name))
        legend_x += 30 + int(6.8 * len(name))
    bottom = 64
    for title, rows in (("Speed: higher is better", higher), ("Memory and CPU time: lower is better", lower)):
        if rows:
            panel_parts, bottom = panel(title, rows, bottom + 8)
            parts += panel_parts
    height = int(bottom + 8)
    return ("<?xml version='1.0' encoding='utf-8'?>\n"
            f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{height}' "
            f"viewBox='0 0 {WIDTH} {height}'>\n<rect width='100%' height='100%' fill='white'/>\n"
            + "\n".join(parts) + "\n</svg>\n")


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    higher, lower = chart_rows(first_results_table(argv[1]))
    if not higher and not lower:
        sys.exit(f"plot_scale_bench: no rows to draw in {argv[1]}")
    with open(argv[2], "w", encoding="utf-8") as out:
        out.write(svg(higher, lower))
    print(f"wrote {argv[2]}: {len(higher)} higher-is-better and {len(lower)} lower-is-better rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
