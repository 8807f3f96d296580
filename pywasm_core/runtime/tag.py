"""Tag instances (WebAssembly 3.0 exception handling).

A tag is identified by its instance, not its type: two `(tag)` definitions with the same
signature are different tags, every instantiation makes new ones, and an imported tag is the
exporter's object itself, so `catch $t` matches by identity (`exn.tag is tag`).  A `Tag` is
also the extern the embedding API passes around (wasmtime-py's `Tag(store, TagType(functype))`).
"""

from __future__ import annotations

from ..types import FuncType, TagType


class Tag:
    __slots__ = ("store", "ftype", "module", "canon", "__weakref__")

    def __init__(self, store, ty: TagType):
        """A host-defined tag whose exceptions carry values of `ty.functype.params`."""
        if not isinstance(ty, TagType) or not isinstance(ty.functype, FuncType):
            raise TypeError("expected a TagType(FuncType(...))")
        if ty.functype.results:
            raise TypeError("a tag's function type must have no results")
        self.store = store
        self.ftype = ty.functype
        self.module = None        # the defining Module (resolves type indices in `ftype`)
        self.canon = None         # canonical type id (runtime/rtt.py), computed at first need

    @classmethod
    def _defined(cls, store, module, type_index: int) -> "Tag":
        """The tag instance of a module's own `(tag (type x))`."""
        self = object.__new__(cls)
        self.store = store
        self.ftype = module.syntax.types[type_index]
        self.module = module
        self.canon = module._canon[type_index]
        return self

    def type(self, store=None) -> TagType:
        return TagType(functype=self.ftype)

    def eq(self, store, other: "Tag") -> bool:
        """Whether `other` is the same tag (wasmtime-py's `Tag.eq`): identity, not type."""
        return self is other

    def _canon_id(self, reg) -> int:
        """Canonical type id of the tag's function type, for import matching."""
        if self.canon is None:
            self.canon = reg.func_type(self.ftype)
        return self.canon

    def __repr__(self) -> str:
        return f"<Tag {self.ftype} at {id(self):#x}>"
