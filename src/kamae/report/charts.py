"""Charts of Monte Carlo results as inline SVG: bars with intervals, intervals on [0, 1],
lines and trade-study fronts. Every mark has a `<title>` (shown on hover)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kamae.report.markup import Markup, join, number, tag
from kamae.results.labels import metric_label
from kamae.results.numbers import estimate_text

WIDTH = 520.0
HEIGHT = 260.0
LEFT, RIGHT, TOP, BOTTOM = 56.0, 14.0, 14.0, 46.0
LEGEND_ROW = 15.0
"""Height of one legend row under a chart, px (legends never sit over the plotted marks)."""


@dataclass(frozen=True)
class Series:
    """One series of a bar chart: a value per category, optional 95% interval."""

    name: str
    values: Sequence[float]
    low: Sequence[float] | None = None
    high: Sequence[float] | None = None
    css: str = "s0"


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """About `count` round tick values covering [lo, hi]."""
    if not math.isfinite(lo) or not math.isfinite(hi) or hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(count, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step) * step
    ticks = []
    t = first
    while t <= hi + 1e-9 * step:
        ticks.append(round(t, 10))
        t += step
    if ticks[-1] < hi - 1e-9:
        ticks.append(round(t, 10))
    return ticks


def _svg(name: str, label: str, width: float, height: float, *body: object) -> Markup:
    return tag(
        "svg",
        {
            "class": f"chart {name}",
            "viewBox": f"0 0 {number(width)} {number(height)}",
            "role": "img",
            "aria-label": label,
            "xmlns": "http://www.w3.org/2000/svg",
        },
        body,
    )


def _y_axis(
    ticks: list[float],
    y_of: Callable[[float], float],
    width: float,
    fmt: Callable[[float], str],
) -> Markup:
    parts = []
    for t in ticks:
        y = number(y_of(t))
        parts.append(
            tag(
                "line", {"class": "grid", "x1": LEFT, "x2": number(width - RIGHT), "y1": y, "y2": y}
            )
        )
        parts.append(
            tag(
                "text",
                {
                    "class": "tick",
                    "x": LEFT - 6,
                    "y": y,
                    "text-anchor": "end",
                    "dominant-baseline": "middle",
                },
                fmt(t),
            )
        )
    return join(parts)


def bar_chart(
    name: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    y_label: str,
    x_label: str = "",
    percent: bool = False,
    width: float = WIDTH,
    height: float = HEIGHT,
) -> Markup:
    """Grouped bars per category, with 95% interval whiskers where given."""
    top_value = 0.0
    for s in series:
        hi = s.high if s.high is not None else s.values
        if len(hi):
            top_value = max(top_value, float(np.nanmax(np.asarray(hi, dtype=float))))
    ticks = nice_ticks(0.0, top_value if top_value > 0 else 1.0)
    y_max = ticks[-1]
    plot_h = height - TOP - BOTTOM
    plot_w = width - LEFT - RIGHT

    def y_of(v: float) -> float:
        return TOP + plot_h * (1.0 - v / y_max)

    def fmt(v: float) -> str:
        return f"{v:.0%}" if percent else f"{v:g}"

    slot = plot_w / max(len(categories), 1)
    bar_w = min(slot * 0.8 / max(len(series), 1), 60.0)
    marks = []
    for i, cat in enumerate(categories):
        x_mid = LEFT + slot * (i + 0.5)
        for j, s in enumerate(series):
            v = float(s.values[i])
            x = x_mid - bar_w * len(series) / 2 + j * bar_w
            if s.low is not None and s.high is not None:
                shown = estimate_text(v, float(s.low[i]), float(s.high[i]), percent=percent)
                title = f"{s.name}: {cat}: {shown} (mean [95% interval])"
            else:
                title = f"{s.name}: {cat}: {fmt(v) if percent else f'{v:.3g}'}"
            marks.append(
                tag(
                    "rect",
                    {
                        "class": f"bar {s.css}",
                        "x": number(x + 0.5),
                        "y": number(y_of(max(v, 0.0))),
                        "width": number(max(bar_w - 1.0, 1.0)),
                        "height": number(max(y_of(0.0) - y_of(max(v, 0.0)), 0.0)),
                    },
                    tag("title", {}, title),
                )
            )
            if s.low is not None and s.high is not None:
                xc = number(x + bar_w / 2)
                xl = number(x + bar_w / 2 - 4)
                y1, y2 = number(y_of(float(s.low[i]))), number(y_of(float(s.high[i])))
                marks.append(
                    tag(
                        "path",
                        {
                            "class": "whisker",
                            "d": f"M{xc} {y1}V{y2}M{xl} {y1}h8M{xl} {y2}h8",
                        },
                    )
                )
        marks.append(
            tag(
                "text",
                {
                    "class": "tick",
                    "x": number(x_mid),
                    "y": number(height - BOTTOM + 14),
                    "text-anchor": "middle",
                },
                cat,
            )
        )
    legend = []  # under the plot, so that it never covers a bar
    if len(series) > 1:
        for j, s in enumerate(series):
            lx = LEFT + 8 + j * 150
            legend.append(
                tag(
                    "rect",
                    {
                        "class": f"bar {s.css}",
                        "x": number(lx),
                        "y": number(height - 3),
                        "width": 10,
                        "height": 10,
                    },
                )
            )
            legend.append(
                tag(
                    "text", {"class": "tick", "x": number(lx + 14), "y": number(height + 6)}, s.name
                )
            )
    return _svg(
        name,
        y_label,
        width,
        height + (LEGEND_ROW if len(series) > 1 else 0.0),
        _y_axis(ticks, y_of, width, fmt),
        tag(
            "line",
            {
                "class": "axis",
                "x1": LEFT,
                "x2": number(width - RIGHT),
                "y1": number(y_of(0)),
                "y2": number(y_of(0)),
            },
        ),
        marks,
        tag("g", {"class": "chart-legend"}, legend) if legend else None,
        tag(
            "text",
            {
                "class": "label",
                "x": number(LEFT + plot_w / 2),
                "y": number(height - 8),
                "text-anchor": "middle",
            },
            x_label,
        ),
        tag(
            "text",
            {
                "class": "label",
                "x": 12,
                "y": number(TOP + plot_h / 2),
                "transform": f"rotate(-90 12 {number(TOP + plot_h / 2)})",
                "text-anchor": "middle",
            },
            y_label,
        ),
    )


def leaker_distribution(
    series: Sequence[tuple[str, np.ndarray]], css: Sequence[str] = ("s0", "s1")
) -> Markup:
    """Bars of P(k leakers) for each run's per-replication leaker counts."""
    top = max(int(np.max(v)) if len(v) else 0 for _, v in series)
    cats = [str(k) for k in range(top + 1)]
    bars = []
    for (label, values), c in zip(series, css, strict=False):
        counts = np.bincount(np.asarray(values, dtype=np.int64), minlength=top + 1)
        bars.append(Series(label, (counts / max(len(values), 1)).tolist(), css=c))
    return bar_chart(
        "leakers",
        cats,
        bars,
        y_label="share of replications",
        x_label="threats leaked in a replication",
        percent=True,
    )


