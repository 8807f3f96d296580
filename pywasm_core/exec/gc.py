"""GC instruction semantics (WebAssembly 3.0), shared by both tiers and constant expressions.

`semantics(op, imm, ctx)` turns one GC instruction (struct.*, array.*, i31, casts, ref.eq, the
extern/any conversions) into a tier-neutral description, built once at lowering/translation:
- `("fn", n, fn)`: a function of the top `n` operands (deepest first) returning the one result;
  it may raise a Trap.  The interpreter runs it as NUM1/NUM2/NUM3, the fast tier as a call;
- `("misc", handler, arg, pops, pushes)`: `handler(S, inst, arg)` on an operand list, as the
  interpreter's MISC op (used where instance data or several results/no result are involved);
- `("branch", test, on_success)`: br_on_cast (branch when `test(ref)`) / br_on_cast_fail
  (branch when not); the reference stays on the stack either way.
Type identity is the engine-wide canonical id (runtime/rtt.py); casts to a defined type check
`target in registry.ancestors[value.rtt]`, so declared subtyping and iso-recursive equivalence
across modules hold.  Values are those of runtime/gc.py.
"""

from __future__ import annotations

import struct as _struct

from ..errors import Trap, TrapCode
from ..opcodes import Op
from ..runtime.gc import (Array, Struct, any_convert_extern, extern_convert_any, i31_get_s,
                          i31_get_u, new_array_length, ref_eq, ref_i31)
from ..types import ArrayType, StructType

_NULL = TrapCode.NULL_REFERENCE
_OOB = TrapCode.ARRAY_OUT_OF_BOUNDS
M32 = 0xFFFF_FFFF

GC_OPS = frozenset(getattr(Op, name) for name in (
    "STRUCT_NEW", "STRUCT_NEW_DEFAULT", "STRUCT_GET", "STRUCT_GET_S", "STRUCT_GET_U",
    "STRUCT_SET", "ARRAY_NEW", "ARRAY_NEW_DEFAULT", "ARRAY_NEW_FIXED", "ARRAY_NEW_DATA",
    "ARRAY_NEW_ELEM", "ARRAY_GET", "ARRAY_GET_S", "ARRAY_GET_U", "ARRAY_SET", "ARRAY_LEN",
    "ARRAY_FILL", "ARRAY_COPY", "ARRAY_INIT_DATA", "ARRAY_INIT_ELEM", "REF_TEST", "REF_CAST",
    "BR_ON_CAST", "BR_ON_CAST_FAIL", "REF_EQ", "ANY_CONVERT_EXTERN", "EXTERN_CONVERT_ANY",
    "REF_I31", "I31_GET_S", "I31_GET_U") if hasattr(Op, name))


class Context:
    """What GC instructions need from their module: types, canonical ids, the registry."""

    __slots__ = ("types", "canon", "reg")

    def __init__(self, syntax, canon, reg):
        self.types = syntax.types
        self.canon = canon
        self.reg = reg


def context_of(module) -> Context:
    """The Context of a compiled `Module` (cached on it)."""
    ctx = module.__dict__.get("_gc_context")
    if ctx is None:
        from ..runtime.rtt import registry
        ctx = module._gc_context = Context(module.syntax, module._canon, registry(module.engine))
    return ctx


# ---- storage types ----

def _mask(storage) -> int | None:
    return 0xFF if storage == "i8" else 0xFFFF if storage == "i16" else None


def _default(storage):
    from ..values import default_value
    return 0 if isinstance(storage, str) else default_value(storage)


def _size(storage) -> int:
    if isinstance(storage, str):
        return 1 if storage == "i8" else 2
    return {"i32": 4, "f32": 4, "i64": 8, "f64": 8, "v128": 16}[storage.name]


