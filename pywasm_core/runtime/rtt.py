"""Run-time type identities (WebAssembly 3.0): canonical type ids shared by every module of an
engine, so that `call_indirect` and import matching compare types the way the spec does.

Two defined types are the same type when their recursion groups are structurally identical (with
references inside a group taken relative to the group and references outside it by canonical
identity); a function may be used where a type is expected when its own type is that type or
declares it, directly or through a chain, as a supertype.  The key construction is the
validator's (`valid.validate.TypeSystem`); here its group table is shared engine-wide, so the ids
are comparable across modules.  Canonical ids are small ints; `supers[id]` is the id of the
declared supertype (or None).
"""

from __future__ import annotations

from ..types import FuncType, SubType


class TypeRegistry:
    """One per engine: canonical ids of the types of every module compiled with it."""

    def __init__(self):
        self._groups: dict = {}        # TypeSystem group key -> group id (shared by all modules)
        self._ids: dict = {}           # (group id, position) -> canonical id
        self.supers: list = []         # canonical id -> canonical id of its supertype, or None
        self.ancestors: list = []      # canonical id -> frozenset of it and all its supertypes

    def _id(self, canon, super_id) -> int:
        cid = self._ids.get(canon)
        if cid is None:
            cid = self._ids[canon] = len(self.supers)
            self.supers.append(super_id)
            above = self.ancestors[super_id] if super_id is not None else frozenset()
            self.ancestors.append(above | {cid})     # O(1) casts (GC: ref.test, ref.cast)
        return cid

    def module_types(self, syntax) -> list[int]:
        """Canonical id of each type index of a (validated) `syntax.Module`."""
        subtypes = [syntax.subtype(i) for i in range(len(syntax.types))]
        ts = _shared_system(subtypes, self._groups)
        start = 0
        for size in syntax.type_groups():
            ts._add_group(start, size)
            start += size
        ids: list[int] = []
        for i, sub in enumerate(subtypes):
            parent = ids[sub.supertypes[0]] if sub.supertypes and sub.supertypes[0] < i else None
            ids.append(self._id(ts.canon[i], parent))
        return ids

    def func_type(self, ftype: FuncType) -> int:
        """Canonical id of a host function's type: a final function type in a group of its own.
        A host type naming a defined type by index has no module to resolve it in: it is then
        only equal to itself."""
        from ..valid.validate import _Invalid
        ts = _shared_system([SubType(True, (), ftype)], self._groups)
        try:
            ts._add_group(0, 1)
        except _Invalid:                 # a reference to type index N: unresolvable here
            return self._id(("host", id(ftype)), None)
        return self._id(ts.canon[0], None)

    def is_sub(self, a: int, b: int) -> bool:
        """Whether the type with canonical id `a` matches (is, or declares) the type `b`."""
        supers = self.supers
        while a is not None:
            if a == b:
                return True
            a = supers[a]
        return False


def _shared_system(subtypes, groups):
    """A validator TypeSystem over `subtypes` whose group table is `groups` (engine-wide)."""
    from ..valid.validate import TypeSystem
    ts = TypeSystem.__new__(TypeSystem)
    ts.subtypes = subtypes
    ts.canon = []
    ts._groups = groups
    return ts


def registry(engine) -> TypeRegistry:
    reg = engine.__dict__.get("_types")
    if reg is None:
        reg = engine._types = TypeRegistry()
    return reg


def func_canon(func, reg: TypeRegistry) -> int:
    """Canonical type id of a function instance (computed once for host functions)."""
    cid = func.canon
    if cid is None:
        cid = func.canon = reg.func_type(func.ftype)
    return cid


def is_plain(syntax) -> bool:
    """True when the module's types are 2.0-like (every type final, no supertypes, alone in its
    group, no reference to a defined type): then structural equality of function types is the
    canonical equality, which the fast tier relies on."""
    from ..types import RefType
    if any(size != 1 for size in syntax.rec_groups):
        return False
    for sub in syntax.subtypes:
        if not sub.final or sub.supertypes:
            return False
    for t in syntax.types:
        if not isinstance(t, FuncType):
            return False
        for v in (*t.params, *t.results):
            if isinstance(v, RefType) and not isinstance(v.heap, str):
                return False
    return True


def value_matches(a, a_module, b, b_module, reg: TypeRegistry) -> bool:
    """Value type `a` (type indices relative to `a_module`) is a subtype of `b` (relative to
    `b_module`); a module of None leaves indices unresolvable (they then match nothing)."""
    from ..types import RefType
    if a is b and (a_module is b_module or not isinstance(getattr(a, "heap", None), int)):
        return True                   # (a type index means the same only in the same module)
    if not (isinstance(a, RefType) and isinstance(b, RefType)):
        return False
    if a.nullable and not b.nullable:
        return False
    ha, hb = a.heap, b.heap
    from ..valid.validate import _ABSTRACT_SUPERS
    if isinstance(ha, str) and isinstance(hb, str):
        return hb in _ABSTRACT_SUPERS[ha]
    if isinstance(ha, int) and a_module is None or isinstance(hb, int) and b_module is None:
        return False
    if isinstance(hb, str):
        return hb in _ABSTRACT_SUPERS[_kind(a_module.syntax.types[ha])]
    kind_b = _kind(b_module.syntax.types[hb])
    if isinstance(ha, str):
        return (ha == "none" and kind_b != "func") or (ha == "nofunc" and kind_b == "func")
    return reg.is_sub(a_module._canon[ha], b_module._canon[hb])


def _kind(composite) -> str:
    from ..types import ArrayType, StructType
    return "struct" if isinstance(composite, StructType) else \
        "array" if isinstance(composite, ArrayType) else "func"
