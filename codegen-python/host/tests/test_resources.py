"""Resources the component exports: constructors, methods, statics,
borrowed and owned handles, closing."""

from __future__ import annotations

import gc

import pytest

import kitchen_sink as ks
import weft


def test_constructor_methods_and_statics(sink: ks.KitchenSink) -> None:
    Acc = sink.resources.Accumulator
    acc = Acc(5)
    assert isinstance(acc, ks.resources.Accumulator)
    assert acc.push(7) == 2
    assert acc.total() == 12
    assert acc.values() == [5, 7]
    other = Acc.from_list([1, 2, 3])
    assert type(other) is Acc
    acc.absorb(other)
    assert acc.values() == [5, 7, 1, 2, 3]
    tail = acc.split_off(2)
    assert (acc.values(), tail.values()) == ([5, 7], [1, 2, 3])
    tag = sink.resources.Tag("sum")
    assert tag.text() == "sum"
    assert tag.annotate(acc) == "sum: 12"
    assert sink.resources.total_of(tail) == 6


def test_own_arguments_move(sink: ks.KitchenSink) -> None:
    Acc = sink.resources.Accumulator
    a, b = Acc(1), Acc(2)
    merged = sink.resources.merge(a, b)
    assert merged.values() == [1, 2]
    with pytest.raises(weft.Error, match="closed"):
        a.total()
    with pytest.raises(weft.Error, match="closed"):
        sink.resources.merge(a, merged)
    assert merged.total() == 3, "a failed call leaves its other arguments alone"


def test_close_with_and_collection_run_destructors(sink: ks.KitchenSink) -> None:
    r = sink.resources
    base = r.live_accumulators()
    acc = r.Accumulator(1)
    assert r.live_accumulators() == base + 1
    acc.close()
    acc.close()
    assert r.live_accumulators() == base
    with pytest.raises(weft.Error, match="closed"):
        acc.push(1)
    with r.Accumulator(2) as acc2:
        assert acc2.total() == 2
        assert r.live_accumulators() == base + 1
    assert r.live_accumulators() == base
    r.Accumulator(3)
    gc.collect()
    assert r.live_accumulators() == base


def test_resource_of_another_instance_is_refused(sink: ks.KitchenSink) -> None:
    from conftest import Host, HostThings

    other = ks.KitchenSink(host=Host(), host_things=HostThings())
    foreign = other.resources.Accumulator(1)
    with pytest.raises(weft.Error, match="another instance"):
        sink.resources.total_of(foreign)
    assert foreign.total() == 1


def test_resource_objects_outlive_their_world_object(host: object) -> None:
    from conftest import Host, HostThings

    acc = ks.KitchenSink(host=Host(), host_things=HostThings()).resources.Accumulator(4)
    gc.collect()
    assert acc.push(1) == 2
    acc.close()
