"""The README and docs/ are true: their commands run as written, the command lines they quote
name commands and options that exist, every page is in the index, and no page calls a
capability missing that exists.

- `bash` blocks run, in page order, as one script per page in an empty folder (with the
  repository's `examples/` beside it), and must exit 0. Installation blocks (`pip install`,
  `python3 -m venv`) are not run: they would reinstall the package under test. docs/tutorial.md
  is a tutorial: its `python` blocks run too, in the same folder, between its shell blocks.
- In every other block (`text`, untagged: synopses with `[options]` and placeholders), each
  line starting with `kamae ` must name a real command, and each `--option` must be one of
  that command's.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
SHELL = ("bash", "sh", "shell")
INSTALL = ("pip install", "python3 -m venv")
EXECUTED_PYTHON = {"tutorial.md"}
"""Pages whose python blocks run (the others show API calls on folders of the reader's own)."""


def blocks(page: Path) -> list[tuple[str, str]]:
    """(language, body) of each fenced block of a page, in order."""
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(page.read_text(encoding="utf-8"))]


def executed(page: Path) -> list[tuple[str, str]]:
    """The blocks of a page that the tests run: ('bash' | 'python', body)."""
    out = []
    for lang, body in blocks(page):
        if lang in SHELL and not any(word in body for word in INSTALL):
            out.append(("bash", body))
        elif lang == "python" and page.name in EXECUTED_PYTHON:
            out.append(("python", body))
    return out


RUNNABLE = [p for p in PAGES if executed(p)]


def test_the_pages_that_run_are_the_ones_expected() -> None:
    """A page whose shell blocks stopped being run (a changed fence) would pass unseen."""
    assert {p.name for p in RUNNABLE} >= {"README.md", "tutorial.md"}


@pytest.mark.parametrize("page", RUNNABLE, ids=[p.name for p in RUNNABLE])
def test_every_shell_block_runs_as_written(page: Path, tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "COLUMNS": "100",
    }
    for i, (kind, body) in enumerate(executed(page)):
        if kind == "bash":
            command = ["bash", "-euo", "pipefail", "-c", body]
        else:
            command = [sys.executable, "-c", body]
        done = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, (
            f"{page.name}, block {i + 1} ({kind}) exited {done.returncode}:\n{body}\n"
            f"--- stdout\n{done.stdout[-3000:]}\n--- stderr\n{done.stderr[-3000:]}"
        )


def _command_lines(body: str) -> list[str]:
    """Lines starting with `kamae ` (continuations joined), comments cut."""
    joined = re.sub(r"\\\n", " ", body)
    return [
        line.split("  #")[0].strip()
        for line in joined.splitlines()
        if line.strip().startswith("kamae ")
    ]


def _tokens(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError:  # an unbalanced quote in a synopsis
        return line.split()


def _command(tokens: list[str]) -> tuple[Any, list[str]]:
    """The click command a line names, and the tokens after it."""
    from kamae.cli import app

    command: Any = typer.main.get_command(app)
    rest = tokens[1:]
    while rest and rest[0] in (getattr(command, "commands", None) or {}):
        command, rest = command.commands[rest[0]], rest[1:]
    return command, rest


def _options(command: Any) -> set[str]:
    return {o for p in command.params for o in (*p.opts, *p.secondary_opts)} | {"--help"}


QUOTED = [
    (page, line)
    for page in PAGES
    for lang, body in blocks(page)
    if lang not in SHELL
    for line in _command_lines(body)
]


def test_quoted_command_lines_are_found() -> None:
    assert len(QUOTED) >= 20


@pytest.mark.parametrize(
    ("page", "line"), QUOTED, ids=[f"{p.name}:{line[:40]}" for p, line in QUOTED]
)
def test_quoted_command_lines_name_real_commands_and_options(page: Path, line: str) -> None:
    command, rest = _command(_tokens(line))
    assert not hasattr(command, "commands"), f"{page.name}: {line!r}: not a command"
    known = _options(command)
    for token in rest:
        for word in token.strip("[]()|").split("|"):
            flag = word.strip("[]()").split("=")[0]
            if flag.startswith("--"):
                assert flag in known, f"{page.name}: {line!r}: {command.name} has no {flag}"


def test_every_docs_page_is_in_the_readme_index() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in sorted(DOCS.glob("*.md")) if f"docs/{p.name}" not in readme]
    assert not missing, f"pages missing from the README's documentation list: {missing}"


STALE = [
    ("the network is not yet used", "the engine decides on the network's pictures"),
    ("network is not used", "the engine decides on the network's pictures"),
    ("(skeleton)", "the walking skeleton's simplifications are replaced"),
    ("no swerling", "Swerling detection is modeled (sensors.md)"),
    ("not modeled: swerling", "Swerling detection is modeled (sensors.md)"),
    ("no false alarms", "false plots are modeled (sensors.md)"),
    ("until those layers land", "campaign and trade studies exist"),
    ("later issues use the time", "the campaign uses the network's confirmation time"),
    ("no track-to-track fusion yet", "track-to-track fusion exists (network.md)"),
    ("sweep report is not built yet", "sweeps are read with kamae query"),
]
"""Sentences that once said a capability was missing, and what exists now."""


@pytest.mark.parametrize(("phrase", "now"), STALE, ids=[s for s, _ in STALE])
def test_no_page_calls_an_existing_capability_missing(phrase: str, now: str) -> None:
    hits = [
        p.name
        for p in PAGES
        if phrase in " ".join(p.read_text(encoding="utf-8").lower().replace("*", "").split())
    ]
    assert not hits, f"{hits} still say {phrase!r}, but {now}"
