"""Same scenario + same seed = identical results, whatever the number of workers and the
engine batch size."""

from __future__ import annotations

import json

from kamae.batching import batch_size
from kamae.runs import run_scenario


def test_summary_identical_with_one_and_two_workers_and_other_batches(tmp_path) -> None:
    # 20 replications: one worker runs them as one batch, two workers (four task slots) as
    # batches of 16 + 4 (kamae.batching.batch_size).
    assert [batch_size(20, 1), batch_size(20, 4)] == [20, 16]
    one = run_scenario("japan-2027", replications=20, seed=11, workers=1, out=tmp_path / "a")
    two = run_scenario("japan-2027", replications=20, seed=11, workers=2, out=tmp_path / "b")
    assert one.folder is not None and two.folder is not None
    text_one = (one.folder / "summary.json").read_text()
    text_two = (two.folder / "summary.json").read_text()
    assert text_one == text_two
    assert one.result.replications.equals(two.result.replications)
    assert one.result.events.equals(two.result.events)
    assert json.loads(text_one)["replications"] == 20


def test_different_seed_changes_results() -> None:
    a = run_scenario("japan-2027", replications=4, seed=1, out=None)
    b = run_scenario("japan-2027", replications=4, seed=2, out=None)
    assert not a.result.events.equals(b.result.events)
