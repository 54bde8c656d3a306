"""A sweep's folder: its definition, the points' scenario files, one Parquet file per finished
chunk of replications, a journal of finished chunks, and the summaries.

    sweep.json                     what the sweep is (scenario hash, settings, seed, ...)
    scenario.yaml                  the base scenario as given
    points/000003.yaml             each point's scenario file (`kamae run` can run it alone)
    points.parquet                 one row per point: its settings, and why it is invalid
    chunks/000003/000012.parquet   replication metrics of point 3, replications 192-207
    chunks.journal                 one JSON line per finished chunk: point, chunk, rows, sha256
    summary.json, summary.parquet  per-point statistics with 95% intervals (at the end)
    manifest.json                  provenance of every run or resume of the sweep

Crash safety: a chunk file is written under a temporary name, flushed to disk, renamed into
place (atomic on POSIX), and only then recorded in the journal (flushed too). A chunk counts
as finished only if the journal records it and its file has the recorded SHA-256 and row
count; anything else (no journal line, a torn last line, a truncated or altered file, a
temporary file) is removed on resume and the chunk runs again. A chunk's file name is fixed
by (point, chunk), so a chunk can never be counted twice.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from kamae.arrays import BoolArray
from kamae.results.files import is_temporary, write_file_atomic
from kamae.sweep.errors import SweepError

FORMAT_VERSION = 1
DEFINITION = "sweep.json"
JOURNAL = "chunks.journal"
SUMMARY_JSON = "summary.json"
SUMMARY_PARQUET = "summary.parquet"
POINTS_PARQUET = "points.parquet"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class ChunkRecord:
    """A finished chunk as the journal records it."""

    point: int
    chunk: int
    rows: int
    sha256: str


@dataclass
class Verification:
    """What a resume found: the finished chunks, and what it threw away."""

    done: BoolArray
    """(points, chunks): True where the chunk is finished and intact."""
    repaired: list[str] = field(default_factory=list)
    """One line per chunk file found corrupt or partial (it will run again)."""
    discarded: int = 0
    """Unrecorded chunk files, temporary files and torn journal lines removed."""


def chunk_rows(chunk: int, replications: int, size: int) -> int:
    """Replications in a chunk (the last one may be short)."""
    return min(size, replications - chunk * size)


class SweepStore:
    """The folder of one sweep. Use `open`, then as a context manager (closes the journal)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._journal: IO[bytes] | None = None
        self._lock: IO[bytes] | None = None

    # -- Opening --------------------------------------------------------------------------

    @classmethod
    def open(
        cls, root: Path, definition: dict[str, Any], scenario_text: bytes, *, resume: bool
    ) -> SweepStore:
        """Create the folder of a new sweep, or reopen one with the same definition."""
        store = cls(Path(root))
        path = store.root / DEFINITION
        if path.exists():
            if not resume:
                raise SweepError(
                    f"{store.root}: holds a sweep already; pass --resume to continue it, "
                    "or choose another --out"
                )
            store._take_lock()
            store._check_definition(definition)
            store.write_bytes("scenario.yaml", scenario_text)
            return store
        if store.root.exists() and not all(map(_leftover, store.root.iterdir())):
            raise SweepError(f"{store.root}: is not empty and holds no sweep; choose another --out")
        try:
            (store.root / "points").mkdir(parents=True, exist_ok=True)
            (store.root / "chunks").mkdir(exist_ok=True)
        except OSError as exc:
            raise SweepError(
                f"{store.root}: cannot create the sweep folder ({exc.strerror})"
            ) from None
        store._take_lock()
        store.write_json(DEFINITION, definition)  # its presence marks a sweep folder
        store.write_bytes("scenario.yaml", scenario_text)
        return store

    def _take_lock(self) -> None:
        """One process at a time writes a sweep folder (the lock dies with its process)."""
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            return
        self._lock = open(self.root / ".lock", "ab")  # noqa: SIM115 (closed by close())
        try:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.close()
            raise SweepError(f"{self.root}: another process is running this sweep") from None

    def _check_definition(self, definition: dict[str, Any]) -> None:
        try:
            stored = json.loads((self.root / DEFINITION).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SweepError(f"{self.root / DEFINITION}: cannot be read ({exc})") from None
        for key in sorted(set(stored) | set(definition)):
            if key == "scenario_file":
                continue
            if stored.get(key) != definition.get(key):
                raise SweepError(
                    f"{self.root}: holds a different sweep ({key}: {stored.get(key)!r} there, "
                    f"{definition.get(key)!r} now); resume with the same options, or choose "
                    "another --out"
                )

    def __enter__(self) -> SweepStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the journal and let go of the folder's lock."""
        for handle in (self._journal, self._lock):
            if handle is not None:
                handle.close()
        self._journal = self._lock = None

    # -- Files ----------------------------------------------------------------------------

    def point_file(self, point: int) -> Path:
        return self.root / "points" / f"{point:06d}.yaml"

    def chunk_file(self, point: int, chunk: int) -> Path:
        return self.root / "chunks" / f"{point:06d}" / f"{chunk:06d}.parquet"

    def write_bytes(self, name: str | Path, data: bytes, *, durable: bool = False) -> Path:
        """Write a file under the folder atomically (temporary name, then rename)."""
        path = self.root / name
        write_file_atomic(path, data, durable=durable)
        return path

    def write_json(self, name: str, doc: Any) -> Path:
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        return self.write_bytes(name, text.encode("utf-8"))

    def write_table(self, name: str, table: pa.Table) -> Path:
        return self.write_bytes(name, table_bytes(table))

    def read_json(self, name: str) -> Any:
        path = self.root / name
        if not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8"))

    # -- Chunks ---------------------------------------------------------------------------

    def write_chunk(self, point: int, chunk: int, table: pa.Table) -> ChunkRecord:
        """Write a finished chunk durably, then record it in the journal."""
        data = table_bytes(table)
        path = self.chunk_file(point, chunk)
        path.parent.mkdir(exist_ok=True)
        write_file_atomic(path, data, durable=True)
        record = ChunkRecord(point, chunk, table.num_rows, hashlib.sha256(data).hexdigest())
        if self._journal is None:
            self._journal = open(self.root / JOURNAL, "ab")  # noqa: SIM115 (closed by close())
        self._journal.write(_journal_line(record))
        self._journal.flush()
        os.fsync(self._journal.fileno())
        return record

    def records(self) -> Iterator[ChunkRecord]:
        """The journal's records, in order (a torn or malformed line is skipped)."""
        path = self.root / JOURNAL
        if not path.exists():
            return
        with open(path, "rb") as journal:
            for line in journal:
                record = _parse_line(line)
                if record is not None:
                    yield record

    def verify(self, points: int, replications: int, size: int) -> Verification:
        """Check every recorded chunk against its file; remove what cannot be trusted and
        rewrite the journal with the chunks that are intact."""
        chunks = -(-replications // size)
        result = Verification(done=np.zeros((points, chunks), dtype=bool))
        latest: dict[tuple[int, int], ChunkRecord] = {}
        lines = 0
        if (self.root / JOURNAL).exists():
            with open(self.root / JOURNAL, "rb") as journal:
                for line in journal:
                    lines += 1
                    record = _parse_line(line)
                    if record is None:
                        result.discarded += 1
                    elif 0 <= record.point < points and 0 <= record.chunk < chunks:
                        latest[(record.point, record.chunk)] = record
        kept: list[ChunkRecord] = []
        for (p, c), record in sorted(latest.items()):
            path = self.chunk_file(p, c)
            problem = _check_chunk(path, record, chunk_rows(c, replications, size))
            if problem is None:
                result.done[p, c] = True
                kept.append(record)
            elif problem != "missing":
                result.repaired.append(f"{path.relative_to(self.root)}: {problem}")
                path.unlink(missing_ok=True)
        result.discarded += self._remove_strays(result.done)
        if len(kept) != lines:
            self.write_bytes(JOURNAL, b"".join(_journal_line(r) for r in kept), durable=True)
        return result

    def _remove_strays(self, done: BoolArray) -> int:
        """Remove temporary files and chunk files the journal does not vouch for."""
        removed = 0
        for folder in (self.root, self.root / "points"):
            removed += _remove_temporaries(folder)
        chunks_root = self.root / "chunks"
        if not chunks_root.exists():
            return removed
        for entry in os.scandir(chunks_root):
            if not entry.is_dir():
                continue
            removed += _remove_temporaries(Path(entry.path))
            for item in os.scandir(entry.path):
                p, c = _chunk_index(entry.name, item.name)
                inside = 0 <= p < done.shape[0] and 0 <= c < done.shape[1]
                if p < 0 or not inside or not done[p, c]:
                    os.unlink(item.path)
                    removed += 1
        return removed

    def recorded_files(self) -> list[Path]:
        """The files of the chunks the journal records, one per chunk, that exist."""
        latest = {(r.point, r.chunk): r for r in self.records()}
        paths = [self.chunk_file(p, c) for p, c in sorted(latest)]
        return [p for p in paths if p.exists()]

    def read_point(self, point: int, replications: int, size: int) -> pa.Table:
        """A point's replication table (replication order), from its chunk files."""
        columns: dict[str, npt.NDArray[Any]] = {}
        names: list[str] = []
        for c in range(-(-replications // size)):
            table = pq.read_table(self.chunk_file(point, c))
            if not names:
                names = [n for n in table.column_names if n != "point"]
                for name in names:
                    dtype = np.int64 if name == "replication" else np.float64
                    columns[name] = np.empty(replications, dtype=dtype)
            lo = c * size
            for name in names:
                columns[name][lo : lo + table.num_rows] = table.column(name).to_numpy()
        return pa.table(columns)


def table_bytes(table: pa.Table) -> bytes:
    """A table as Parquet file bytes (zstd), the same bytes for the same table."""
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def _journal_line(record: ChunkRecord) -> bytes:
    doc = {"point": record.point, "chunk": record.chunk, "rows": record.rows}
    doc["sha256"] = record.sha256  # type: ignore[assignment]
    return (json.dumps(doc, separators=(",", ":")) + "\n").encode("ascii")


def _parse_line(line: bytes) -> ChunkRecord | None:
    if not line.endswith(b"\n"):
        return None
    try:
        doc = json.loads(line)
        record = ChunkRecord(
            int(doc["point"]), int(doc["chunk"]), int(doc["rows"]), str(doc["sha256"])
        )
    except (ValueError, KeyError, TypeError):
        return None
    return record


def _check_chunk(path: Path, record: ChunkRecord, rows: int) -> str | None:
    """None if the chunk file is intact; else what is wrong with it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if record.rows != rows:
        return f"recorded with {record.rows} rows, expected {rows}"
    if hashlib.sha256(data).hexdigest() != record.sha256:
        return "checksum mismatch (corrupt or partial)"
    try:
        footer_rows = pq.ParquetFile(io.BytesIO(data)).metadata.num_rows
    except (pa.ArrowException, OSError):
        return "unreadable Parquet footer"
    if footer_rows != rows:
        return f"holds {footer_rows} rows, expected {rows}"
    return None


def _leftover(path: Path) -> bool:
    """What a sweep that stopped before writing its definition may leave: nothing of value."""
    if path.name == ".lock" or is_temporary(path):
        return True
    return path.name in ("points", "chunks") and path.is_dir() and not any(path.iterdir())


def _remove_temporaries(folder: Path) -> int:
    removed = 0
    if not folder.is_dir():
        return 0
    for entry in os.scandir(folder):
        if entry.is_file() and is_temporary(entry.name):
            os.unlink(entry.path)
            removed += 1
    return removed


def _chunk_index(folder: str, name: str) -> tuple[int, int]:
    stem = name.removesuffix(".parquet")
    if not (name.endswith(".parquet") and folder.isdigit() and stem.isdigit()):
        return -1, -1
    return int(folder), int(stem)
