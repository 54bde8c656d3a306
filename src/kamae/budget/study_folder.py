"""A budget study's folder (`kamae study budget --out`): budget-study.json (every row),
manifest.json (the study file's hash, versions, time), the study file as read, and
budget-study.html (leakers by fiscal year, one line per path: `kamae.report.budget_study`).
The folder is claimed and written whole (`kamae.results.files.write_run_folder`)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from importlib import metadata
from pathlib import Path

from kamae.budget.study import BudgetStudy, bundled_study_path
from kamae.report.budget_study import STUDY, build_budget_study_report
from kamae.results.files import write_run_folder


def write_study_folder(
    study: BudgetStudy,
    source: str | Path,
    out: Path,
    started: datetime,
    elapsed_s: float,
    replications: int | None,
) -> Path:
    """Write the study's folder under `out` (named for the study file and the start time)
    with its page, and return the folder."""
    path = bundled_study_path(source)
    text = path.read_text(encoding="utf-8")
    manifest = {
        "kind": "budget-study",
        "study": str(source),
        "study_file": str(path),
        "study_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "mode": study.mode,
        "replications_override": replications,
        "kamae_version": metadata.version("kamae"),
        "started_utc": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "wall_time_s": round(elapsed_s, 3),
    }
    name = f"{path.stem}-{started.strftime('%Y%m%dT%H%M%SZ')}"
    folder = write_run_folder(
        Path(out),
        name,
        {"manifest.json": manifest, STUDY: json.loads(json.dumps(study.as_dict()))},
        {},
        {"study.yaml": text},
    )
    build_budget_study_report(folder)
    return folder
