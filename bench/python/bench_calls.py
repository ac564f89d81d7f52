"""Component calls from Python: weft's generated bindings beside wasmtime-py.

Calls each export of the bench/calls guest (``bench/calls/wit/calls.wit``)
in one process, three ways: through the package ``weft bindgen --lang
python`` generated for it (``calls.Calls``), through wasmtime-py's
component API (``wasmtime.component``: ``Linker.instantiate``,
``Instance.get_func``, ``Func(store, *args)``), and through a pure-Python
function of the same shape. A native no-op (``gc.isenabled()``, a C
builtin taking no arguments that only reads a flag) is timed for
reference.

Every implementation must return the same value before anything is timed.
Each figure is the median, over several batches, of a batch's time divided
by its number of calls; batches alternate between implementations so that
all see the same load. The loop is timeit's (a local callable and local
arguments), whose own cost per iteration is printed below the table.

Run by ``bench/python/run.sh``; ``--help`` lists the options.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import platform
import statistics
import sys
import timeit
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional

import calls
import wasmtime
import weft
import wasmtime.component as wtc

# The columns, in table order.
WEFT = "weft"
WASMTIME = "wasmtime-py"
PYTHON = "pure Python"
NATIVE = "native no-op"

U32_MASK = 0xFFFF_FFFF
EXPORTS = ("noop", "add", "reverse", "sum", "update")


@dataclass
class Impl:
    """One way of making a case's call: a callable and its arguments."""

    func: Callable[..., Any]
    args: tuple[Any, ...]
    normalize: Callable[[Any], Any] = lambda value: value


@dataclass
class Case:
    """One row of the table: a call made by each implementation."""

    label: str
    impls: dict[str, Impl]
    times: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Inputs:
    """The arguments every implementation gets (as bench/runner's)."""

    short: str
    long: str
    numbers: list[int]
    items: list[calls.Item]

    @staticmethod
    def make() -> Inputs:
        def text(length: int) -> str:
            return "".join(chr(ord("a") + i * 7 % 26) for i in range(length))

        return Inputs(
            short=text(64),
            long=text(4096),
            numbers=[
                i * ((2_654_435_761 + i) & U32_MASK) & U32_MASK
                for i in range(1000)
            ],
            items=[calls.Item(f"item number {i}", i * 3) for i in range(100)],
        )


# The pure-Python functions, each of its export's shape.


def py_noop() -> None:
    """Does nothing, as ``noop``."""


def py_add(a: int, b: int) -> int:
    """``add``: a wrapping u32 sum."""
    return (a + b) & U32_MASK


def py_reverse(s: str) -> str:
    """``reverse``: the string backwards."""
    return s[::-1]


def py_sum(items: list[int]) -> int:
    """``sum``: the sum of the list."""
    return sum(items)


def py_update(items: list[calls.Item]) -> list[calls.Item]:
    """``update``: new records, names upper-cased and values doubled."""
    return [
        calls.Item(item.name.upper(), (item.value * 2) & U32_MASK)
        for item in items
    ]


def item_pairs(value: Sequence[Any]) -> list[tuple[str, int]]:
    """A list of records (weft's ``Item`` or wasmtime's ``Record``) as pairs."""
    return [(item.name, item.value) for item in value]


class Wasmtime:
    """The component on wasmtime-py: one store, one instance."""

    def __init__(self, path: str) -> None:
        self.engine = wasmtime.Engine()
        component = wtc.Component.from_file(self.engine, path)
        self.store = wasmtime.Store(self.engine)
        self.instance = wtc.Linker(self.engine).instantiate(self.store, component)
        self.funcs: dict[str, wtc.Func] = {}
        for name in EXPORTS:
            func = self.instance.get_func(self.store, name)
            if func is None:
                raise LookupError(f"the component exports no function `{name}`")
            self.funcs[name] = func


