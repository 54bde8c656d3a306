"""Files written so that nothing on disk is ever half-written, and no run folder overwritten.

One way to write: fill a temporary name beside the target (`.NAME.tmp-XXXXXXXX`, hidden, in
the same folder so that the rename stays on one file system), then rename it into place in one
step (atomic on POSIX file systems); on any failure the temporary is removed (`staged`).
Readers see the old file or the new one, never a part. `write_file_atomic` writes one file
that way (reports, a sweep's chunks and summaries; `durable` also flushes the data and the
folder entry to disk, for files a crash must not lose).

A run folder is claimed before the work starts (`claim_run_folder`): its parent is created,
its name taken with one `mkdir` (atomic: of two writers racing for a name, one gets it and
the other the next free name, `-2`, `-3`, ...), and its staging folder made beside it, so an
output that cannot be written fails before the Monte Carlo, not after. The finished folder
is renamed onto the claimed (empty) name in one step; a failure removes both.

A process killed with SIGKILL leaves its staging folder (and an empty claimed name) behind.
A staging folder is locked (`flock`) by the process filling it while it lives, and claims
and clean-ups in one parent take turns (a lock on the parent folder itself, held for the few
system calls of a claim), so the next claim in the same parent removes the staging folders
nobody holds, with their empty claims (`remove_stale_temporaries`), and never one that a
live writer is filling or about to lock. (A killed `write_file_atomic` leaves a hidden
temporary file; the sweep's resume removes those of a sweep folder.)
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from kamae.errors import KamaeError

try:
    import fcntl
except ImportError:  # not POSIX: temporaries are not locked, and never removed as stale
    fcntl = None  # type: ignore[assignment]

TEMPORARY_MARK = ".tmp-"
"""In the name of every temporary file or folder (after a leading dot)."""


def is_temporary(path: Path | str) -> bool:
    """Whether a name is one of `staged`'s temporaries (left behind only by a killed process)."""
    name = Path(path).name
    return name.startswith(".") and TEMPORARY_MARK in name


def _temporary_of(final: Path) -> Path:
    return final.with_name(f".{final.name}{TEMPORARY_MARK}{uuid.uuid4().hex[:8]}")


def _final_of(temporary: Path) -> Path:
    """The name a temporary was to be renamed onto."""
    name = temporary.name[1:]
    return temporary.with_name(name[: name.rindex(TEMPORARY_MARK)])


def _lock(path: Path, *, wait: bool = False) -> int | None:
    """An open descriptor of `path` (a file or a folder) holding an exclusive lock on it
    (None: no locks on this platform); without `wait`, OSError if another holds it."""
    if fcntl is None:
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise
    return fd


@contextmanager
def _turn(parent: Path) -> Iterator[None]:
    """This process's turn to claim or clean up in `parent` (a lock on the folder itself)."""
    lock = _lock(parent, wait=True)
    try:
        yield
    finally:
        if lock is not None:
            os.close(lock)


@contextmanager
def staged(final: Path, *, durable: bool = False) -> Iterator[Path]:
    """A temporary path beside `final` for the block to fill (a file, or a folder it makes);
    renamed onto `final` when the block ends (replacing a file there), removed if it raises.
    With `durable`, the folder holding `final` is flushed to disk after the rename (flush the
    file itself before the block ends). OSError passes through."""
    tmp = _temporary_of(final)
    try:
        yield tmp
        _rename(tmp, final)
    except BaseException:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
        raise
    if durable:
        _fsync_folder(final.parent)


