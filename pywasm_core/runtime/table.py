"""Tables: a Python list of references (a `Func` or None for funcref, any object for externref).

A list of 2**32 references would need 32 GiB, so unless the store sets its own `table_elements`
limit, a table holds at most DEFAULT_MAX_ELEMENTS (2**24) elements: table.grow past that returns
-1, which the spec allows ("grow may fail"), and a larger minimum fails at creation.
"""

from __future__ import annotations

from ..errors import WasmError
from ..types import MAX_TABLE_SIZE_32, Limits, TableType

DEFAULT_MAX_ELEMENTS = 1 << 24


def _element_limit(store) -> int:
    limit = store.limit_table_elements
    return DEFAULT_MAX_ELEMENTS if limit < 0 else limit


class Table:
    __slots__ = ("store", "ty", "elements", "max_size", "module")

    def __init__(self, store, ty: TableType, init=None, _internal: bool = False):
        if not isinstance(ty, TableType):
            raise TypeError(f"expected a TableType, got {type(ty).__name__}")
        from ..values import to_internal
        limits = ty.limits
        if limits.max is not None and limits.max < limits.min:
            raise WasmError("size minimum must not be greater than maximum")
        if limits.min > _element_limit(store):
            raise WasmError("resource limit exceeded: table minimum is larger than the store limit")
        store._count("tables")
        self.store = store
        self.ty = ty
        self.module = None        # the defining Module: resolves type indices in `ty` (3.0)
        self.max_size = MAX_TABLE_SIZE_32 if limits.max is None else limits.max
        # instantiation passes an engine value (an i31 is an int there): no API conversion
        value = init if _internal else to_internal(ty.element, init)
        try:
            self.elements = [value] * limits.min
        except MemoryError:
            raise WasmError("resource limit exceeded: cannot allocate the table") from None

    def grow_elems(self, delta: int, value) -> int:
        """table.grow: the old size, or -1 (nothing allocated) past the max or a store limit."""
        elements = self.elements
        old = len(elements)
        new = old + delta
        if delta < 0 or new > self.max_size:
            return -1
        if new > _element_limit(self.store):
            return -1
        try:
            elements.extend([value] * delta)
        except MemoryError:
            return -1
        return old

    # ---- public API ----
    def type(self, store=None) -> TableType:
        limits = Limits(len(self.elements), self.ty.limits.max)
        return TableType(self.ty.element, limits, self.ty.is_64)

    def size(self, store=None) -> int:
        return len(self.elements)

    def get(self, store, index: int):
        if not 0 <= index < len(self.elements):
            return None
        from ..values import to_api
        return to_api(self.ty.element, self.elements[index])

    def set(self, store, index: int, value) -> None:
        from ..exec.gc import check_defined_ref
        from ..values import to_internal
        value = to_internal(self.ty.element, value)
        check_defined_ref(self.ty.element, value, self.module)
        if not 0 <= index < len(self.elements):
            raise WasmError(f"table index {index} out of bounds")
        self.elements[index] = value

    def grow(self, store, delta: int, init=None) -> int:
        from ..values import to_internal
        if isinstance(delta, bool) or not isinstance(delta, int) or delta < 0:
            raise WasmError(f"table.grow delta must be a non-negative int, got {delta!r}")
        from ..exec.gc import check_defined_ref
        init = to_internal(self.ty.element, init)
        check_defined_ref(self.ty.element, init, self.module)
        old = self.grow_elems(delta, init)
        if old < 0:
            raise WasmError(f"failed to grow table by {delta} elements")
        return old

    def __repr__(self) -> str:
        return f"<Table {self.ty.element} x{len(self.elements)}>"