def make_cases(
    inputs: Inputs, weft_calls: calls.Calls, wt: Optional[Wasmtime]
) -> list[Case]:
    """The table's rows, each with every implementation that can run it."""
    specs: list[tuple[str, str, Callable[..., Any], tuple[Any, ...], bool]] = [
        ("noop()", "noop", py_noop, (), False),
        ("add(20, 22)", "add", py_add, (20, 22), False),
        ("reverse(string of 64 B)", "reverse", py_reverse, (inputs.short,), False),
        ("reverse(string of 4 KiB)", "reverse", py_reverse, (inputs.long,), False),
        ("sum(list<u32> of 1,000)", "sum", py_sum, (inputs.numbers,), False),
        (
            "update(list of 100 records with a string)",
            "update",
            py_update,
            (inputs.items,),
            True,
        ),
    ]
    cases = []
    for label, export, pure, args, records in specs:
        normalize: Callable[[Any], Any] = item_pairs if records else (lambda v: v)
        impls = {
            WEFT: Impl(getattr(weft_calls, export), args, normalize),
        }
        if wt is not None:
            impls[WASMTIME] = Impl(wt.funcs[export], (wt.store, *args), normalize)
        impls[PYTHON] = Impl(pure, args, normalize)
        cases.append(Case(label, impls))
    return cases


def check(case: Case) -> None:
    """Every implementation must return the same value (twice in a row)."""
    expected: Any = None
    first = ""
    for name, impl in case.impls.items():
        for _ in range(2):
            got = impl.normalize(impl.func(*impl.args))
            if not first:
                first, expected = name, got
            elif got != expected:
                raise ValueError(
                    f"{case.label}: {name} returned {got!r:.200}, "
                    f"{first} returned {expected!r:.200}"
                )


def timer(impl: Impl) -> timeit.Timer:
    """A timeit loop calling `impl` with local names only."""
    names = [f"a{i}" for i in range(len(impl.args))]
    setup = "".join(f"{n} = _args[{i}]; " for i, n in enumerate(names)) + "f = _f"
    stmt = f"f({', '.join(names)})"
    return timeit.Timer(stmt, setup, globals={"_f": impl.func, "_args": impl.args})


def calibrate(t: timeit.Timer, min_time: float) -> int:
    """Calls per batch so that a batch takes at least `min_time` seconds."""
    number = 1
    while True:
        if t.timeit(number) >= min_time:
            return number
        number *= 2 if number < 8 else 4


def measure(
    timers: dict[str, timeit.Timer], batches: int, min_time: float
) -> dict[str, float]:
    """Median seconds per call of each timer, batches alternating."""
    numbers = {name: calibrate(t, min_time) for name, t in timers.items()}
    samples: dict[str, list[float]] = {name: [] for name in timers}
    for _ in range(batches):
        for name, t in timers.items():
            samples[name].append(t.timeit(numbers[name]) / numbers[name])
    return {name: statistics.median(s) for name, s in samples.items()}


def fmt_time(seconds: float) -> str:
    """3 significant digits, in ns, µs or ms."""
    for unit, scale in (("ns", 1e9), ("µs", 1e6), ("ms", 1e3)):
        value = seconds * scale
        if value < 1000 or unit == "ms":
            if value >= 100:
                return f"{value:.0f} {unit}"
            if value >= 10:
                return f"{value:.1f} {unit}"
            return f"{value:.2f} {unit}"
    raise AssertionError("unreachable")


def fmt_ratio(ratio: float) -> str:
    """One decimal below 100, none above."""
    return f"{ratio:.0f}" if ratio >= 100 else f"{ratio:.1f}"


def rule_line(widths: list[int]) -> str:
    """A Markdown rule: the first column left-aligned, the others right."""
    cells = [
        ":" + "-" * (w + 1) if i == 0 else "-" * (w + 1) + ":"
        for i, w in enumerate(widths)
    ]
    return "|" + "|".join(cells) + "|"


