"""Calls with the GIL kept (`weft.set_release_gil(False)`) behave as
calls that release it: the same results, errors and traps, on the fast
path of all-scalar functions and on the general one; and the
forwarding methods of generated classes are skipped at call time but stay
for documentation."""

from __future__ import annotations

import inspect
import math
import threading
from collections.abc import Callable, Iterator

import pytest

import kitchen_sink as ks
import weft
from conftest import Host, HostThings


@pytest.fixture(params=[True, False], ids=["released", "kept"])
def release(request: pytest.FixtureRequest) -> Iterator[bool]:
    weft.set_release_gil(request.param)
    yield bool(request.param)
    weft.set_release_gil(True)


def new_sink() -> ks.KitchenSink:
    return ks.KitchenSink(host=Host(), host_things=HostThings())


def test_scalar_calls_give_the_same_results(release: bool) -> None:
    s = new_sink().scalars
    assert s.negate(True) is False
    assert s.add_s8(-100, -100) == 56
    assert s.add_u16(65535, 2) == 1
    assert s.add_s64(-(2**63), -1) == 2**63 - 1
    assert s.add_u64(2**64 - 1, 2) == 1
    assert s.mul_f64(1.5, 4) == 6.0
    assert math.isnan(s.identity_f64(math.nan))
    assert s.next_char("\ud7ff") == "\ue000"
    # And a function taking the general path (a tuple result).
    sink = new_sink()
    assert sink.compound.measure("héllo") == (6, 5)


def test_scalar_errors_name_the_parameter(release: bool) -> None:
    s = new_sink().scalars
    with pytest.raises(OverflowError, match=r"add-u8: b: 256 is out of range for u8"):
        s.add_u8(1, 256)
    with pytest.raises(OverflowError, match=r"add-u64: a: -1 is out of range for u64"):
        s.add_u64(-1, 0)
    with pytest.raises(TypeError, match=r"add-s32: a: expected s32, got float"):
        s.add_s32(1.0, 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"next-char: c: expected char"):
        s.next_char("ab")
    # Nothing was called: the instance works.
    assert s.add_u8(1, 2) == 3


def test_a_trap_poisons_the_instance(release: bool) -> None:
    sink = new_sink()
    with pytest.raises(weft.Trap, match="call stack exhausted"):
        sink.faults.recurse(2**40)
    with pytest.raises(weft.Trap, match="trapped earlier"):
        sink.faults.spin(1)
    assert new_sink().faults.spin(3) == 3


def test_threads_take_turns_with_the_gil_kept(release: bool) -> None:
    sink = new_sink()
    totals: list[int] = []

    def worker(n: int) -> None:
        for _ in range(200):
            totals.append(sink.scalars.add_u32(n, 1))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(totals)) == [1, 2, 3, 4]
    assert len(totals) == 800


def test_a_thread_waits_for_a_store_busy_in_another_thread() -> None:
    # A long call (the GIL released while it runs) holds the store; a call
    # on the same instance from another thread waits for it, then runs.
    sink = new_sink()
    started = threading.Event()
    results: dict[str, int] = {}
    n = 30_000_000

    def long_call() -> None:
        started.set()
        results["spin"] = sink.faults.spin(n)

    thread = threading.Thread(target=long_call)
    thread.start()
    started.wait()
    # Most often the spin holds the store by now: this call waits.
    results["add"] = sink.scalars.add_u32(40, 2)
    thread.join()
    assert results == {"spin": n * (n - 1) // 2, "add": 42}
    # Both gave the store back.
    assert sink.scalars.add_u32(1, 1) == 2


def test_scalar_functions_are_vectorcall_builtins() -> None:
    s = new_sink().scalars
    add = s.add_u8
    assert inspect.isbuiltin(add)
    assert add.__name__ == "add-u8"
    assert add(1, 2) == 3
    with pytest.raises(TypeError, match=r"add-u8\(\) takes 2 arguments \(1 given\)"):
        add(1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="keyword arguments"):
        add(a=1, b=2)  # type: ignore[call-arg]
    # Functions with other types keep the general path.
    assert not inspect.isbuiltin(new_sink().compound.measure)


def test_forwarding_methods_stay_documented_and_are_skipped() -> None:
    sink = new_sink()
    doc = inspect.getdoc(ks.KitchenSink.greet_all)
    assert doc is not None and doc.strip()
    assert inspect.getdoc(ks.scalars.Scalars.add_u8)
    # On an instance, the name holds the runtime's callable itself.
    method: Callable[..., object] = sink.scalars.add_u8
    assert not inspect.ismethod(method)
    assert method(2, 3) == 5
    assert not inspect.ismethod(sink.greet_all)
    assert sink.greet_all(["x"]) == ["hello, x!"]