def probability_intervals(
    rows: Sequence[tuple[str, float, float, float]],
    *,
    name: str = "p-no-leak",
    caption: str = "P(no leaker) with 95% Wilson interval",
    css: Sequence[str] | None = None,
    width: float = WIDTH,
) -> Markup:
    """Point estimates with interval bars on a [0, 1] axis, one row each (labels longer than
    28 characters are shortened; the hover text has them whole)."""
    row_h = 30.0
    height = TOP + row_h * len(rows) + 34.0
    left = 190.0
    plot_w = width - left - 22.0

    def x_of(p: float) -> float:
        return left + plot_w * p

    marks = []
    for t in np.linspace(0.0, 1.0, 6):
        x = number(x_of(float(t)))
        marks.append(
            tag("line", {"class": "grid", "x1": x, "x2": x, "y1": TOP, "y2": number(height - 30)})
        )
        marks.append(
            tag(
                "text",
                {"class": "tick", "x": x, "y": number(height - 16), "text-anchor": "middle"},
                f"{t:.0%}",
            )
        )
    for i, (label, est, lo, hi) in enumerate(rows):
        y = TOP + row_h * (i + 0.5)
        title = f"{label}: {est:.1%}, 95% interval [{lo:.1%}, {hi:.1%}]"
        marks.append(
            tag(
                "g",
                {"class": f"interval {css[i] if css else 's0'}"},
                tag("title", {}, title),
                tag(
                    "line",
                    {
                        "class": "range",
                        "x1": number(x_of(lo)),
                        "x2": number(x_of(hi)),
                        "y1": number(y),
                        "y2": number(y),
                    },
                ),
                tag(
                    "circle",
                    {"class": "estimate", "cx": number(x_of(est)), "cy": number(y), "r": 5},
                ),
            )
        )
        short = label if len(label) <= 28 else label[:27] + "…"
        marks.append(
            tag(
                "text",
                {
                    "class": "tick",
                    "x": left - 8,
                    "y": number(y),
                    "text-anchor": "end",
                    "dominant-baseline": "middle",
                },
                short,
            )
        )
    return _svg(name, caption, width, height, marks)


