"""The wasm-bindgen object heap, kept exactly as the real glue (`ruv_swarm_wasm.js`) keeps it.

Layout: slots 0..127 start `undefined` and double as the *borrow stack* (addBorrowedObject fills
them downwards from 128); slots 128..131 hold the constants undefined, null, true, false (the
indices the wasm side hard-codes); `heap_next` starts at 132.  A freed slot stores the index of the
next free slot (a plain number, as in JS), so the free list is threaded through the freed slots;
`heap_next == len(heap)` means "no free slot: push a new one".  `drop` never frees an index below
132 (the seed report's `idx < 36` is wrong).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .jsvalues import UNDEFINED, JsError

STACK_SLOTS = 128
RESERVED = 132  # first index add() can hand out; 128..131 are the constants


@dataclass(frozen=True)
class HeapSnapshot:
    """A read-only picture of the heap: slot contents (free slots as ('free', next)), the head
    of the free list and the borrow-stack pointer."""

    slots: tuple
    heap_next: int
    stack_pointer: int

    def live(self) -> dict[int, str]:
        """Live objects at or above 132, index -> description."""
        return {i: s for i, s in enumerate(self.slots) if i >= RESERVED and
                not (isinstance(s, tuple) and s and s[0] == "free")}


class Heap:
    """JS-side table of objects the wasm module holds by index."""

    def __init__(self):
        self.slots: list[Any] = [UNDEFINED] * STACK_SLOTS
        self.slots.extend([UNDEFINED, None, True, False])
        self.heap_next = len(self.slots)
        self.stack_pointer = STACK_SLOTS

    def __len__(self) -> int:
        return len(self.slots)

    def get(self, idx: int) -> Any:
        """getObject: out-of-range reads give undefined, as a JS array would."""
        if 0 <= idx < len(self.slots):
            return self.slots[idx]
        return UNDEFINED

    def add(self, obj: Any) -> int:
        """addHeapObject."""
        if self.heap_next == len(self.slots):
            self.slots.append(len(self.slots) + 1)
        idx = self.heap_next
        self.heap_next = self.slots[idx]
        self.slots[idx] = obj
        return idx

    def drop(self, idx: int) -> None:
        """dropObject: indices below 132 are never freed."""
        if idx < RESERVED:
            return
        if idx >= len(self.slots):
            raise JsError(f"heap index {idx} out of range")
        self.slots[idx] = self.heap_next
        self.heap_next = idx

    def take(self, idx: int) -> Any:
        """takeObject: read then free."""
        value = self.get(idx)
        self.drop(idx)
        return value

    def clone(self, idx: int) -> int:
        """__wbindgen_object_clone_ref: a second slot holding the same object."""
        return self.add(self.get(idx))

    def add_borrowed(self, obj: Any) -> int:
        """addBorrowedObject: push onto the borrow stack below 128."""
        if self.stack_pointer == 1:
            raise JsError("out of js stack")
        self.stack_pointer -= 1
        self.slots[self.stack_pointer] = obj
        return self.stack_pointer

    def pop_borrowed(self) -> None:
        """The `heap[stack_pointer++] = undefined` in the glue's finally blocks."""
        self.slots[self.stack_pointer] = UNDEFINED
        self.stack_pointer += 1

    def free_indices(self) -> list[int]:
        """The free list in order, walked from heap_next."""
        out, seen, idx = [], set(), self.heap_next
        while idx < len(self.slots) and idx not in seen:
            seen.add(idx)
            out.append(idx)
            nxt = self.slots[idx]
            if not isinstance(nxt, int) or isinstance(nxt, bool):
                break
            idx = nxt
        return out

    def snapshot(self, describe=repr) -> HeapSnapshot:
        """Immutable copy for tests/debugging; `describe` renders each live value."""
        free = set(self.free_indices())
        slots = tuple(("free", self.slots[i]) if i in free else describe(self.slots[i])
                      for i in range(len(self.slots)))
        return HeapSnapshot(slots, self.heap_next, self.stack_pointer)
