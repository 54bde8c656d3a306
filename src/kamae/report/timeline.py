"""The timeline of one replication: a lane per threat from launch to kill or impact, with a
mark for every event of the replication (first detections by each sensor, fire-control
tracks, interceptor launches, intercepts, kills and leaks)."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa

from kamae.report.charts import nice_ticks
from kamae.report.markup import Markup, number, tag
from kamae.world import World

WIDTH = 960.0
"""Width of a run report's timeline (viewBox units: about screen pixels at full width)."""
COMPACT_WIDTH = 560.0
"""Width of a timeline on a comparison page, where runs sit side by side in columns of about
this many pixels: drawn at the width it is shown, its labels keep their size on screen
(at 960 units shrunk into one column they rendered at ~55%, under 6 px)."""
LANE_SPACING = 12.0
"""Fewest viewBox units between two lane labels (10-unit text, `.lane` in page.py): with
narrower lanes only every k-th lane is labelled, so labels never overlap."""
LABEL_W = 118.0
RIGHT = 16.0
TOP = 10.0
AXIS_H = 34.0

SHAPES = {
    "detection": "M0 -3.5V3.5",
    "track": "M0 -4L4 0L0 4L-4 0Z",
    "launch": "M0 -4.5L4 3L-4 3Z",
    "kill": "M-1.5 -5.5h3v11h-3Z",
    "leak": "M-4.5 -4.5L4.5 4.5M-4.5 4.5L4.5 -4.5",
}
KIND_TEXT = {
    "detection": "first detection",
    "track": "fire-control-quality track",
    "launch": "interceptor launch",
    "intercept": "intercept",
    "kill": "kill",
    "leak": "leak",
}


def timeline_svg(
    world: World, events: pa.Table, replication: int, *, width: float = WIDTH
) -> Markup:
    """The timeline of one replication's events (every event is one mark), `width` units
    wide (`COMPACT_WIDTH` in a comparison's columns)."""
    traj = world.trajectory
    n = len(world.threat_ids)
    lane = float(np.clip(440.0 / max(n, 1), 5.0, 16.0))
    height = TOP + lane * n + AXIS_H
    t_end = float(np.max(traj.impact_time)) if n else 1.0
    ticks = nice_ticks(0.0, t_end, max(4, round(8 * width / WIDTH)))
    plot_w = width - LABEL_W - RIGHT
    every = max(1, math.ceil(LANE_SPACING / lane - 1e-9))

    def x_of(t: float) -> float:
        return LABEL_W + plot_w * t / ticks[-1]

    def y_of(i: int) -> float:
        return TOP + lane * (i + 0.5)

    index = {tid: i for i, tid in enumerate(world.threat_ids)}
    ev = events.to_pydict()
    end = traj.impact_time.copy()
    for kind, threat, t in zip(ev["kind"], ev["threat"], ev["time_s"], strict=True):
        if kind == "kill" and threat in index:
            end[index[threat]] = min(end[index[threat]], t)

    marks = []
    for t in ticks:
        x = number(x_of(t))
        marks.append(
            tag(
                "line",
                {"class": "grid", "x1": x, "x2": x, "y1": TOP, "y2": number(height - AXIS_H)},
            )
        )
        marks.append(
            tag(
                "text",
                {
                    "class": "tick",
                    "x": x,
                    "y": number(height - AXIS_H + 14),
                    "text-anchor": "middle",
                },
                f"{t:g}",
            )
        )
    for i, tid in enumerate(world.threat_ids):
        y = number(y_of(i))
        marks.append(
            tag(
                "line",
                {
                    "class": "flight",
                    "x1": number(x_of(float(traj.launch_time[i]))),
                    "x2": number(x_of(float(end[i]))),
                    "y1": y,
                    "y2": y,
                },
                tag("title", {}, f"{tid}: in flight {traj.launch_time[i]:.0f} s to {end[i]:.0f} s"),
            )
        )
        if i % every == 0:
            marks.append(
                tag(
                    "text",
                    {
                        "class": "tick lane",
                        "x": LABEL_W - 6,
                        "y": y,
                        "text-anchor": "end",
                        "dominant-baseline": "middle",
                    },
                    tid,
                )
            )
    for t, kind, threat, sensor, unit, itype, detail, outcome in zip(
        ev["time_s"],
        ev["kind"],
        ev["threat"],
        ev["sensor"],
        ev["fire_unit"],
        ev["interceptor"],
        ev["detail"],
        ev["tag"],
        strict=True,
    ):
        if threat not in index or kind == "why_not":  # why-not records: the report's table
            continue
        who = ", ".join(str(v) for v in (sensor, itype, unit) if v)
        title = (
            f"t = {t:.0f} s: {KIND_TEXT.get(kind, kind)} of {threat}"
            + (f" ({who})" if who else "")
            + (f": {detail}" if detail else "")
        )
        attrs: dict[str, object] = {
            "transform": f"translate({number(x_of(t))} {number(y_of(index[threat]))})"
        }
        if kind == "intercept":
            attrs["class"] = f"event ev-intercept {'hit' if outcome == 'hit' else 'miss'}"
            marks.append(tag("circle", {**attrs, "r": 3.5}, tag("title", {}, title)))
        else:
            attrs["class"] = f"event ev-{kind}"
            marks.append(
                tag(
                    "path",
                    {**attrs, "d": SHAPES.get(kind, "M-2 -2h4v4h-4Z")},
                    tag("title", {}, title),
                )
            )
    marks.append(
        tag(
            "text",
            {
                "class": "label",
                "x": number(LABEL_W + plot_w / 2),
                "y": number(height - 6),
                "text-anchor": "middle",
            },
            "time from scenario start, s",
        )
    )
    return tag(
        "svg",
        {
            "class": "chart timeline",
            "viewBox": f"0 0 {number(width)} {number(height)}",
            "role": "img",
            "aria-label": f"Timeline of replication {replication}",
            "xmlns": "http://www.w3.org/2000/svg",
        },
        marks,
    )


def timeline_legend() -> Markup:
    """Key to the timeline's marks."""
    items = []
    for kind in ("detection", "track", "launch", "intercept hit", "intercept miss", "kill", "leak"):
        if kind.startswith("intercept"):
            shape = tag(
                "circle",
                {"class": f"event ev-intercept {kind.split()[1]}", "cx": 8, "cy": 8, "r": 3.5},
            )
        else:
            shape = tag(
                "path",
                {"class": f"event ev-{kind}", "d": SHAPES[kind], "transform": "translate(8 8)"},
            )
        items.append(
            tag(
                "span",
                {"class": "legend-item"},
                tag(
                    "svg",
                    {"width": 16, "height": 16, "viewBox": "0 0 16 16", "aria-hidden": "true"},
                    shape,
                ),
                " " + KIND_TEXT[kind.split()[0]] + kind.removeprefix(kind.split()[0]),
            )
        )
    return tag("div", {"class": "legend"}, items)
