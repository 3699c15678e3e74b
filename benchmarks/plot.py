#!/usr/bin/env python3
"""Draws docs/benchmarks-usernames.svg (cost per username against stem occupancy, ours and
Pix's, log scale) and docs/benchmarks-match.svg (match latency against school size) from the
JSON that `scripts/setup benchmarks` leaves in build-bench/. Standard library only.

    /usr/bin/python3 benchmarks/plot.py [build-bench] [docs]
"""
import json
import math
import pathlib
import re
import sys

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 660, 360, 90, 170, 30, 60


def medians(path, pattern):
    """{series: {x: ns}} from the median rows of a Google Benchmark JSON file."""
    unit = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
    series = {}
    for row in json.loads(path.read_text())["benchmarks"]:
        if row.get("aggregate_name", "median") != "median":
            continue
        found = re.match(pattern, row["name"])
        if found:
            series.setdefault(found["series"], {})[float(found["x"])] = (
                row["cpu_time"] * unit[row["time_unit"]])
    return series


def svg(series, title, x_label, x_ticks, y_label, log_y):
    """A line chart: x_ticks is [(value, label)], x placed by tick order."""
    values = [v for points in series.values() for v in points.values()]
    low, high = min(values), max(values)
    scale = (lambda v: math.log10(v)) if log_y else (lambda v: v)
    if log_y:
        y_min, y_max = math.floor(scale(low)), math.ceil(scale(high))
    else:  # a round step (1, 2 or 5 times a power of ten) giving at most six lines
        step = next(m * 10 ** e for e in range(0, 12) for m in (1, 2, 5) if high / (m * 10 ** e) <= 5)
        y_min, y_max = 0, step * math.ceil(high / step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    position = {value: i for i, (value, _) in enumerate(x_ticks)}

    def xy(x, v):
        px = LEFT + plot_w * position[x] / max(1, len(x_ticks) - 1)
        py = TOP + plot_h * (1 - (scale(v) - y_min) / (y_max - y_min))
        return px, py

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           'font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           f'<text x="{LEFT}" y="18" font-size="14">{title}</text>']
    ticks = range(y_min, y_max + 1) if log_y else [i * step for i in range(int(y_max / step) + 1)]
    for t in ticks:
        value = 10 ** t if log_y else t
        _, py = xy(x_ticks[0][0], value)
        label = f"{value:g} ns" if value < 1e3 else f"{value / 1e3:g} µs" if value < 1e6 else \
            f"{value / 1e6:g} ms"
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{py:.1f}" y2="{py:.1f}" '
                   'stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 6}" y="{py + 4:.1f}" text-anchor="end">{label}</text>')
    for value, label in x_ticks:
        px, _ = xy(value, 10 ** y_min if log_y else 1)
        out.append(f'<text x="{px:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">'
                   f'{label}</text>')
    out.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 18}" text-anchor="middle">'
               f'{x_label}</text>')
    out.append(f'<text x="12" y="{TOP + plot_h / 2}" transform="rotate(-90 12 {TOP + plot_h / 2})"'
               f' text-anchor="middle">{y_label}</text>')
    colours = ["#c0392b", "#2471a3", "#229954", "#7d3c98"]
    for i, (name, points) in enumerate(sorted(series.items())):
        path = " ".join(f"{'M' if j == 0 else 'L'}{x:.1f},{y:.1f}" for j, (x, y) in
                        enumerate(xy(x, v) for x, v in sorted(points.items())))
        out.append(f'<path d="{path}" fill="none" stroke="{colours[i % 4]}" stroke-width="2"/>')
        out.append(f'<text x="{WIDTH - RIGHT + 10}" y="{TOP + 16 + 18 * i}" '
                   f'fill="{colours[i % 4]}">{name}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    build = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "build-bench")
    docs = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else "docs")
    usernames = medians(build / "bench_usernames.json",
                        r"BM_(?P<series>Pix|Ours_Choose|Ours_Sequential)/permille:(?P<x>\d+)")
    usernames = {{"Pix": "Pix (retry)", "Ours_Choose": "ours, random",
                  "Ours_Sequential": "ours, sequential"}[k]: {x: v for x, v in pts.items()
                                                              if x < 1000}
                 for k, pts in usernames.items()}
    ticks = [(0.0, "0 %"), (500.0, "50 %"), (900.0, "90 %"), (990.0, "99 %"), (999.0, "99.9 %")]
    (docs / "benchmarks-usernames.svg").write_text(svg(
        usernames, "Choosing a username: cost against the stem's occupancy",
        "suffixes of the stem already taken", ticks, "CPU time per username", True))
    match = medians(build / "bench_match.json",
                    r"BM_ServiceMatch/learners:(?P<x>\d+)/typo:(?P<series>\d)")
    match = {("typed with a typo" if k == "1" else "typed exactly"): v for k, v in match.items()}
    (docs / "benchmarks-match.svg").write_text(svg(
        match, "One match on SQLite against the school's size", "learners in the school",
        [(500.0, "500"), (2500.0, "2 500"), (10000.0, "10 000")], "CPU time per match", False))


if __name__ == "__main__":
    main()
