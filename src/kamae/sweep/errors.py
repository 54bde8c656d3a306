"""The sweep's user-facing error: one line per problem, a `KamaeError` like every other."""

from __future__ import annotations

from kamae.errors import KamaeError


class SweepError(KamaeError):
    """A sweep that cannot run as asked: a bad `--set` or `--sample`, a folder that holds a
    different sweep, a query that fails. Each line of the message is one problem."""