def _data_reader(storage):
    """(data bytes, offset, count) -> list of element values read little-endian."""
    if storage == "i8":
        return lambda data, s, n: list(data[s:s + n])
    name = storage if isinstance(storage, str) else storage.name
    if name == "v128":
        return lambda data, s, n: [int.from_bytes(data[s + 16 * k:s + 16 * k + 16], "little")
                                   for k in range(n)]
    if name == "f32":
        from ..numerics.floats import f32_from_bits
        return lambda data, s, n: [f32_from_bits(b)
                                   for b in _struct.unpack_from(f"<{n}I", data, s)]
    code = {"i16": "H", "i32": "I", "i64": "Q", "f64": "d"}[name]
    return lambda data, s, n: list(_struct.unpack_from(f"<{n}{code}", data, s))


def _null(what: str):
    return Trap(_NULL, f"null {what} reference")


# ---- casts ----

def make_test(rt, ctx: Context):
    """`v -> bool`: whether reference `v` is a value of reference type `rt`."""
    from ..runtime.func import Func
    heap = rt.heap
    if isinstance(heap, int):
        target = ctx.canon[heap]
        anc = ctx.reg.ancestors
        composite = ctx.types[heap]
        if isinstance(composite, StructType):
            def check(v):
                return type(v) is Struct and target in anc[v.rtt]
        elif isinstance(composite, ArrayType):
            def check(v):
                return type(v) is Array and target in anc[v.rtt]
        else:
            from ..runtime.rtt import func_canon
            reg = ctx.reg

            def check(v):
                return type(v) is Func and target in anc[func_canon(v, reg)]
    elif heap in ("any", "func", "extern", "exn"):
        def check(v):
            return True
    elif heap == "eq":
        def check(v):
            t = type(v)
            return t is int or t is Struct or t is Array
    elif heap == "i31":
        def check(v):
            return type(v) is int
    elif heap == "struct":
        def check(v):
            return type(v) is Struct
    elif heap == "array":
        def check(v):
            return type(v) is Array
    else:                                   # none, nofunc, noextern, noexn: only null
        def check(v):
            return False
    if rt.nullable:
        return lambda v: v is None or check(v)
    return lambda v: v is not None and check(v)


# ---- the instructions ----

def semantics(op, imm, ctx: Context):
    """The description of one GC instruction (see the module docstring)."""
    types = ctx.types
    if op == Op.REF_EQ:
        return ("fn", 2, ref_eq)
    if op == Op.REF_I31:
        return ("fn", 1, ref_i31)
    if op == Op.I31_GET_S:
        return ("fn", 1, i31_get_s)
    if op == Op.I31_GET_U:
        return ("fn", 1, i31_get_u)
    if op == Op.ANY_CONVERT_EXTERN:
        return ("fn", 1, any_convert_extern)
    if op == Op.EXTERN_CONVERT_ANY:
        return ("fn", 1, extern_convert_any)
    if op == Op.REF_TEST:
        test = make_test(imm[0], ctx)
        return ("fn", 1, lambda v: 1 if test(v) else 0)
    if op == Op.REF_CAST:
        test = make_test(imm[0], ctx)

        def cast(v):
            if test(v):
                return v
            raise Trap(TrapCode.CAST_FAILURE)
        return ("fn", 1, cast)
    if op == Op.BR_ON_CAST or op == Op.BR_ON_CAST_FAIL:
        return ("branch", make_test(imm[2], ctx), op == Op.BR_ON_CAST)
    if op == Op.ARRAY_LEN:
        def array_len(a):
            if a is None:
                raise _null("array")
            return len(a.elems)
        return ("fn", 1, array_len)
    x = imm[0]
    rtt = ctx.canon[x]
    composite = types[x]
    if isinstance(composite, StructType):
        return _struct_op(op, imm, rtt, composite)
    if isinstance(composite, ArrayType):
        return _array_op(op, imm, rtt, composite, ctx)
    raise AssertionError(f"GC instruction {op:#x} on {type(composite).__name__}")


