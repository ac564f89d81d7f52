"""Code using the `text_kit` bindings as a user would: `mypy --strict`
must accept it, so the generated annotations are precise enough to use."""

from __future__ import annotations

import text_kit
from text_kit import geometry, logger, stats


class PrintLogger:
    def log(self, level: logger.Level, message: str) -> None:
        print(level.name, message)


def area_of(t: text_kit.TextKit, shape: geometry.Shape) -> float:
    return t.geometry.area(shape)


def describe(shape: geometry.Shape) -> str:
    match shape:
        case geometry.ShapeCircle(r):
            return f"circle of radius {r:.1f}"
        case geometry.ShapeRectangle((w, h)):
            return f"{w} by {h}"
        case geometry.ShapePolygon(points):
            return f"{len(points)} points"


def main() -> None:
    t = text_kit.TextKit.from_file("text_kit.wasm", logger=PrintLogger())
    upper: str = t.upper("hi")
    words: list[str] = t.words("a b c", 1)
    centre: geometry.Point | None = t.geometry.centroid([geometry.Point(0.0, 0.0)])
    if centre is not None:
        print(centre.x + centre.y)
    print(upper, words, area_of(t, geometry.ShapeRectangle((1.0, 2.0))))
    print(describe(geometry.ShapeCircle(1.0)), geometry.Color.SEA_GREEN.value)
    with t.stats.Tally(0, "a") as tally:
        try:
            counted: int = tally.add(["apple"], stats.Mode.TRIM | stats.Mode.IGNORE_CASE)
            print(counted, tally.total())
        except stats.RefusalError as e:
            refusal: stats.Refusal = e.value
            print(refusal.word, refusal.reason)
    kind: type[stats.Tally] = t.stats.Tally
    print(kind)
