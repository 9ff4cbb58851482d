"""An editor's process for the concurrency test: a module of its own, so that a spawned
process imports nothing more than the registry."""
from __future__ import annotations

from pipeline.house.registry import open_registry


def reserve_many(location: str, worker: int, count: int, start, results) -> None:
    """One editor's process: `count` reservations, in two series and two years, begun
    together with the other processes."""
    handed_out = []
    with open_registry(location) as registry:
        start.wait()
        for n in range(count):
            try:
                index = registry.reserve(("IOR", "AMR")[n % 2], 53, 2024 + worker % 2,
                                         f"worker {worker} document {n}")
                handed_out.append(str(index))
            except Exception as err:  # reported to the test, which fails on it
                handed_out.append(f"failed: {err!r}")
    results.put(handed_out)