def _struct_op(op, imm, rtt, composite: StructType):
    fields = composite.fields
    if op == Op.STRUCT_NEW:
        packed = tuple((i, _mask(f.storage)) for i, f in enumerate(fields) if f.is_packed)
        return ("misc", _struct_new, (rtt, len(fields), packed), len(fields), 1)
    if op == Op.STRUCT_NEW_DEFAULT:
        defaults = tuple(_default(f.storage) for f in fields)
        return ("misc", _struct_new_default, (rtt, defaults), 0, 1)
    i = imm[1]
    storage = fields[i].storage
    if op == Op.STRUCT_SET:
        return ("misc", _struct_set, (i, _mask(storage)), 2, 0)
    if op == Op.STRUCT_GET_S:
        sb = 0x80 if storage == "i8" else 0x8000

        def get_s(s):
            if s is None:
                raise _null("structure")
            return ((s.fields[i] ^ sb) - sb) & M32
        return ("fn", 1, get_s)

    def get(s):
        if s is None:
            raise _null("structure")
        return s.fields[i]
    return ("fn", 1, get)


def _struct_new(S, inst, arg):
    rtt, n, packed = arg
    if n:
        values = S[-n:]
        del S[-n:]
        for i, mask in packed:
            values[i] &= mask
    else:
        values = []
    S.append(Struct(rtt, values))


def _struct_new_default(S, inst, arg):
    S.append(Struct(arg[0], list(arg[1])))


def _struct_set(S, inst, arg):
    v = S.pop()
    s = S.pop()
    if s is None:
        raise _null("structure")
    i, mask = arg
    s.fields[i] = v if mask is None else v & mask


def _array_op(op, imm, rtt, composite: ArrayType, ctx: Context):
    storage = composite.field.storage
    mask = _mask(storage)
    if op == Op.ARRAY_NEW:
        if mask is None:
            def new(v, n):
                return Array(rtt, [v] * new_array_length(n))
        else:
            def new(v, n):
                return Array(rtt, [v & mask] * new_array_length(n))
        return ("fn", 2, new)
    if op == Op.ARRAY_NEW_DEFAULT:
        zero = _default(storage)
        return ("fn", 1, lambda n: Array(rtt, [zero] * new_array_length(n)))
    if op == Op.ARRAY_NEW_FIXED:
        n = imm[1]
        return ("misc", _array_new_fixed, (rtt, n, mask), n, 1)
    if op == Op.ARRAY_NEW_DATA:
        return ("misc", _array_new_data, (rtt, imm[1], _size(storage), _data_reader(storage)),
                2, 1)
    if op == Op.ARRAY_NEW_ELEM:
        return ("misc", _array_new_elem, (rtt, imm[1]), 2, 1)
    if op == Op.ARRAY_SET:
        return ("misc", _array_set, mask, 3, 0)
    if op == Op.ARRAY_FILL:
        return ("misc", _array_fill, mask, 4, 0)
    if op == Op.ARRAY_COPY:
        return ("misc", _array_copy, None, 5, 0)
    if op == Op.ARRAY_INIT_DATA:
        return ("misc", _array_init_data, (imm[1], _size(storage), _data_reader(storage)), 4, 0)
    if op == Op.ARRAY_INIT_ELEM:
        return ("misc", _array_init_elem, imm[1], 4, 0)
    if op == Op.ARRAY_GET_S:
        sb = 0x80 if storage == "i8" else 0x8000

        def get_s(a, i):
            if a is None:
                raise _null("array")
            e = a.elems
            if i >= len(e):
                raise Trap(_OOB)
            return ((e[i] ^ sb) - sb) & M32
        return ("fn", 2, get_s)
    if op in (Op.ARRAY_GET, Op.ARRAY_GET_U):
        def get(a, i):
            if a is None:
                raise _null("array")
            e = a.elems
            if i >= len(e):
                raise Trap(_OOB)
            return e[i]
        return ("fn", 2, get)
    raise AssertionError(f"array instruction {op:#x}")


def _array_new_fixed(S, inst, arg):
    rtt, n, mask = arg
    if n:
        values = S[-n:]
        del S[-n:]
        if mask is not None:
            values = [v & mask for v in values]
    else:
        values = []
    S.append(Array(rtt, values))


