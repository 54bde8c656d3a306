"""Files written so that nothing on disk is ever half-written, and no run folder overwritten.

One way to write: fill a temporary name beside the target (`.NAME.tmp-XXXXXXXX`, hidden, in
the same folder so that the rename stays on one file system), then rename it into place in one
step (atomic on POSIX file systems); on any failure the temporary is removed (`staged`).
Readers see the old file or the new one, never a part. `write_file_atomic` writes one file
that way (reports, a sweep's chunks and summaries; `durable` also flushes the data and the
folder entry to disk, for files a crash must not lose); `write_run_folder` a whole run folder,
which never replaces an existing one: a clash of names gets a numbered suffix.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from kamae.errors import KamaeError

TEMPORARY_MARK = ".tmp-"
"""In the name of every temporary file or folder (after a leading dot)."""


def is_temporary(path: Path | str) -> bool:
    """Whether a name is one of `staged`'s temporaries (left behind only by a killed process)."""
    name = Path(path).name
    return name.startswith(".") and TEMPORARY_MARK in name


@contextmanager
def staged(final: Path, *, durable: bool = False) -> Iterator[Path]:
    """A temporary path beside `final` for the block to fill (a file, or a folder it makes);
    renamed onto `final` when the block ends (replacing a file there), removed if it raises.
    With `durable`, the folder holding `final` is flushed to disk after the rename (flush
    the file itself before the block ends). OSError passes through."""
    tmp = final.with_name(f".{final.name}{TEMPORARY_MARK}{uuid.uuid4().hex[:8]}")
    try:
        yield tmp
        os.replace(tmp, final)
    except BaseException:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
        raise
    if durable:
        _fsync_folder(final.parent)


def write_file_atomic(path: Path, data: bytes | str, *, durable: bool = False) -> Path:
    """Write `data` (text as UTF-8) to `path` through `staged`; with `durable`, the data and
    the folder entry reach the disk before this returns. A failure is a KamaeError."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with staged(path, durable=durable) as tmp, open(tmp, "wb") as out:
            out.write(raw)
            if durable:
                out.flush()
                os.fsync(out.fileno())
    except OSError as exc:
        raise KamaeError(f"{path}: cannot write ({exc.strerror})") from None
    return path


def write_run_folder(
    parent: Path,
    name: str,
    json_files: dict[str, Any],
    tables: dict[str, pa.Table],
    text_files: dict[str, str] | None = None,
) -> Path:
    """Write JSON, Parquet and text files into a new folder `parent/name` atomically."""
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KamaeError(f"{parent}: cannot create the output folder ({exc.strerror})") from None
    final = _free_name(parent, name)
    try:
        with staged(final) as tmp:
            tmp.mkdir()
            for filename, doc in json_files.items():
                (tmp / filename).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
            for filename, table in tables.items():
                pq.write_table(table, tmp / filename, compression="zstd")
            for filename, text in (text_files or {}).items():
                (tmp / filename).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise KamaeError(f"{parent}: cannot write results ({exc.strerror})") from None
    return final


def _free_name(parent: Path, name: str) -> Path:
    candidate = parent / name
    k = 2
    while candidate.exists():
        candidate = parent / f"{name}-{k}"
        k += 1
    return candidate


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
