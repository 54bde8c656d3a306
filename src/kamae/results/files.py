"""The files of a run, written so that nothing on disk is ever overwritten or half-written.

A run folder is filled under a hidden temporary name in the same parent and renamed into
place in one step (an atomic rename on POSIX file systems). An existing folder is never
replaced: a clash of names gets a numbered suffix.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from kamae.errors import KamaeError


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
    tmp = parent / f".{name}.partial-{uuid.uuid4().hex[:8]}"
    try:
        tmp.mkdir()
        for filename, doc in json_files.items():
            (tmp / filename).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        for filename, table in tables.items():
            pq.write_table(table, tmp / filename, compression="zstd")
        for filename, text in (text_files or {}).items():
            (tmp / filename).write_text(text, encoding="utf-8")
        final = _free_name(parent, name)
        os.rename(tmp, final)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise KamaeError(f"{parent}: cannot write results ({exc.strerror})") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def _free_name(parent: Path, name: str) -> Path:
    candidate = parent / name
    k = 2
    while candidate.exists():
        candidate = parent / f"{name}-{k}"
        k += 1
    return candidate
