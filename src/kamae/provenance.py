"""Provenance of a run folder (manifest.json): what ran, with which seed and versions, where
and how long. One writer for every command that writes a folder (`kamae run`, compare,
campaign)."""

from __future__ import annotations

import platform
import sys
from datetime import datetime
from importlib import metadata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kamae.runners import Backend
    from kamae.scenario.loader import LoadedScenario

LIBRARIES = ("numpy", "scipy", "pyproj", "pydantic", "pyarrow", "pyyaml", "typer")
"""Libraries whose versions a manifest records."""


def build_manifest(
    loaded: LoadedScenario,
    replications: int,
    seed: int,
    workers: int,
    started: datetime,
    elapsed_s: float,
    backend: Backend | None = None,
) -> dict[str, object]:
    """Provenance of a run: scenario hash, seed, versions of kamae, Python and libraries, and
    the backend when it is not the local one (`workers` then counts nothing)."""
    manifest: dict[str, object] = {
        "scenario": loaded.scenario.name,
        "scenario_file": loaded.file,
        "scenario_sha256": loaded.sha256,
        "seed": seed,
        "replications": replications,
        "workers": workers,
        "kamae_version": _version("kamae"),
        "python_version": sys.version.split()[0],
        "platform": platform.platform(),
        "libraries": {name: _version(name) for name in LIBRARIES},
        "started_utc": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "wall_time_s": round(elapsed_s, 3),
    }
    if backend is not None:
        manifest["backend"] = backend.name
        manifest["backend_settings"] = {
            k: v for k, v in vars(backend).items() if k != "name" and v is not None
        }
    return manifest


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"
