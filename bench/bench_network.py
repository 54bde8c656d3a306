"""Share of a replication's run time spent on the allied network (issue 6: under a third).

Runs a batch of replications of the bundled networked scenarios and times, in the same run,
the engine's network work (`Pictures.observe`: building and delivering the track messages;
`Pictures.advance`: folding the arrived plots into each fire-unit group's picture) against
the whole batch. Also runs `japan-2027` (no network section) for the baseline cost.

    python bench/bench_network.py [--batch 16] [--seed 1]
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from kamae.engine import simulate_batch
from kamae.engine.pictures import Pictures
from kamae.world import load_world


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    spent = {"observe": 0.0, "advance": 0.0}

    def timed(name: str, func):  # noqa: ANN001, ANN202
        def wrapper(*a, **k):  # noqa: ANN002, ANN003, ANN202
            start = time.process_time()
            try:
                return func(*a, **k)
            finally:
                spent[name] += time.process_time() - start

        return wrapper

    Pictures.observe = timed("observe", Pictures.observe)  # type: ignore[method-assign]
    Pictures.advance = timed("advance", Pictures.advance)  # type: ignore[method-assign]
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    for name in ("japan-2027", "japan-2027-networked", "japan-2027-national",
                 "japan-2027-jammed"):  # fmt: skip
        world = load_world(name)
        gens = [
            np.random.default_rng(s) for s in np.random.SeedSequence(args.seed).spawn(args.batch)
        ]
        spent.update(observe=0.0, advance=0.0)
        start = time.process_time()
        simulate_batch(world, gens)
        total = time.process_time() - start
        net = spent["observe"] + spent["advance"]
        print(
            f"{name:24s} batch of {args.batch}: {total:6.2f} s CPU; network {net:5.2f} s "
            f"({net / total:5.1%}: messages {spent['observe']:.2f} s, pictures "
            f"{spent['advance']:.2f} s)"
        )


if __name__ == "__main__":
    main()
