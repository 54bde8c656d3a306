"""The house rules that a reviewer would otherwise check by hand (docs/architecture.md):
modules stay under 800 lines, the engine's functions under ~80, and no module defines its
own array aliases (they live in `kamae.arrays`). Layering and import cycles are import-linter
contracts (pyproject.toml), run by `lint-imports` in CI."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "kamae"
MODULE_LINES = 800
ENGINE_FUNCTION_LINES = 80


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_the_source_tree_is_found() -> None:
    assert len(_modules()) > 100


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_module_under_the_line_limit(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MODULE_LINES, f"{path.relative_to(SRC)} has {lines} lines"


def test_engine_functions_are_short() -> None:
    long = []
    for path in sorted((SRC / "engine").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > ENGINE_FUNCTION_LINES:
                    long.append(f"{path.name}:{node.name} ({length} lines)")
    assert not long, long


def test_array_aliases_are_defined_once() -> None:
    alias = re.compile(r"^\w+Array = (npt\.)?NDArray\[", re.M)
    found = [
        str(p.relative_to(SRC))
        for p in _modules()
        if p.name != "arrays.py" and alias.search(p.read_text(encoding="utf-8"))
    ]
    assert not found, found


def test_only_kamae_gym_imports_gymnasium() -> None:
    """The engine and every other package run without gymnasium; `kamae.gym` wraps them."""
    found = []
    for path in _modules():
        if path.is_relative_to(SRC / "gym"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name.split(".")[0] == "gymnasium" for name in names):
                found.append(str(path.relative_to(SRC)))
    assert not found, found
    assert "import gymnasium" in (SRC / "gym" / "env.py").read_text(encoding="utf-8")
