"""The API of the bindings of `examples/text-kit`, over the fake `weft`.

    python check_text_kit.py COMPONENT.wasm

with the fake `weft` and the generated project's directory on `sys.path`.
Checks the names, classes and values the package exposes, and that each
call reaches the runtime as the function it stands for.
"""

from __future__ import annotations

import dataclasses
import enum
import sys
import typing

import weft

import text_kit
from text_kit import geometry, logger, stats

rec = weft._recorded  # type: ignore[attr-defined]
GEOMETRY = "demo:text-kit/geometry@0.1.0"
STATS = "demo:text-kit/stats@0.1.0"


def raises(exc: type[BaseException], text: str, f: typing.Callable[[], object]) -> None:
    try:
        f()
    except exc as e:
        assert text in str(e), f"{exc.__name__} says {e}, not {text!r}"
    else:
        raise AssertionError(f"no {exc.__name__}")


# The package and its modules.
assert sorted(text_kit.__all__) == ["TextKit", "geometry", "logger", "stats"], text_kit.__all__
assert text_kit.__doc__ and text_kit.__doc__.startswith("Text utilities, a small universal library.")
assert geometry.__doc__ == "Plane geometry over shapes passed by value."

# Records: frozen dataclasses with their fields in WIT order.
p = geometry.Point(1.0, 2.0)
assert dataclasses.is_dataclass(p) and (p.x, p.y) == (1.0, 2.0)
assert geometry.Point(x=1.0, y=2.0) == p and hash(p) == hash(geometry.Point(1.0, 2.0))
raises(dataclasses.FrozenInstanceError, "x", lambda: setattr(p, "x", 3.0))
assert geometry.Point.__doc__ == "A point in the plane."
assert [f.name for f in dataclasses.fields(stats.Refusal)] == ["word", "reason"]

# Enums and flags.
assert issubclass(geometry.Color, enum.Enum)
assert [m.name for m in geometry.Color] == ["RED", "DEEP_RED", "SEA_GREEN"]
assert geometry.Color.DEEP_RED.value == 1
assert issubclass(stats.Mode, enum.Flag)
assert (stats.Mode.TRIM | stats.Mode.UNIQUE).value == 0b110
assert stats.Mode.IGNORE_CASE.value == 1
assert logger.Level.WARN.value == 2

# Variants: a frozen dataclass per case, and a Union of them.
assert typing.get_args(geometry.Shape) == (
    geometry.ShapeCircle,
    geometry.ShapeRectangle,
    geometry.ShapePolygon,
)
assert geometry.ShapeCircle(2.0).value == 2.0
assert geometry.ShapeRectangle((1.0, 2.0)).value == (1.0, 2.0)
match geometry.ShapePolygon([p]):
    case geometry.ShapePolygon(points):
        assert points == [p]

# Errors: one exception class per error type, carrying the value.
assert issubclass(stats.RefusalError, weft.ResultError)
err = stats.RefusalError(stats.Refusal("x", "too short"))
assert isinstance(err, Exception) and err.value.reason == "too short"

# The protocol of the import.
assert logger.Logger.log.__doc__ == "Logs one message."


class Log:
    def __init__(self) -> None:
        self.lines: list[tuple[logger.Level, str]] = []

    def log(self, level: logger.Level, message: str) -> None:
        self.lines.append((level, message))


impl = Log()
raises(TypeError, "TextKit.from_file(path)", lambda: text_kit.TextKit(logger=impl))
wasm = open(sys.argv[1], "rb").read()
t = text_kit.TextKit.from_file(sys.argv[1], logger=impl)
instance = rec.instances[-1]
assert instance.component.wasm == wasm

# The import table: the host's bound method, with its signature.
log = instance.imports["demo:text-kit/logger@0.1.0"]["log"]
assert log.impl == impl.log
assert [d.kind for d in log.params] == ["enum", "string"] and log.result is None

# World functions are methods; each call is one call of the runtime's.
rec.result = "HI"
assert t.upper("hi") == "HI"
assert rec.calls[-1] == (None, "upper", ("hi",))
assert text_kit.TextKit.upper.__doc__ == "Upper-cases a string."
t.words("a b", 3)
assert rec.calls[-1] == (None, "words", ("a b", 3))

# Exported interfaces are attributes.
assert isinstance(t.geometry, geometry.Geometry) and isinstance(t.stats, stats.Stats)
circle = geometry.ShapeCircle(1.0)
t.geometry.area(circle)
assert rec.calls[-1] == (GEOMETRY, "area", (circle,))
t.geometry.centroid([p])
assert rec.calls[-1] == (GEOMETRY, "centroid", ([p],))
area = instance.funcs[(GEOMETRY, "area")]
assert area.arity == 1

# Exported resources are classes on the interface, one per instance.
tally = t.stats.Tally(0, "a")
assert isinstance(tally, stats.Tally) and isinstance(tally, weft.Resource)
assert type(tally) is t.stats.Tally and t.stats.Tally.__name__ == "Tally"
assert rec.calls[-1] == (STATS, "[constructor]tally", (tally, 0, "a"))
with tally as same:
    same.add(["w"], stats.Mode.TRIM)
    assert rec.calls[-1] == (STATS, "[method]tally.add", (tally, ["w"], stats.Mode.TRIM))
    tally.total()
    assert rec.calls[-1] == (STATS, "[method]tally.total", (tally,))
assert tally._handle is None, "closed on leaving `with`"
tally_type = next(r for r in rec.resource_types if r.name == "tally")
assert tally_type.cls is stats.Tally and tally_type.interface == STATS
assert instance.classes[tally_type] is t.stats.Tally

other = text_kit.TextKit(logger=impl, component=weft.Component(wasm))
assert other.stats.Tally is not t.stats.Tally
assert issubclass(other.stats.Tally, stats.Tally)

# Outside an instance, the resource class says where to look.
raises(TypeError, "TextKit(...)", lambda: stats.Tally(0, "a"))

print("ok: text_kit API")
