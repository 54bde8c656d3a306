"""`kamae study capabilities`: the value of each capability, question by question.

A study file lists questions; each names a bundled scenario (or a file), optional overrides
of its base, and variants (overrides, or another scenario), and is answered by
`kamae.compare.compare_variants`: every variant paired with the base by common random
numbers, of the engine or of the scenario's campaign. The bundled study
(`capabilities.yaml`) asks the seed material's questions: allied sensors, early-warning
satellites, jamming, a 900 vs 1,500 km stand-off range, counterstrike, more interceptors.
The study's folder holds one comparison folder per question, `capabilities.json` (the
headline difference of each variant with its paired interval) and `capabilities.html`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from kamae.compare import (
    HEADLINE,
    Variant,
    VariantComparison,
    compare_variants,
    headline,
    variant_scenario,
)
from kamae.errors import KamaeError, ScenarioError, ScenarioErrors
from kamae.montecarlo import Progress
from kamae.results.files import write_file_atomic, write_run_folder
from kamae.results.numbers import decimals_for, estimate_text, fixed
from kamae.scenario.base import Identifier, Strict
from kamae.scenario.loader import load_scenario, parse_yaml, pydantic_errors
from kamae.sweep.points import format_value

CAPABILITIES = "capabilities.json"


class StudyVariant(Strict):
    """A variant of a question's scenario: overrides, or another scenario."""

    label: str = Field(min_length=1, description="What the variant is")
    set: dict[str, Any] = Field(default_factory=dict, description="Field path -> value")
    scenario: str | None = Field(default=None, description="Another scenario instead")

    @model_validator(mode="after")
    def _one_kind(self) -> StudyVariant:
        if bool(self.set) == (self.scenario is not None):
            raise ValueError("give either set (overrides) or scenario, not both or neither")
        return self


class Question(Strict):
    """A capability question and the variants that answer it."""

    id: Identifier
    question: str = Field(min_length=1, description="The question, as an analyst asks it")
    scenario: str = Field(description="Bundled scenario name or scenario file")
    kind: Literal["engine", "campaign"] = Field(
        default="engine", description="Compare one engagement, or the scenario's campaign"
    )
    base: dict[str, Any] = Field(
        default_factory=dict, description="Overrides of the scenario for the base"
    )
    note: str = Field(default="", description="What the variants change, with sources")
    variants: list[StudyVariant] = Field(min_length=1, description="The variants")

    def base_settings(self) -> tuple[str, ...]:
        return _settings(self.base)

    def as_variants(self) -> list[Variant]:
        return [Variant(v.label, _settings(v.set), v.scenario) for v in self.variants]


class StudyFile(Strict):
    """A study file: questions, each a paired comparison."""

    description: str = Field(default="", description="What the study asks")
    questions: list[Question] = Field(min_length=1, description="The questions")


def _settings(overrides: dict[str, Any]) -> tuple[str, ...]:
    return tuple(f"{path}={format_value(value)}" for path, value in overrides.items())


def bundled_studies() -> dict[str, Path]:
    """Bundled study files by name (`capabilities`)."""
    root = resources.files("kamae.uncertainty") / "data"
    names = ("capabilities.yaml",)
    return {n.removesuffix(".yaml"): Path(str(root / n)) for n in names}


def load_study(name_or_path: str | Path) -> StudyFile:
    """Read and check a study file (a bundled name or a path), problems with file:line."""
    bundled = bundled_studies()
    label = str(name_or_path)
    path = bundled.get(label, Path(label))
    if not path.is_file():
        raise KamaeError(
            f"{label}: no such study file or bundled study (bundled: {', '.join(bundled)})"
        )
    data, lines = parse_yaml(path.read_text(encoding="utf-8"), label)
    try:
        study = StudyFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioErrors(pydantic_errors(exc, label, lines, data)) from None
    ids = [q.id for q in study.questions]
    if len(set(ids)) != len(ids):
        raise ScenarioError(label, "questions", "duplicate question id", show_value=False)
    return study