def render(cases: list[Case], native: float) -> str:
    """The Markdown table of the results."""
    header = [
        "call, per call",
        WEFT,
        WASMTIME,
        PYTHON,
        f"{WASMTIME}/{WEFT}",
        f"{WEFT}/native no-op ({fmt_time(native)})",
    ]
    rows = [header]
    for case in cases:
        weft = case.times[WEFT]
        wt = case.times.get(WASMTIME)
        rows.append(
            [
                case.label,
                fmt_time(weft),
                fmt_time(wt) if wt is not None else "n/a",
                fmt_time(case.times[PYTHON]),
                fmt_ratio(wt / weft) if wt is not None else "n/a",
                fmt_ratio(weft / native),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("| " + " | ".join(cells) + " |")
        if n == 0:
            lines.append(rule_line(widths))
    return "\n".join(lines)


def version(dist: str) -> str:
    """The installed version of the distribution `dist`."""
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--component",
        required=True,
        help="the componentized bench/calls guest, for wasmtime-py",
    )
    parser.add_argument(
        "--quick", action="store_true", help="3 short batches: a smoke test"
    )
    parser.add_argument("--batches", type=int, help="batches per figure (9)")
    args = parser.parse_args()
    batches = args.batches or (3 if args.quick else 9)
    min_time = 0.005 if args.quick else 0.05

    inputs = Inputs.make()
    weft_calls = calls.Calls()
    wt: Optional[Wasmtime] = None
    wasmtime_error = ""
    try:
        wt = Wasmtime(args.component)
    except Exception as error:  # noqa: BLE001 - reported, the rest still runs
        wasmtime_error = f"{type(error).__name__}: {error}"

    cases = make_cases(inputs, weft_calls, wt)
    if wt is not None:
        try:
            for case in cases:
                check(case)
        except Exception as error:  # noqa: BLE001 - reported, the rest still runs
            wasmtime_error = f"{type(error).__name__}: {error}"
            for case in cases:
                case.impls.pop(WASMTIME, None)
    for case in cases:
        check(case)

    native_timer = timer(Impl(gc.isenabled, ()))
    empty_loop = min(timeit.Timer("pass").repeat(5, 1_000_000)) / 1_000_000
    for case in cases:
        timers = {name: timer(impl) for name, impl in case.impls.items()}
        timers[NATIVE] = native_timer
        print(f"timing {case.label} ...", file=sys.stderr)
        times = measure(timers, batches, min_time)
        case.times = times
    native = statistics.median(case.times[NATIVE] for case in cases)

    # The small calls again, with the GIL kept during calls.
    weft.set_release_gil(False)
    kept: dict[str, float] = {}
    for case in cases[:2]:
        print(f"timing {case.label}, GIL kept ...", file=sys.stderr)
        times = measure(
            {WEFT: timer(case.impls[WEFT]), NATIVE: native_timer}, batches, min_time
        )
        kept[case.label] = times[WEFT]
    weft.set_release_gil(True)

    print(
        f"Python {platform.python_version()} ({platform.machine()}), "
        f"weft {version('weft')}, wasmtime-py {version('wasmtime')}; "
        f"median of {batches} batches of at least {min_time * 1000:g} ms each.\n"
    )
    print(render(cases, native))
    print()
    print(
        f"weft: the generated `calls.Calls` methods. wasmtime-py: "
        f"`wasmtime.component.Func(store, *args)`. native no-op: "
        f"`gc.isenabled()`, a C builtin taking no arguments "
        f"({fmt_time(native)}). Every figure "
        f"includes timeit's loop, {fmt_time(empty_loop)} per iteration. "
        f"With the GIL kept during calls (`weft.set_release_gil(False)`): "
        + ", ".join(
            f"{label} {fmt_time(t)} ({t / native:.1f}x the native no-op)"
            for label, t in kept.items()
        )
        + "."
    )
    if wasmtime_error:
        print(f"\nwasmtime-py could not run the component: {wasmtime_error}")


if __name__ == "__main__":
    main()