def _array_new_data(S, inst, arg):
    rtt, d, size, read = arg
    n = S.pop()
    s = S.pop()
    data = inst.datas[d]
    if s + n * size > len(data):
        raise Trap(TrapCode.MEMORY_OUT_OF_BOUNDS)
    new_array_length(n)
    S.append(Array(rtt, read(data, s, n)))


def _array_new_elem(S, inst, arg):
    rtt, e = arg
    n = S.pop()
    s = S.pop()
    refs = inst.elems[e]
    if s + n > len(refs):
        raise Trap(TrapCode.TABLE_OUT_OF_BOUNDS)
    new_array_length(n)
    S.append(Array(rtt, refs[s:s + n]))


def _array_set(S, inst, mask):
    v = S.pop()
    i = S.pop()
    a = S.pop()
    if a is None:
        raise _null("array")
    e = a.elems
    if i >= len(e):
        raise Trap(_OOB)
    e[i] = v if mask is None else v & mask


def _array_fill(S, inst, mask):
    n = S.pop()
    v = S.pop()
    d = S.pop()
    a = S.pop()
    if a is None:
        raise _null("array")
    e = a.elems
    if d + n > len(e):
        raise Trap(_OOB)
    if n:
        e[d:d + n] = [v if mask is None else v & mask] * n


def _array_copy(S, inst, arg):
    n = S.pop()
    s = S.pop()
    src = S.pop()
    d = S.pop()
    dst = S.pop()
    if dst is None or src is None:
        raise _null("array")
    de, se = dst.elems, src.elems
    if d + n > len(de) or s + n > len(se):
        raise Trap(_OOB)
    if n:
        de[d:d + n] = se[s:s + n]      # the slice is a copy: overlapping ranges are fine


def _array_init_data(S, inst, arg):
    dataidx, size, read = arg
    n = S.pop()
    s = S.pop()
    d = S.pop()
    a = S.pop()
    if a is None:
        raise _null("array")
    e = a.elems
    if d + n > len(e):
        raise Trap(_OOB)
    data = inst.datas[dataidx]
    if s + n * size > len(data):
        raise Trap(TrapCode.MEMORY_OUT_OF_BOUNDS)
    if n:
        e[d:d + n] = read(data, s, n)


def _array_init_elem(S, inst, elemidx):
    n = S.pop()
    s = S.pop()
    d = S.pop()
    a = S.pop()
    if a is None:
        raise _null("array")
    e = a.elems
    if d + n > len(e):
        raise Trap(_OOB)
    refs = inst.elems[elemidx]
    if s + n > len(refs):
        raise Trap(TrapCode.TABLE_OUT_OF_BOUNDS)
    if n:
        e[d:d + n] = refs[s:s + n]


# ---- constant expressions ----

def eval_const_gc(op, imm, stack: list, instance) -> None:
    """Run a GC instruction allowed in constant expressions on `stack` (instantiation)."""
    kind = semantics(op, imm, context_of(instance.module))
    if kind[0] == "fn":
        n = kind[1]
        args = stack[len(stack) - n:]
        del stack[len(stack) - n:]
        stack.append(kind[2](*args))
    elif kind[0] == "misc":
        kind[1](stack, instance, kind[2])
    else:
        raise AssertionError("branch in a constant expression")


__all__ = ["GC_OPS", "Context", "context_of", "make_test", "semantics", "eval_const_gc"]



def check_defined_ref(ty, value, module) -> None:
    """The embedding API writes `value` into a table or global of type `ty` defined by
    `module`: when `ty` names a defined type, the value must be of that type (a struct of an
    unrelated type would break the invariants of the code reading it)."""
    if value is None or module is None or not isinstance(getattr(ty, "heap", None), int):
        return
    if not make_test(ty, context_of(module))(value):
        raise TypeError(f"expected a value of type {ty}, got {type(value).__name__}")
