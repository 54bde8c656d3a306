"""Sweeps: a scenario over a grid or a Latin hypercube of its fields, many replications per
point, on a local process pool or a Dask cluster, resumable after a crash, queried with SQL.

    from kamae.sweep import run_sweep, query
    result = run_sweep("japan-2027", ["doctrine.shots_per_salvo=1,2"], replications=200,
                       out=Path("sweeps/salvo"))
    query("sweeps/salvo", "SELECT point, avg(threats_leaked) FROM replications GROUP BY 1")
"""

from kamae.runners import Backend, DaskBackend, LocalBackend
from kamae.streams import sweep_seed
from kamae.sweep.errors import SweepError
from kamae.sweep.query import connect, query, query_table, query_text
from kamae.sweep.run import (
    PointProblem,
    SweepPlan,
    SweepProgress,
    SweepResult,
    plan_sweep,
    run_sweep,
)

__all__ = [
    "Backend",
    "DaskBackend",
    "LocalBackend",
    "PointProblem",
    "SweepError",
    "SweepPlan",
    "SweepProgress",
    "SweepResult",
    "connect",
    "plan_sweep",
    "query",
    "query_table",
    "query_text",
    "run_sweep",
    "sweep_seed",
]
