"""Every WIT type of the kitchen sink, into the component and back."""

from __future__ import annotations

import math

import pytest

import kitchen_sink as ks
import weft
from kitchen_sink import types as t


def test_bool_and_integers(sink: ks.KitchenSink) -> None:
    s = sink.scalars
    assert s.negate(True) is False and s.negate(False) is True
    assert s.add_s8(-100, -100) == 56
    assert s.add_u8(200, 100) == 44
    assert s.add_s16(-32768, -1) == 32767
    assert s.add_u16(65535, 2) == 1
    assert s.add_s32(-(2**31), -1) == 2**31 - 1
    assert s.add_u32(2**32 - 1, 2) == 1
    assert s.add_s64(2**63 - 1, 1) == -(2**63)
    assert s.add_u64(2**64 - 1, 2) == 1


def test_floats(sink: ks.KitchenSink) -> None:
    s = sink.scalars
    assert s.mul_f32(1.5, 4) == 6.0
    assert s.mul_f32(0.1, 1) == pytest.approx(0.1, rel=1e-7)
    assert s.mul_f64(0.1, 3) == 0.1 * 3
    assert math.isnan(s.identity_f32(math.nan))
    assert math.isnan(s.identity_f64(math.nan))
    assert s.identity_f64(math.inf) == math.inf
    assert s.identity_f32(-math.inf) == -math.inf


def test_chars(sink: ks.KitchenSink) -> None:
    s = sink.scalars
    assert s.next_char("a") == "b"
    assert s.next_char("\ud7ff") == "\ue000"
    assert s.next_char("\U0010ffff") == "\0"
    assert s.next_char("é") == "ê"


def test_spilled_result_of_every_scalar(sink: ks.KitchenSink) -> None:
    got = sink.scalars.step_all(True, -1, 2, -3, 4, -5, 6, -7, 8, 1.5, 9.0, "y")
    assert got == (False, 0, 3, -2, 5, -4, 7, -6, 9, 3.0, 4.5, "z")


def test_strings_and_lists(sink: ks.KitchenSink) -> None:
    c = sink.compound
    assert c.reverse_string("héllo, wörld ✓") == "✓ dlröw ,olléh"
    assert c.reverse_string("") == ""
    assert c.measure("aé✓😀") == (10, 4)
    assert c.reverse_bytes(b"\x00\x01\xff") == b"\xff\x01\x00"
    assert c.reverse_bytes(bytearray(b"ab")) == b"ba"
    assert c.reverse_bytes(memoryview(b"xyz")) == b"zyx"
    assert c.sum_u32([1, 2, 2**32 - 1]) == 2**32 + 2
    assert c.sum_u32(()) == 0
    assert c.prefix_sums([1, 2, 3]) == [1, 3, 6]
    assert c.join(["a", "b", "c"], "--") == "a--b--c"
    assert c.split("a,b,,c", ",") == ["a", "b", "", "c"]
    assert c.reverse_words(["ab", "cd"]) == ["dc", "ba"]
    big = "x" * 100_000
    assert c.reverse_string(big) == big


def test_records_and_tuples(sink: ks.KitchenSink) -> None:
    c = sink.compound
    assert c.rotate(t.Point(3, 4)) == t.Point(-4, 3)
    assert c.reverse_tuple((255, "abc", 3.0)) == (1.5, "ABC", 0)
    stats = sink.compute_stats([4, -2, 7])
    assert stats == t.Stats(count=3, sum=9, min=-2, max=7, mean=3.0)
    assert math.isnan(sink.compute_stats([]).mean)


def test_variants(sink: ks.KitchenSink) -> None:
    cycle = [
        t.ShapeEmpty(),
        t.ShapeDot(0),
        t.ShapeLine(0),
        t.ShapeLabel("0"),
        t.ShapeRect(t.Point(1, 1)),
        t.ShapeRatio(1.0),
        t.ShapeEmpty(),
    ]
    for before, after in zip(cycle, cycle[1:]):
        assert sink.compound.next_shape(before) == after
    assert sink.compound.next_shape(t.ShapeDot(7)) == t.ShapeLine(7000)
    assert sink.compound.next_shape(t.ShapeLabel("né")) == t.ShapeRect(t.Point(3, 2))


