"""Measures what releasing the GIL around a wasm call costs: the same
trivial export (`add-u32`) called with the GIL released (the default) and
held. Run by hand: `python bench_gil.py` in the test venv."""

from __future__ import annotations

import time

import kitchen_sink as ks
import weft
from conftest import Host, HostThings


def per_call(f: object, n: int) -> float:
    """Nanoseconds per call of `f(1, 2)`, best of 5 runs of `n` calls."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter_ns()
        for _ in range(n):
            f(1, 2)  # type: ignore[operator]
        best = min(best, (time.perf_counter_ns() - start) / n)
    return best


def main() -> None:
    sink = ks.KitchenSink(host=Host(), host_things=HostThings())
    raw = sink.scalars._add_u8
    n = 200_000
    per_call(raw, n)
    weft._weft._set_release_gil(False)
    held = per_call(raw, n)
    weft._weft._set_release_gil(True)
    released = per_call(raw, n)
    print(f"add-u8, runtime callable: GIL held {held:.0f} ns/call, released {released:.0f} ns/call, "
          f"release costs {released - held:.0f} ns")
    wrapped = per_call(sink.scalars.add_u8, n)
    print(f"add-u8 through the generated method (GIL released): {wrapped:.0f} ns/call")


if __name__ == "__main__":
    main()
