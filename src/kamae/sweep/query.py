"""SQL over a sweep's folder (DuckDB), as a running or killed sweep stands, or a finished one.

Views:
- `replications`: one row per replication: `point`, `replication` and each metric
  (`threats_leaked`, `no_leak`, `interceptors_fired`, `fired.<type>`, ...), from the chunk
  files the journal records (a point whose fire units change has its own `fired.*` columns;
  the others are NULL there).
- `points`: one row per point: `point`, `settings` (as `path=value, ...`), `status`
  (`valid` or `invalid`), `error`, and one column per `--set` path, named by the path.
- `summary` (once the sweep has ended): `points` with `status` finished, invalid or failed
  and each metric's `<metric>_mean`, `<metric>_low`, `<metric>_high` (95% interval).

Names holding dots, brackets or dashes are quoted in SQL: `"fire_units[0].inventory"`,
`"fired.sm-6"`.

Read-only: a query reads the sweep's tables and nothing else. The views are Arrow datasets
over the sweep's own Parquet files, opened by kamae before DuckDB starts; DuckDB runs with
external access off (no `COPY ... TO`, `read_text`, `read_csv`, `ATTACH`, `INSTALL` or
`LOAD`: no file, network or extension access at all), extension autoinstall and autoload
off, and its configuration locked (`SET` cannot turn any of it back on); and only one
statement, a query (`SELECT`, `WITH`, `FROM ...`, `DESCRIBE`, `SUMMARIZE`, `EXPLAIN`), is
run.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from kamae.sweep.errors import SweepError
from kamae.sweep.store import DEFINITION, POINTS_PARQUET, SUMMARY_PARQUET, SweepStore

SAFE_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}
"""DuckDB settings of every query connection: no file, network or extension access."""
QUERY_STATEMENTS = ("SELECT", "EXPLAIN")
"""The statement types a query may be (DuckDB's `StatementType` names)."""


def connect(folder: str | Path) -> Any:
    """A DuckDB connection (in memory, no external access) with the sweep's views."""
    try:
        import duckdb
    except ImportError:
        raise SweepError("queries need the duckdb package: pip install duckdb") from None
    root = Path(folder)
    if not (root / DEFINITION).exists():
        raise SweepError(f"{root}: not a sweep folder (no {DEFINITION})")
    try:
        tables = _tables(root)
    except (OSError, pa.ArrowException) as exc:
        raise SweepError(f"{root}: cannot read the sweep's tables ({exc})") from None
    con = duckdb.connect(config=SAFE_CONFIG)
    for name, table in tables.items():
        con.register(name, table)
    return con


def _tables(root: Path) -> dict[str, Any]:
    """The sweep's tables as Arrow datasets (read lazily, by Arrow, from its own files)."""
    import pyarrow.dataset as pads  # here, not at import: it loads pandas (a run's start-up)

    files = [str(p) for p in SweepStore(root).recorded_files()]
    tables: dict[str, Any] = {}
    if files:
        schema = pa.unify_schemas([pq.read_schema(f) for f in files])  # union by name
        tables["replications"] = pads.dataset(files, schema=schema, format="parquet")
    else:
        tables["replications"] = pa.table(
            {"point": pa.array([], pa.int32()), "replication": pa.array([], pa.int64())}
        )
    for name, filename in (("points", POINTS_PARQUET), ("summary", SUMMARY_PARQUET)):
        if (root / filename).exists():
            tables[name] = pads.dataset(str(root / filename), format="parquet")
    return tables


def _check_statement(sql: str) -> None:
    """One statement, a query; anything else is refused in one line."""
    import duckdb

    statements = duckdb.extract_statements(sql)
    if len(statements) != 1:
        raise SweepError(f"query: give one SQL statement (got {len(statements)})")
    kind = statements[0].type.name
    if kind not in QUERY_STATEMENTS:
        raise SweepError(f"query: only queries are run (SELECT ...), not {kind}: read-only")


def query_table(folder: str | Path, sql: str) -> pa.Table:
    """Run SQL over the sweep's views; the result as a pyarrow Table."""
    import duckdb

    con = connect(folder)
    try:
        _check_statement(sql)
        relation = con.sql(sql)
        if relation is None:
            return pa.table({})
        result = relation.arrow()
        return result.read_all() if isinstance(result, pa.RecordBatchReader) else result
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SweepError(f"query: {first}") from None
    finally:
        con.close()


def query(folder: str | Path, sql: str) -> Any:
    """Run SQL over the sweep's views; a pandas DataFrame if pandas is installed, else a
    pyarrow Table."""
    table = query_table(folder, sql)
    try:
        import pandas  # noqa: F401
    except ImportError:
        return table
    return table.to_pandas()


def query_text(folder: str | Path, sql: str, fmt: Literal["table", "csv", "json"] = "table") -> str:
    """The result as text: an aligned table, CSV, or JSON lines (for `kamae query`)."""
    table = query_table(folder, sql)
    if fmt == "csv":
        sink = io.BytesIO()
        pacsv.write_csv(table, sink)
        return sink.getvalue().decode("utf-8")
    if fmt == "json":
        return "".join(json.dumps(row, default=str) + "\n" for row in table.to_pylist())
    return _aligned(table)


def _aligned(table: pa.Table, max_rows: int = 1000) -> str:
    names = table.column_names
    rows = [[_cell(v) for v in row.values()] for row in table.slice(0, max_rows).to_pylist()]
    widths = [max([len(n), *(len(r[k]) for r in rows)]) for k, n in enumerate(names)]
    numeric = [pa.types.is_integer(t) or pa.types.is_floating(t) for t in table.schema.types]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(cells, widths, numeric, strict=True)
        ).rstrip()

    out = [line(names), line(["-" * w for w in widths]), *(line(r) for r in rows)]
    if table.num_rows > max_rows:
        out.append(f"... {table.num_rows - max_rows} more rows")
    return "\n".join(out) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)