def test_enums_and_flags(sink: ks.KitchenSink) -> None:
    c = sink.compound
    assert c.next_color(t.Color.RED) is t.Color.GREEN
    assert c.next_color(t.Color.BLUE) is t.Color.RED
    assert c.invert_permissions(t.Permissions.READ) == t.Permissions.WRITE | t.Permissions.EXECUTE
    assert c.invert_permissions(t.Permissions(0)) == t.Permissions(7)
    assert c.invert_nine(t.Nine.B0 | t.Nine.B8) == t.Nine(0b011111110)
    assert c.rotate_wide(t.Wide.W31 | t.Wide.W0) == t.Wide.W0 | t.Wide.W1


def test_options_and_results(sink: ks.KitchenSink) -> None:
    c = sink.compound
    assert c.halve(8) == 4
    assert c.halve(7) is None
    assert c.halve(None) is None
    assert c.bump_nested(None) == weft.Some(None)
    assert c.bump_nested(weft.Some(None)) is None
    assert c.bump_nested(weft.Some(41)) == weft.Some(42)
    # A result as a parameter is Ok/Err; as the return value it is the ok
    # value, or the error raised.
    with pytest.raises(ks.compound.StringError) as err:
        c.flip(weft.Ok("x"))
    assert err.value.value == "x"
    assert c.flip(weft.Err(5)) == 5
    assert c.append_error(weft.Ok(None), "!") is None
    with pytest.raises(ks.compound.StringError, match="no!"):
        c.append_error(weft.Err("no"), "!")
    assert c.double_ok(weft.Ok(21)) == 42
    with pytest.raises(weft.ResultError) as plain:
        c.double_ok(weft.Err(None))
    assert plain.value.value is None
    with pytest.raises(weft.ResultError):
        c.negate_result(weft.Ok(None))
    assert c.negate_result(weft.Err(None)) is None


def test_result_returned_raises(sink: ks.KitchenSink) -> None:
    assert sink.compound.checked_div(7, 2) == 3
    with pytest.raises(weft.ResultError) as info:
        sink.compound.checked_div(1, 0)
    assert isinstance(info.value.value, str) and info.value.value


def test_lists_of_records(sink: ks.KitchenSink) -> None:
    c = sink.compound
    people = [t.Person("ann", 30, ["a", "b"]), t.Person("bob", 41, ["b"])]
    assert c.total_age(people) == 71
    assert c.age_all(people) == [
        t.Person("ann", 31, ["a", "b", "older"]),
        t.Person("bob", 42, ["b", "older"]),
    ]
    assert c.oldest(people) == people[1]
    assert c.oldest([]) is None
    assert c.tag_counts(people) == [("a", 1), ("b", 2)]
    drawing = t.Drawing("title", [t.ShapeEmpty(), t.ShapeDot(2)], [t.Color.RED, t.Color.BLUE])
    assert c.advance_drawing(drawing) == t.Drawing(
        "eltit", [t.ShapeDot(0), t.ShapeLine(2000)], [t.Color.GREEN, t.Color.RED]
    )


def test_spilled_parameters(sink: ks.KitchenSink) -> None:
    assert sink.weighted_sum(*range(1, 21)) == sum(i * i for i in range(1, 21))
    text = sink.describe_all(
        True, -1, 2, -3, 4, -5, 6, -7, 8, 1.5, 2.25, "λ", "str", b"\x0a\xff",
        t.Point(1, -2), None, t.Color.BLUE, t.Permissions.READ | t.Permissions.EXECUTE,
    )
    assert text == "true|-1|2|-3|4|-5|6|-7|8|1.5|2.25|λ|str|0aff|(1,-2)|none|blue|read+execute"


def test_records_are_made_without_init(sink: ks.KitchenSink) -> None:
    point = sink.compound.rotate(t.Point(1, 2))
    assert type(point) is t.Point
    with pytest.raises(AttributeError):
        point.x = 5  # type: ignore[misc]


def test_million_element_lists(sink: ks.KitchenSink) -> None:
    c = sink.compound
    values = [(i * 7919) % 2**32 for i in range(1_000_000)]
    assert c.sum_u32(values) == sum(values)
    sums = c.prefix_sums(values)
    running = 0
    for i, (got, v) in enumerate(zip(sums, values)):
        running = (running + v) % 2**32
        assert got == running, i
    assert len(sums) == len(values)
    data = bytes(i % 251 for i in range(1_000_000))
    assert c.reverse_bytes(data) == data[::-1]
    assert len(c.join(["ab"] * 1_000_000, "")) == 2_000_000
