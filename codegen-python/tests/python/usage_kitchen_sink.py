"""Code using the `kitchen_sink` bindings as a user would, host side
included: `mypy --strict` must accept it."""

from __future__ import annotations

import weft

import kitchen_sink
from kitchen_sink import compound, host_things, resources, types


class HostTally:
    """The host's implementation of the resource `host-things.tally`."""

    def __init__(self, label: str, start: int) -> None:
        self._label = label
        self._value = start

    def add(self, by: int) -> int:
        self._value += by
        return self._value

    def value(self) -> int:
        return self._value

    def label(self) -> str:
        return self._label

    @staticmethod
    def merge(a: host_things.Tally, b: host_things.Tally) -> HostTally:
        return HostTally(f"{a.label()}+{b.label()}", a.value() + b.value())


class HostThings:
    Tally = HostTally


class Host:
    def log(self, msg: str) -> None:
        print(msg)

    def add(self, a: int, b: int) -> int:
        return (a + b) % 2**64

    def greet(self, name: str) -> str:
        return f"hello {name}"

    def points(self, n: int) -> list[types.Point]:
        return [types.Point(i, -i) for i in range(n)]

    def split_at(self, s: str, at: int) -> tuple[str, str]:
        return s[:at], s[at:]


def main() -> None:
    k = kitchen_sink.KitchenSink.from_file("k.wasm", host=Host(), host_things=HostThings())
    t = HostTally("t", 1)
    print(k.describe_tally(t), k.bump_tally(t, 2).value())
    print(k.weighted_sum(*range(20)), k.compute_stats([1, 2]).mean)
    c = k.compound
    nested: weft.Some[int | None] | None = c.bump_nested(weft.Some(None))
    print(nested, c.halve(None), c.reverse_bytes(b"abc"))
    print(c.flip(weft.Ok("x")), c.double_ok(weft.Err(None)))
    try:
        c.checked_div(1, 0)
    except compound.StringError as e:
        message: str = e.value
        print(message)
    shape: types.Shape = c.next_shape(types.ShapeLabel("x"))
    perms = c.invert_permissions(types.Permissions.READ | types.Permissions.WRITE)
    print(shape, perms, c.next_color(types.Color.RED))
    drawing = types.Drawing("t", [types.ShapeEmpty(), types.ShapeRect(types.Point(1, 2))], [])
    print(c.advance_drawing(drawing).title)
    r = k.resources
    with r.Accumulator(1) as acc:
        acc.push(2)
        more = r.Accumulator.from_list([3, 4])
        acc.absorb(more)
        tag = r.Tag("t")
        print(tag.annotate(acc), r.total_of(acc), r.merge(acc, more).values())
        split: resources.Accumulator = acc.split_off(1)
        print(split.total(), r.live_accumulators())
