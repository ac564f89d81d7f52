"""Functions and a resource the host implements in Python, called by the
component."""

from __future__ import annotations

import kitchen_sink as ks

from conftest import Host, Tally


def test_plain_imports(sink: ks.KitchenSink, host: Host) -> None:
    assert sink.log_all(["one", "two", "ünï"]) == 3
    assert host.logs == ["one", "two", "ünï"]
    assert sink.host_sum([1, 2, 2**64 - 1]) == 2
    assert host.adds == 3
    assert sink.greet_all(["ann", "bob"]) == ["hello, ann!", "hello, bob!"]
    assert sink.host_points_sum(4) == sum(2 * i for i in range(4))
    assert sink.host_split_swap("abcdef", 2) == "cdefab"


def test_host_resource_made_and_dropped_by_the_guest(sink: ks.KitchenSink) -> None:
    before = Tally.live
    assert sink.count_with_host("steps", [1, 2, 3, -10]) == -4
    assert Tally.live == before + 1


def test_host_resource_lent_moved_and_returned(sink: ks.KitchenSink) -> None:
    tally = Tally("t", 5)
    assert sink.describe_tally(tally) == "t=5"
    back = sink.bump_tally(tally, 3)
    assert back is tally and tally.value() == 8
    a, b = Tally("a", 1), Tally("b", 2)
    merged = sink.merge_tallies(a, b)
    assert isinstance(merged, Tally)
    assert (merged.label(), merged.value()) == ("a+b", 4)


def test_many_calls_keep_no_host_objects(sink: ks.KitchenSink) -> None:
    tally = Tally("loop", 0)
    for i in range(200):
        assert sink.describe_tally(tally) == f"loop={i}"
        tally = sink.bump_tally(tally, 1)