@dataclass(frozen=True)
class CapabilityStudy:
    """A study's answers, question by question, and where they are on disk."""

    doc: dict[str, Any]
    comparisons: dict[str, VariantComparison]
    folder: Path | None
    report: Path | None

    def lines(self) -> list[str]:
        """Each question, and each variant's headline difference with its interval."""
        out = []
        for q in self.doc["questions"]:
            out.append(f"{q['question']} ({q['scenario']}, {q['kind']})")
            for row in q["headline"]:
                d = row["difference"]
                lo, hi = d["ci95"]
                digits = decimals_for(lo, hi)
                out.append(
                    f"  {row['variant']}: {row['label']} {fixed(row['base'], digits)} -> "
                    f"{fixed(row['base'] + d['mean'], digits)}, "
                    f"{estimate_text(d['mean'], lo, hi, signed=True)}"
                )
        if self.folder is not None:
            out.append(f"results: {self.folder}")
        if self.report is not None:
            out.append(f"report:  {self.report}")
        return out


def run_capabilities(
    study: str | Path = "capabilities",
    *,
    questions: Sequence[str] = (),
    replications: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    out: Path | None = Path("kamae-out"),
    report: bool = True,
    progress: Progress | None = None,
) -> CapabilityStudy:
    """Answer a study's questions (all, or those whose ids are given), each by a paired
    comparison with its scenario's seed and replications unless given here."""
    found = load_study(study)
    chosen = [q for q in found.questions if not questions or q.id in questions]
    if unknown := sorted(set(questions) - {q.id for q in found.questions}):
        ids = ", ".join(q.id for q in found.questions)
        raise KamaeError(f"--question {unknown[0]}: no such question (questions: {ids})")
    bases = {q.id: _base(q) for q in chosen}  # every file and override checked first
    started = datetime.now(UTC)
    folder = None
    if out is not None:
        stamp = started.strftime("%Y%m%dT%H%M%SZ")
        manifest = {"study": str(study), "started_utc": started.isoformat(), "seed": seed}
        folder = write_run_folder(
            Path(out), f"capabilities-{stamp}", {"manifest.json": manifest}, {}
        )
    comparisons = {}
    entries = []
    for q in chosen:
        result = compare_variants(
            bases[q.id],
            q.as_variants(),
            replications=replications,
            seed=seed,
            workers=workers,
            campaign=q.kind == "campaign",
            out=folder,
            name=q.id,
            report=report,
            progress=progress,
        )
        comparisons[q.id] = result
        entries.append(_entry(q, result))
    doc = {
        "study": str(study),
        "description": found.description,
        "seed": seed,
        "questions": entries,
    }
    page = None
    if folder is not None:
        write_file_atomic(folder / CAPABILITIES, json.dumps(doc, indent=2) + "\n")
        if report:
            from kamae.report.variants import build_capabilities_report

            page = build_capabilities_report(folder)
    return CapabilityStudy(doc, comparisons, folder, page)


def _base(q: Question) -> Any:
    loaded = load_scenario(q.scenario)
    if not q.base:
        return loaded
    return variant_scenario(loaded, Variant("base", q.base_settings()))


def _entry(q: Question, result: VariantComparison) -> dict[str, Any]:
    key = HEADLINE[result.kind]
    label = next((m.label for v in result.variants for m in v.metrics if m.metric == key), key)
    return {
        "id": q.id,
        "question": q.question,
        "scenario": q.scenario,
        "kind": q.kind,
        "base_settings": list(q.base_settings()),
        "note": q.note.strip(),
        "folder": q.id,
        "seed": result.seed,
        "replications": result.replications,
        "headline": [
            {"variant": name, "label": label, "base": base, "difference": d.as_dict()}
            for name, d, base in headline(result)
        ],
    }