def line_chart(title: str, table: pa.Table) -> Markup:
    """Each numeric column against the first column (campaign days, sweeps), labelled by
    `kamae.results.labels.metric_label`; the legend sits under the plot, never over it."""
    cols = table.column_names
    x = np.asarray(table.column(cols[0]).to_numpy(zero_copy_only=False), dtype=float)
    ys = [
        (c, np.asarray(table.column(c).to_numpy(zero_copy_only=False), dtype=float))
        for c in cols[1:]
        if pa.types.is_integer(table.schema.field(c).type)
        or pa.types.is_floating(table.schema.field(c).type)
    ]
    all_y = np.concatenate([y for _, y in ys]) if ys else np.array([0.0, 1.0])
    y_ticks = nice_ticks(min(0.0, float(np.nanmin(all_y))), float(np.nanmax(all_y)))
    x_ticks = nice_ticks(float(np.nanmin(x)), float(np.nanmax(x))) if x.size else [0.0, 1.0]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(v: float) -> float:
        return LEFT + plot_w * (v - x_ticks[0]) / (x_ticks[-1] - x_ticks[0])

    def y_of(v: float) -> float:
        return TOP + plot_h * (1 - (v - y_ticks[0]) / (y_ticks[-1] - y_ticks[0]))

    marks, keys = [], []
    height = HEIGHT + LEGEND_ROW * len(ys)
    for i, (c, y) in enumerate(ys):
        name = metric_label(c)
        d = "M" + " ".join(
            f"{number(x_of(a))} {number(y_of(b))}"
            for a, b in zip(x, y, strict=True)
            if math.isfinite(b)
        )
        marks.append(
            tag(
                "path",
                {"class": f"series s{i % 6}", "d": d},
                tag("title", {}, f"{name} against {metric_label(cols[0])}"),
            )
        )
        row_y = HEIGHT + LEGEND_ROW * i + 4
        keys.append(
            tag(
                "path",
                {"class": f"series s{i % 6}", "d": f"M{LEFT} {number(row_y - 4)}h18"},
            )
        )
        keys.append(
            tag("text", {"class": f"tick key s{i % 6}", "x": LEFT + 24, "y": number(row_y)}, name)
        )
    if keys:
        marks.append(tag("g", {"class": "chart-legend"}, keys))
    for t in x_ticks:
        marks.append(
            tag(
                "text",
                {
                    "class": "tick",
                    "x": number(x_of(t)),
                    "y": number(HEIGHT - BOTTOM + 14),
                    "text-anchor": "middle",
                },
                f"{t:g}",
            )
        )
    return _svg(
        "line",
        title,
        WIDTH,
        height,
        _y_axis(y_ticks, y_of, WIDTH, lambda v: f"{v:g}"),
        marks,
        tag(
            "text",
            {
                "class": "label",
                "x": number(LEFT + plot_w / 2),
                "y": number(HEIGHT - 8),
                "text-anchor": "middle",
            },
            metric_label(cols[0]),
        ),
    )


