"""Quick start from Python: run the bundled scenario, read the summary and the event log.

python examples/quickstart.py
"""

from __future__ import annotations

from kamae.runs import run_scenario


def main(replications: int = 32) -> dict[str, object]:
    output = run_scenario("japan-2027", replications=replications, seed=1, out=None)
    summary = output.summary
    leak = summary["expected_leakers"]
    p0 = summary["p_no_leak"]
    (lo, hi), (p_lo, p_hi) = leak["ci95"], p0["ci95"]
    print(f"expected leakers {leak['mean']:.2f} (95% CI {lo:.2f}-{hi:.2f}); ", end="")
    print(f"P(no leaker) {p0['mean']:.2f} (Wilson {p_lo:.2f}-{p_hi:.2f})")
    events = output.result.events  # a pyarrow Table: one row per event
    kinds = events.column("kind").to_pylist()
    print({kind: kinds.count(kind) for kind in sorted(set(kinds))})
    return summary


if __name__ == "__main__":
    main()
