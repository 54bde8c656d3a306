"""A budget study's folder (`kamae study budget --out`): budget-study.json (every row),
manifest.json (the study file's hash, versions, time), the study file as read, and
budget-study.html (leakers by fiscal year, one line per path: `kamae.report.budget_study`).
The folder's name is claimed before the study runs (an unwritable `--out` is said before the
work, as `kamae trade` and `kamae campaign` do) and filled whole at the end
(`kamae.results.files.claim_run_folder`)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from importlib import metadata
from pathlib import Path

from kamae.budget.study import BudgetStudy, bundled_study_path
from kamae.report.budget_study import STUDY, build_budget_study_report
from kamae.results.files import RunFolderClaim, claim_run_folder


def claim_study_folder(source: str | Path, out: Path, started: datetime) -> RunFolderClaim:
    """Take the study's folder name under `out` (named for the study file and the start)."""
    name = f"{bundled_study_path(source).stem}-{started.strftime('%Y%m%dT%H%M%SZ')}"
    return claim_run_folder(Path(out), name)


def write_study_folder(
    claim: RunFolderClaim,
    study: BudgetStudy,
    source: str | Path,
    started: datetime,
    elapsed_s: float,
    replications: int | None,
) -> Path:
    """Fill the claimed folder with the study's files and its page; return the folder."""
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
    folder = claim.write(
        {"manifest.json": manifest, STUDY: study.as_dict()},
        {},
        {"study.yaml": text},
    )
    build_budget_study_report(folder)
    return folder
