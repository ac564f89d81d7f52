"""Values that do not fit, traps, exceptions in imports, and instances
after a trap."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import kitchen_sink as ks
import weft
from conftest import Host, HostThings, Tally
from kitchen_sink import types as t


def test_wrong_types_name_the_parameter_and_wit_type(sink: ks.KitchenSink) -> None:
    with pytest.raises(TypeError, match=r"add-u8: a: expected u8, got str"):
        sink.scalars.add_u8("1", 2)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"negate: x: expected bool, got int"):
        sink.scalars.negate(1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"add-s32: b: expected s32, got bool"):
        sink.scalars.add_s32(1, True)
    with pytest.raises(TypeError, match=r"rotate: p\.x: expected s32, got float"):
        sink.compound.rotate(t.Point(1.5, 2))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"total-age: people\[1\]\.tags\[0\]: expected string, got int"):
        sink.compound.total_age([t.Person("a", 1, []), t.Person("b", 2, [3])])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"next-shape: s: expected variant"):
        sink.compound.next_shape(t.Point(1, 2))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"next-color: c: expected enum Color"):
        sink.compound.next_color(0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"reverse-words: words: expected list<string>, got str"):
        sink.compound.reverse_words("abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"flip: r: expected weft.Ok or weft.Err"):
        sink.compound.flip("x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"next-char: c: expected char"):
        sink.scalars.next_char("ab")
    with pytest.raises(TypeError, match=r"takes 2 arguments \(1 given\)"):
        sink.scalars._add_u8(1)  # the runtime's callable itself
    # The instance is fine after refused arguments.
    assert sink.scalars.add_u8(1, 2) == 3


def test_out_of_range_integers(sink: ks.KitchenSink) -> None:
    with pytest.raises(OverflowError, match=r"add-u8: b: 256 is out of range for u8"):
        sink.scalars.add_u8(1, 256)
    with pytest.raises(OverflowError, match=r"add-u32: a: -1 is out of range for u32"):
        sink.scalars.add_u32(-1, 0)
    with pytest.raises(OverflowError, match="out of range for s64"):
        sink.scalars.add_s64(2**63, 0)
    with pytest.raises(OverflowError, match="out of range for u64"):
        sink.scalars.add_u64(2**70, 0)
    with pytest.raises(OverflowError, match=r"sum-u32: values\[2\]"):
        sink.compound.sum_u32([1, 2, 2**32])
    assert sink.scalars.add_u8(255, 0) == 255


def test_lone_surrogates_are_refused(sink: ks.KitchenSink) -> None:
    with pytest.raises(UnicodeEncodeError):
        sink.compound.reverse_string("a\ud800")


class Failing(Host):
    def greet(self, name: str) -> str:
        raise KeyError(name)


def test_exception_in_an_import_is_a_chained_trap() -> None:
    sink = ks.KitchenSink(host=Failing(), host_things=HostThings())
    with pytest.raises(weft.Trap) as info:
        sink.greet_all(["ann"])
    assert isinstance(info.value.__cause__, KeyError)
    assert info.value.kind == "host"  # type: ignore[attr-defined]
    assert "greet" in str(info.value)
    assert "wasm backtrace" in str(info.value)
    # The instance refuses to run again; a new one works.
    with pytest.raises(weft.Trap, match="trapped earlier"):
        sink.scalars.add_u8(1, 2)
    fresh = ks.KitchenSink(host=Host(), host_things=HostThings())
    assert fresh.greet_all(["ann"]) == ["hello, ann!"]


class BadReturn(Host):
    def greet(self, name: str) -> str:
        return 42  # type: ignore[return-value]


def test_import_returning_the_wrong_type_traps() -> None:
    sink = ks.KitchenSink(host=BadReturn(), host_things=HostThings())
    with pytest.raises(weft.Trap) as info:
        sink.greet_all(["ann"])
    cause = info.value.__cause__
    assert isinstance(cause, TypeError)
    assert "expected string, got int" in str(cause)


class Reentrant(Host):
    sink: ks.KitchenSink

    def log(self, msg: str) -> None:
        self.sink.scalars.add_u8(1, 2)


def test_reentering_the_instance_from_an_import_is_refused() -> None:
    host = Reentrant()
    host.sink = ks.KitchenSink(host=host, host_things=HostThings())
    with pytest.raises(weft.Trap) as info:
        host.sink.log_all(["x"])
    assert isinstance(info.value.__cause__, weft.Error)
    assert "already running" in str(info.value.__cause__)


def test_invalid_component_and_missing_imports() -> None:
    with pytest.raises(weft.Error, match="invalid component"):
        weft.Component(b"\0asm garbage")
    with pytest.raises(weft.Error, match="cannot read"):
        weft.Component.from_file("/nonexistent/x.wasm")
    component = ks._component()
    with pytest.raises(weft.Error, match="host@0.1.0"):
        weft.Instance(component, {})


def test_descriptor_mismatch_names_the_place() -> None:
    component = ks._component()
    instance = weft.Instance(
        component,
        {
            "weft-test:kitchen-sink/host@0.1.0": ks.host._imports(Host()),
            "weft-test:kitchen-sink/host-things@0.1.0": ks.host_things._imports(HostThings()),
        },
    )
    with pytest.raises(weft.Error, match=r"add-u8: parameter 1 \(a\): u8 in the component, s8 here"):
        instance.func("weft-test:kitchen-sink/scalars@0.1.0", "add-u8", [weft.S8, weft.U8], weft.U8)
    bad_point = weft.record(t.Point, [("x", "x", weft.S32), ("z", "y", weft.S32)])
    with pytest.raises(weft.Error, match=r'rotate: parameter 1 \(p\): field 2 is "y" in the component, "z" here'):
        instance.func("weft-test:kitchen-sink/compound@0.1.0", "rotate", [bad_point], bad_point)
    with pytest.raises(weft.Error, match="exports no function"):
        instance.func(None, "nope", [])


def test_tally_protocol_object_works_as_is(sink: ks.KitchenSink) -> None:
    assert sink.describe_tally(Tally("q", 1)) == "q=1"


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (lambda s: s.faults.fail("guest gave up"), "unreachable"),
        (lambda s: s.faults.recurse(100_000_000), "call stack exhausted"),
        (lambda s: s.faults.peek(2**32 - 1), "out of bounds"),
    ],
    ids=["panic", "stack-exhaustion", "wild-read"],
)
def test_traps_in_guest_code(fault: Callable[[ks.KitchenSink], object], message: str) -> None:
    sink = ks.KitchenSink(host=Host(), host_things=HostThings())
    assert sink.faults.recurse(1000) == 1000
    with pytest.raises(weft.Trap, match=message) as info:
        fault(sink)
    assert "wasm backtrace" in str(info.value)
    with pytest.raises(weft.Trap, match="trapped earlier"):
        sink.faults.recurse(1)
    fresh = ks.KitchenSink(host=Host(), host_things=HostThings())
    assert fresh.faults.recurse(1000) == 1000
