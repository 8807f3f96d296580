"""Globals: a typed, possibly mutable cell; `val` holds the engine representation."""

from __future__ import annotations

from ..errors import WasmError
from ..types import GlobalType


class Global:
    __slots__ = ("store", "ty", "val", "module")

    def __init__(self, store, ty: GlobalType, value=None):
        if not isinstance(ty, GlobalType):
            raise TypeError(f"expected a GlobalType, got {type(ty).__name__}")
        from ..values import default_value, to_internal
        self.store = store
        self.ty = ty
        self.module = None        # the defining Module: resolves type indices in `ty` (3.0)
        self.val = default_value(ty.content) if value is None else to_internal(ty.content, value)

    def type(self, store=None) -> GlobalType:
        return self.ty

    def value(self, store=None):
        from ..values import to_api
        return to_api(self.ty.content, self.val)

    def set_value(self, store, value) -> None:
        from ..values import to_internal
        if not self.ty.mutable:
            raise WasmError("cannot set an immutable global")
        value = to_internal(self.ty.content, value)
        from ..exec.gc import check_defined_ref
        check_defined_ref(self.ty.content, value, self.module)     # (ref $t) globals (3.0)
        self.val = value

    def __repr__(self) -> str:
        return f"<Global {self.ty} = {self.val!r}>"
