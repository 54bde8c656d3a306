"""Reports reaching a batch of track pictures (`kamae.tracking.picture`): row-aligned arrays
of plots and shared tracks.

A picture selects rows of one step's reports many times over (by time, by assignment, by
round, plots from tracks), and most selections read only a few columns. A selection
(`Reports.take`, `Reports.window`) is therefore a view: it keeps the rows' indices into the
reports it was first cut from and gathers a column from them when that column is first read
(then keeps it). A chain of selections gathers each column once, with the values a copy at
every step would have: reports are never changed in place.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.tracking.ekf import PolarMeasurements

COLUMNS = (
    "picture", "rep", "time", "sensor", "source", "organic", "origin", "z", "cov", "polar",
    "state", "state_cov", "deceptive",
)  # fmt: skip
"""The columns, in the order of `Reports`'s arguments."""

Rows = IntArray | slice
"""Rows of the reports a selection was cut from: indices, or a range."""


class Reports:
    """Reports reaching a batch of pictures, row-aligned arrays (M rows):

    - ``picture`` (M,) picture each report reaches; ``rep`` (M,) replication;
    - ``time`` (M,) measurement time (plot) or estimate time (shared track), s;
    - ``sensor`` (M,) reporting sensor (its reports of one time are one scan);
    - ``source`` (M,) network node the report comes from (corroboration counts distinct
      nodes); ``organic`` (M,) from a sensor on the picture's own node;
    - ``origin`` (M,) true object (-1: none): storage of a new track and `follows` only;
    - ``z`` (M, 3) position (ECEF, m), the plot or the shared track's; ``cov`` (M, 3, 3) its
      covariance;
    - ``polar`` plots in measurement space (NaN rows: none), None when no row has one;
    - ``state`` (M, 6) a shared track's estimate (NaN rows: plots), ``state_cov`` (M, 6, 6);
    - ``deceptive`` (M,) injected or displaced by a compromised node (counted, never used to
      decide).
    """

    __slots__ = ("_base", "_rows", "_columns")

    def __init__(
        self,
        picture: IntArray,
        rep: IntArray,
        time: FloatArray,
        sensor: IntArray,
        source: IntArray,
        organic: BoolArray,
        origin: IntArray,
        z: FloatArray,
        cov: FloatArray,
        polar: PolarMeasurements | None,
        state: FloatArray,
        state_cov: FloatArray,
        deceptive: BoolArray,
    ) -> None:
        values = (picture, rep, time, sensor, source, organic, origin, z, cov, polar, state,
                  state_cov, deceptive)  # fmt: skip
        self._base: Reports | None = None
        self._rows: Rows = slice(None)
        self._columns: dict[str, Any] = dict(zip(COLUMNS, values, strict=True))

    @classmethod
    def _view(cls, base: Reports, rows: Rows) -> Reports:
        view = cls.__new__(cls)
        view._base, view._rows, view._columns = base, rows, {}
        return view

    def _column(self, name: str) -> Any:
        columns = self._columns
        if name not in columns:
            assert self._base is not None
            whole = self._base._columns[name]
            if name == "polar":
                columns[name] = None if whole is None else whole.take(self._rows)
            else:
                columns[name] = whole[self._rows]
        return columns[name]

    @property
    def picture(self) -> IntArray:
        return self._column("picture")

    @property
    def rep(self) -> IntArray:
        return self._column("rep")

    @property
    def time(self) -> FloatArray:
        return self._column("time")

    @property
    def sensor(self) -> IntArray:
        return self._column("sensor")

    @property
    def source(self) -> IntArray:
        return self._column("source")

    @property
    def organic(self) -> BoolArray:
        return self._column("organic")

    @property
    def origin(self) -> IntArray:
        return self._column("origin")

    @property
    def z(self) -> FloatArray:
        return self._column("z")

    @property
    def cov(self) -> FloatArray:
        return self._column("cov")

    @property
    def polar(self) -> PolarMeasurements | None:
        return self._column("polar")

    @property
    def state(self) -> FloatArray:
        return self._column("state")

    @property
    def state_cov(self) -> FloatArray:
        return self._column("state_cov")

    @property
    def deceptive(self) -> BoolArray:
        return self._column("deceptive")

    @property
    def track(self) -> BoolArray:
        """(M,) rows that are shared tracks."""
        return np.asarray(np.isfinite(self.state[:, 0]), dtype=bool)

    def take(self, index: IntArray | BoolArray) -> Reports:
        """The selected rows: these reports themselves when that is every row, in order
        (reports are never changed in place)."""
        rows = np.asarray(index)
        m = self.rep.size
        if rows.size == m and (
            bool(rows.all()) if rows.dtype == bool else np.array_equal(rows, np.arange(m))
        ):
            return self
        picked = np.flatnonzero(rows) if rows.dtype == bool else rows.astype(np.int64, copy=False)
        return self._select(picked)

    def window(self, start: int, stop: int) -> Reports:
        """Rows start..stop - 1 (views: reports are never changed in place)."""
        return self._select(slice(start, stop))

    def _select(self, rows: Rows) -> Reports:
        """A view of the given rows of these reports, on the reports they were cut from."""
        if self._base is None:
            return Reports._view(self, rows)
        mine = self._rows
        if isinstance(mine, slice):
            first = mine.start or 0
            if isinstance(rows, slice):
                start = first + (rows.start or 0)
                stop = first + (self.rep.size if rows.stop is None else rows.stop)
                return Reports._view(self._base, slice(start, stop))
            return Reports._view(self._base, first + rows)
        return Reports._view(self._base, mine[rows])

    def replace(self, **changes: Any) -> Reports:
        """These reports with the given columns replaced (new reports: every column read)."""
        values = {name: changes.get(name, self._column(name)) for name in COLUMNS}
        return Reports(**values)

    @classmethod
    def concatenate(cls, parts: list[Reports]) -> Reports:
        """The reports of all parts (at least one), in order."""
        given = parts
        parts = [p for p in parts if p.rep.size]
        if not parts:
            return given[0]
        if len(parts) == 1:
            return parts[0]
        polar = None
        if any(p.polar is not None for p in parts):
            polar = PolarMeasurements.concatenate(
                [PolarMeasurements.none(p.rep.size) if p.polar is None else p.polar for p in parts]
            )

        def cat(name: str) -> np.ndarray:
            return np.concatenate([getattr(p, name) for p in parts])

        return cls(
            cat("picture"), cat("rep"), cat("time"), cat("sensor"), cat("source"),
            cat("organic"), cat("origin"), cat("z"), cat("cov"), polar, cat("state"),
            cat("state_cov"), cat("deceptive"),
        )  # fmt: skip