def _rename(tmp: Path, final: Path) -> None:
    try:
        os.replace(tmp, final)
    except OSError:
        if not (os.name == "nt" and tmp.is_dir() and final.is_dir()):
            raise
        final.rmdir()  # Windows cannot rename onto a folder: free the claimed name first
        os.replace(tmp, final)


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove the staging folders in `folder` that no live process holds (left by a killed
    writer), with the empty name each had claimed; returns what was removed."""
    if fcntl is None or not folder.is_dir():
        return []
    with _turn(folder):
        return _remove_stale(folder)


def _remove_stale(folder: Path) -> list[Path]:
    removed: list[Path] = []
    try:
        entries = [e for e in os.scandir(folder) if is_temporary(e.name) and e.is_dir()]
    except OSError:
        return removed
    for entry in entries:
        path = Path(entry.path)
        try:
            lock = _lock(path)
        except OSError:
            continue  # held by a live writer (or gone meanwhile)
        try:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
            claim = _final_of(path)
            with contextlib.suppress(OSError):
                claim.rmdir()  # only if empty: the name the killed writer had claimed
                removed.append(claim)
        finally:
            if lock is not None:
                os.close(lock)
    return removed


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


@dataclass
class RunFolderClaim:
    """A run folder's name, taken before the work starts, and the staging folder beside it
    that the results fill (`claim_run_folder`)."""

    final: Path
    """The claimed name: an empty folder until `write` renames the results onto it."""
    staging: Path
    _lock: int | None

    def write(
        self,
        json_files: dict[str, Any],
        tables: dict[str, pa.Table],
        text_files: dict[str, str] | None = None,
    ) -> Path:
        """Fill the staging folder with JSON, Parquet and text files and rename it onto the
        claimed name in one step; on failure both are removed."""
        try:
            for filename, doc in json_files.items():
                text = json.dumps(doc, indent=2) + "\n"
                (self.staging / filename).write_text(text, encoding="utf-8")
            for filename, table in tables.items():
                pq.write_table(table, self.staging / filename, compression="zstd")
            for filename, text in (text_files or {}).items():
                (self.staging / filename).write_text(text, encoding="utf-8")
            _rename(self.staging, self.final)
        except OSError as exc:
            self.release()
            raise KamaeError(f"{self.final}: cannot write results ({exc.strerror})") from None
        except BaseException:
            self.release()
            raise
        self._unlock()
        return self.final

    def release(self) -> None:
        """Give the name back: remove the staging folder and the empty claimed folder."""
        shutil.rmtree(self.staging, ignore_errors=True)
        with contextlib.suppress(OSError):
            self.final.rmdir()
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def __enter__(self) -> RunFolderClaim:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        """Leaving the block by an exception gives the name back."""
        if kind is not None:
            self.release()


def claim_run_folder(parent: Path, name: str) -> RunFolderClaim:
    """Check that a run folder can be written under `parent` and take its name: create the
    parent, `mkdir` the first free name of `name`, `name-2`, ... (atomic: two writers never
    get the same one), and make and lock the staging folder beside it. Stale temporaries of
    killed writers in `parent` are removed first. A KamaeError says what cannot be written."""
    parent = Path(parent)
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KamaeError(
            f"{parent}: cannot create the output folder ({exc.strerror or exc})"
        ) from None
    try:
        with _turn(parent):
            _remove_stale(parent)
            final = _free_name(parent, name)
            staging = _temporary_of(final)
            try:
                staging.mkdir()
                lock = _lock(staging)
            except OSError:
                for made in (staging, final):
                    with contextlib.suppress(OSError):
                        made.rmdir()
                raise
    except OSError as exc:
        raise KamaeError(f"{parent}: cannot write results there ({exc.strerror})") from None
    claim = RunFolderClaim(final, staging, lock)
    try:
        (staging / ".probe").write_bytes(b"")
        (staging / ".probe").unlink()
    except OSError as exc:
        claim.release()
        raise KamaeError(f"{parent}: cannot write results there ({exc.strerror})") from None
    return claim


def _free_name(parent: Path, name: str) -> Path:
    """The first of `name`, `name-2`, ... that this process could `mkdir` (its claim)."""
    k = 1
    while True:
        final = parent / (name if k == 1 else f"{name}-{k}")
        try:
            final.mkdir()
            return final
        except FileExistsError:
            k += 1


def write_run_folder(
    parent: Path,
    name: str,
    json_files: dict[str, Any],
    tables: dict[str, pa.Table],
    text_files: dict[str, str] | None = None,
) -> Path:
    """Write JSON, Parquet and text files into a new folder `parent/name` atomically
    (`claim_run_folder`, then `RunFolderClaim.write`)."""
    return claim_run_folder(parent, name).write(json_files, tables, text_files)


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
