"""The heap follows the real glue (ruv_swarm_wasm.js), not the seed report's variant."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bindgen.heap import RESERVED, Heap, HeapSnapshot
from bindgen.jsvalues import UNDEFINED, JsError


def test_initial_layout_is_the_glues():
    heap = Heap()
    assert len(heap) == 132
    assert all(heap.get(i) is UNDEFINED for i in range(128))
    assert heap.get(128) is UNDEFINED
    assert heap.get(129) is None
    assert heap.get(130) is True
    assert heap.get(131) is False
    assert heap.heap_next == 132
    assert heap.stack_pointer == 128


def test_first_object_goes_to_132_not_128():
    # the seed report takes heap_next before pushing the constants (128): that would overwrite
    # the `undefined` constant the wasm side refers to by index 128
    heap = Heap()
    assert heap.add("a") == 132
    assert heap.add("b") == 133
    assert [heap.get(i) for i in range(128, 132)] == [UNDEFINED, None, True, False]


@pytest.mark.parametrize("idx", [0, 36, 100, 127, 128, 129, 130, 131])
def test_indices_below_132_are_never_freed(idx):
    # the seed report frees anything >= 36
    heap = Heap()
    heap.add("x")
    before = heap.snapshot()
    heap.drop(idx)
    assert heap.snapshot() == before


def test_free_list_threads_through_freed_slots():
    heap = Heap()
    a, b, c = heap.add("a"), heap.add("b"), heap.add("c")
    assert (a, b, c) == (132, 133, 134)
    heap.drop(b)
    assert heap.heap_next == 133 and heap.get(133) == 135  # slot holds the old heap_next
    heap.drop(a)
    assert heap.heap_next == 132 and heap.get(132) == 133
    assert heap.free_indices() == [132, 133]
    assert heap.add("d") == 132  # last freed, first reused
    assert heap.add("e") == 133
    assert heap.add("f") == 135  # then the heap grows
    assert len(heap) == 136


def test_take_returns_and_frees():
    heap = Heap()
    idx = heap.add([1, 2])
    assert heap.take(idx) == [1, 2]
    assert heap.heap_next == idx
    assert heap.take(130) is True  # constants are read but never freed
    assert heap.get(130) is True


def test_clone_gives_a_second_index_to_the_same_object():
    heap = Heap()
    obj = object()
    idx = heap.add(obj)
    copy = heap.clone(idx)
    assert copy != idx and heap.get(copy) is obj
    heap.drop(idx)
    assert heap.get(copy) is obj


def test_borrow_stack_grows_down_from_128():
    heap = Heap()
    assert heap.add_borrowed("x") == 127
    assert heap.add_borrowed("y") == 126
    heap.pop_borrowed()
    assert heap.get(126) is UNDEFINED and heap.stack_pointer == 127
    heap.pop_borrowed()
    assert heap.stack_pointer == 128


def test_borrow_stack_overflow_is_a_js_error():
    heap = Heap()
    for _ in range(127):
        heap.add_borrowed(1)
    with pytest.raises(JsError, match="out of js stack"):
        heap.add_borrowed(2)


def test_drop_past_the_end_is_an_error_not_corruption():
    heap = Heap()
    with pytest.raises(JsError, match="out of range"):
        heap.drop(500)
    assert heap.heap_next == 132 and len(heap) == 132


def test_snapshot_is_read_only_and_detached():
    heap = Heap()
    idx = heap.add("a")
    snap = heap.snapshot()
    assert isinstance(snap, HeapSnapshot) and isinstance(snap.slots, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.heap_next = 0
    heap.drop(idx)
    assert snap.live() == {132: "'a'"}
    assert heap.snapshot().live() == {}
    assert heap.snapshot().slots[132] == ("free", 133)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.tuples(st.just("add"), st.integers()),
                          st.tuples(st.just("drop"), st.integers(0, 40)))))
def test_heap_against_a_model(ops):
    """Live objects stay readable at their index, indices are unique and >= 132, and a freed
    index is the next one handed out (LIFO), whatever the interleaving."""
    heap = Heap()
    live: dict[int, object] = {}
    freed: list[int] = []
    for op, arg in ops:
        if op == "add":
            value = ("v", arg)
            idx = heap.add(value)
            assert idx >= RESERVED and idx not in live
            if freed:
                assert idx == freed.pop()
            else:
                assert idx == len(heap) - 1
            live[idx] = value
        elif live:
            idx = sorted(live)[arg % len(live)]
            assert heap.take(idx) == live.pop(idx)
            freed.append(idx)
        for i, v in live.items():
            assert heap.get(i) == v
        assert sorted(heap.free_indices()) == sorted(freed)