def pareto_front(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Points not dominated when x is minimised and y maximised (e.g. cost, effectiveness)."""
    order = np.lexsort((-y, x))
    front = np.zeros(x.size, dtype=bool)
    best = -np.inf
    for i in order:
        if y[i] > best:
            front[i] = True
            best = y[i]
    return front


def front_chart(title: str, table: pa.Table) -> Markup:
    """Trade-study points (first two numeric columns: cost-like x, effectiveness-like y) with
    the non-dominated front drawn through them."""
    numeric = [
        c
        for c in table.column_names
        if pa.types.is_integer(table.schema.field(c).type)
        or pa.types.is_floating(table.schema.field(c).type)
    ]
    if len(numeric) < 2:
        return Markup("")
    x = np.asarray(table.column(numeric[0]).to_numpy(zero_copy_only=False), dtype=float)
    y = np.asarray(table.column(numeric[1]).to_numpy(zero_copy_only=False), dtype=float)
    front = pareto_front(x, y)
    x_ticks, y_ticks = (
        nice_ticks(float(x.min()), float(x.max())),
        nice_ticks(float(y.min()), float(y.max())),
    )
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(v: float) -> float:
        return LEFT + plot_w * (v - x_ticks[0]) / (x_ticks[-1] - x_ticks[0])

    def y_of(v: float) -> float:
        return TOP + plot_h * (1 - (v - y_ticks[0]) / (y_ticks[-1] - y_ticks[0]))

    order = np.flatnonzero(front)[np.argsort(x[front])]
    marks = [
        tag(
            "path",
            {
                "class": "series s0",
                "d": "M" + " ".join(f"{number(x_of(x[i]))} {number(y_of(y[i]))}" for i in order),
            },
        )
    ]
    for i in range(x.size):
        marks.append(
            tag(
                "circle",
                {
                    "class": "point" + (" front" if front[i] else ""),
                    "cx": number(x_of(x[i])),
                    "cy": number(y_of(y[i])),
                    "r": 3.5,
                },
                tag(
                    "title",
                    {},
                    f"{numeric[0]} {x[i]:g}, {numeric[1]} {y[i]:g}"
                    + (" (on the front)" if front[i] else ""),
                ),
            )
        )
    for t in x_ticks:
        marks.append(
            tag(
                "text",
                {
                    "class": "tick",
                    "x": number(x_of(t)),
                    "y": number(HEIGHT - BOTTOM + 14),
                    "text-anchor": "middle",
                },
                f"{t:g}",
            )
        )
    return _svg(
        "front",
        title,
        WIDTH,
        HEIGHT,
        _y_axis(y_ticks, y_of, WIDTH, lambda v: f"{v:g}"),
        marks,
        tag(
            "text",
            {
                "class": "label",
                "x": number(LEFT + plot_w / 2),
                "y": number(HEIGHT - 8),
                "text-anchor": "middle",
            },
            numeric[0],
        ),
        tag(
            "text",
            {
                "class": "label",
                "x": 12,
                "y": number(TOP + plot_h / 2),
                "transform": f"rotate(-90 12 {number(TOP + plot_h / 2)})",
                "text-anchor": "middle",
            },
            numeric[1],
        ),
    )


@dataclass(frozen=True)
class HBar:
    """A horizontal bar from `start` to `end` on a row, with an optional interval whisker;
    bars of one row share it in `lanes` lanes (S1 above ST; a tornado's low and high)."""

    start: float
    end: float
    css: str = "s0"
    title: str = ""
    low: float | None = None
    high: float | None = None
    lane: int = 0
    lanes: int = 1


def horizontal_bars(
    name: str,
    rows: Sequence[tuple[str, Sequence[HBar]]],
    *,
    x_label: str,
    caption: str,
    origin: float | None = None,
    legend: Sequence[tuple[str, str]] = (),
    width: float = WIDTH + 200.0,
) -> Markup:
    """One row per label (long labels fit on the left), horizontal bars with whiskers: a
    tornado (bars from the central value), Sobol' indices, or differences around 0. `origin`
    draws a reference line (0 or the central value)."""
    left, row_h = 250.0, 28.0
    top = TOP + (18.0 if legend else 0.0)
    height = top + row_h * max(len(rows), 1) + 40.0
    ends = [v for _, bars in rows for b in bars for v in (b.start, b.end, b.low, b.high)]
    found = [float(v) for v in ends if v is not None and math.isfinite(float(v))]
    if origin is not None:
        found.append(origin)
    ticks = nice_ticks(min(found, default=0.0), max(found, default=1.0))
    plot_w = width - left - RIGHT - 10.0

    def x_of(v: float) -> float:
        return left + plot_w * (v - ticks[0]) / (ticks[-1] - ticks[0])

    marks = []
    for t in ticks:
        x = number(x_of(t))
        marks.append(
            tag("line", {"class": "grid", "x1": x, "x2": x, "y1": top, "y2": number(height - 34)})
        )
        marks.append(
            tag(
                "text",
                {"class": "tick", "x": x, "y": number(height - 22), "text-anchor": "middle"},
                f"{t:g}",
            )
        )
    if origin is not None:
        x = number(x_of(origin))
        marks.append(
            tag("line", {"class": "axis", "x1": x, "x2": x, "y1": top, "y2": number(height - 34)})
        )
    for i, (label, bars) in enumerate(rows):
        y0 = top + row_h * i + 3.0
        for b in bars:
            lane_h = (row_h - 8.0) / b.lanes
            y = y0 + lane_h * b.lane
            x1, x2 = sorted((x_of(b.start), x_of(b.end)))
            marks.append(
                tag(
                    "rect",
                    {
                        "class": f"bar {b.css}",
                        "x": number(x1),
                        "y": number(y),
                        "width": number(max(x2 - x1, 1.0)),
                        "height": number(max(lane_h - 1.0, 1.0)),
                    },
                    tag("title", {}, b.title),
                )
            )
            if b.low is not None and b.high is not None:
                ym, xl, xh = number(y + lane_h / 2), number(x_of(b.low)), number(x_of(b.high))
                d = f"M{xl} {ym}H{xh}M{xl} {number(y + 2)}v{number(lane_h - 5)}"
                d += f"M{xh} {number(y + 2)}v{number(lane_h - 5)}"
                marks.append(tag("path", {"class": "whisker", "d": d}))
        short = label if len(label) <= 40 else "…" + label[-39:]
        marks.append(
            tag(
                "text",
                {
                    "class": "tick",
                    "x": left - 8,
                    "y": number(y0 + (row_h - 8.0) / 2),
                    "text-anchor": "end",
                    "dominant-baseline": "middle",
                },
                tag("title", {}, label),
                short,
            )
        )
    keys = []  # a row of its own above the plot (`top` leaves room for it)
    for j, (text, css) in enumerate(legend):
        lx = left + j * 170
        keys.append(
            tag(
                "rect",
                {"class": f"bar {css}", "x": number(lx), "y": TOP, "width": 10, "height": 10},
            )
        )
        keys.append(tag("text", {"class": "tick", "x": number(lx + 14), "y": TOP + 9}, text))
    if keys:
        marks.append(tag("g", {"class": "chart-legend"}, keys))
    marks.append(
        tag(
            "text",
            {
                "class": "label",
                "x": number(left + plot_w / 2),
                "y": number(height - 6),
                "text-anchor": "middle",
            },
            x_label,
        )
    )
    return _svg(name, caption, width, height, marks)
