"""Instantiation (spec 4.5.4, WebAssembly 2.0): match imports, allocate the instance, initialise
globals from constant expressions, apply element segments then data segments in order, run start.

Every failure is a LinkError (imports) or a Trap (segments, start).  A trap while applying segments
keeps the effects already done (imported tables and memories stay modified), as the spec says.
"""

from __future__ import annotations

from ..errors import LinkError, Trap, TrapCode, WasmError
from ..opcodes import Op
from ..types import GlobalType


def instantiate(store, module, imports: list, instance) -> None:
    from ..runtime.func import Func
    from ..runtime.global_ import Global
    from ..runtime.memory import Memory
    from ..runtime.table import Table

    if module.engine is not store.engine:
        raise WasmError("module and store belong to different engines")
    syntax = module.syntax
    _check_imports(module, imports)
    store._count("instances")
    instance._init_fields(store, module)

    funcs, tables, memories, globals_ = (instance.funcs, instance.tables, instance.memories,
                                         instance.globals)
    for imp, ext in zip(syntax.imports, imports):
        by_kind = {"func": funcs, "table": tables, "memory": memories, "global": globals_,
                   "tag": instance.tags}
        by_kind[imp.kind].append(ext)
    if syntax.tags:             # 3.0 exceptions: a new tag instance per defined tag
        from ..runtime.tag import Tag
        instance.tags += [Tag._defined(store, module, t.type_index) for t in syntax.tags]
    first_defined = len(funcs)
    for i, defn in enumerate(syntax.funcs):
        funcs.append(Func._wasm(store, instance, first_defined + i, syntax.types[defn.type_index],
                                defn, module, i))
    # Globals first: a table initialiser (3.0) may read any global (spec order: globals, then
    # tables, memories, element segments); the tables themselves are allocated in index order.
    for g in syntax.globals:
        glob = Global(store, GlobalType(g.type.content, g.type.mutable))
        glob.module = module
        glob.val = eval_const(g.init, instance)
        globals_.append(glob)
    table_inits = syntax.table_inits
    for i, ty in enumerate(syntax.tables):
        init = table_inits[i] if i < len(table_inits) else None
        value = eval_const(init, instance) if init is not None else None
        table = Table(store, ty, value, _internal=True)
        table.module = module
        tables.append(table)
    for ty in syntax.memories:
        memories.append(Memory(store, ty))
    instance.elems = [[eval_const(expr, instance) for expr in elem.init] for elem in syntax.elems]
    instance.datas = [bytes(data.init) for data in syntax.datas]

    spaces = {"func": funcs, "table": tables, "memory": memories, "global": globals_,
              "tag": instance.tags}
    for export in syntax.exports:
        if export.kind not in spaces:
            raise WasmError(f"unsupported export kind {export.kind!r} (WebAssembly 3.0)")
        item = spaces[export.kind][export.index]
        instance.export_names.append(export.name)
        instance.export_items.append(item)
        instance.export_map[export.name] = item

    if store.engine.config.compilation_mode == "eager":
        for f in funcs[first_defined:]:
            f.lower()

    # Element segments, then data segments, in order (2.0: table.init / memory.init semantics,
    # so an out-of-bounds segment traps before writing anything of its own).
    for i, elem in enumerate(syntax.elems):
        if elem.mode == "active":
            offset = eval_const(elem.offset, instance)
            refs = instance.elems[i]
            elements = tables[elem.table].elements
            if offset + len(refs) > len(elements):
                raise Trap(TrapCode.TABLE_OUT_OF_BOUNDS)
            elements[offset:offset + len(refs)] = refs
            instance.elems[i] = []
        elif elem.mode == "declarative":
            instance.elems[i] = []
    for i, data in enumerate(syntax.datas):
        if data.mode == "active":
            offset = eval_const(data.offset, instance)
            init = instance.datas[i]
            M = memories[data.memory].data
            if offset + len(init) > len(M):
                raise Trap(TrapCode.MEMORY_OUT_OF_BOUNDS)
            M[offset:offset + len(init)] = init
            instance.datas[i] = b""

    if syntax.start is not None:
        start = funcs[syntax.start]
        start(store)


def _check_imports(module, imports: list) -> None:
    from ..runtime.func import Func
    from ..runtime.global_ import Global
    from ..runtime.memory import Memory
    from ..runtime.rtt import func_canon, registry
    from ..runtime.table import Table

    syntax = module.syntax
    types = registry(module.engine)

    if len(imports) != len(syntax.imports):
        raise LinkError(f"incompatible import type: expected {len(syntax.imports)} imports, "
                        f"got {len(imports)}")
    for imp, ext in zip(syntax.imports, imports):
        kind = imp.kind
        ok = False
        if kind == "func":
            # the function's type must be (or declare as a supertype) the expected type
            ok = isinstance(ext, Func) and types.is_sub(func_canon(ext, types),
                                                        module._canon[imp.desc])
        elif kind == "table":
            ok = isinstance(ext, Table) and \
                table_element_matches(ext, imp.desc.element, module, types) and \
                ext.ty.is_64 == imp.desc.is_64 and \
                limits_match(len(ext.elements), ext.ty.limits.max, imp.desc.limits)
        elif kind == "memory":
            ok = isinstance(ext, Memory) and ext.ty.is_64 == imp.desc.is_64 and \
                limits_match(len(ext.data) >> 16, ext.ty.limits.max, imp.desc.limits)
        elif kind == "global":
            ok = isinstance(ext, Global) and global_matches(ext, imp.desc, module, types)
        elif kind == "tag":     # 3.0: the same function type (tag types are invariant)
            from ..runtime.tag import Tag
            ok = isinstance(ext, Tag) and \
                ext._canon_id(types) == module._canon[imp.desc.type_index]
        if not ok:
            raise LinkError(f"incompatible import type: expected {describe(imp, syntax)}, "
                            f"got {describe_extern(ext)}", imp.module, imp.name)


def global_matches(ext, expected: GlobalType, module, reg) -> bool:
    """Global import matching: same mutability; an immutable global's type may be a subtype of
    the expected one (3.0: `(ref func)` where `funcref` is expected), a mutable one's must be
    the same type.  Type indices resolve in the module that defined the global."""
    from ..runtime.rtt import value_matches
    actual = ext.ty
    if actual.mutable != expected.mutable:
        return False
    if actual == expected and ext.module is None and not _names_index(actual.content):
        return True
    a, b = actual.content, expected.content
    if not value_matches(a, ext.module, b, module, reg):
        return False
    return not actual.mutable or value_matches(b, module, a, ext.module, reg)


def table_element_matches(ext, expected, module, reg) -> bool:
    """Table import matching: the element types are the same type (tables are mutable), with
    type indices resolved in the defining and the importing module (3.0 GC)."""
    from ..runtime.rtt import value_matches
    actual = ext.ty.element
    if actual == expected and not _names_index(actual) and not _names_index(expected):
        return True
    owner = getattr(ext, "module", None)
    return value_matches(actual, owner, expected, module, reg) and \
        value_matches(expected, module, actual, owner, reg)


def _names_index(t) -> bool:
    from ..types import RefType
    return isinstance(t, RefType) and not isinstance(t.heap, str)


def limits_match(size: int, maximum: int | None, expected) -> bool:
    """Limits subtyping: the actual [size, maximum] must lie within the expected limits."""
    if size < expected.min:
        return False
    if expected.max is None:
        return True
    return maximum is not None and maximum <= expected.max


def describe(imp, syntax) -> str:
    if imp.kind == "func":
        return f"func {syntax.types[imp.desc]}"
    if imp.kind == "tag":
        return f"tag {syntax.types[imp.desc.type_index]}"
    return str(imp.desc)


def describe_extern(ext) -> str:
    from ..runtime.func import Func
    from ..runtime.global_ import Global
    from ..runtime.memory import Memory
    from ..runtime.table import Table
    if isinstance(ext, Func):
        return f"func {ext.ftype}"
    if isinstance(ext, (Table, Memory)):
        return str(ext.type())
    if isinstance(ext, Global):
        return str(ext.ty)
    from ..runtime.tag import Tag
    if isinstance(ext, Tag):
        return f"tag {ext.ftype}"
    return type(ext).__name__


# GC instructions allowed in constant expressions (3.0)
_GC_CONST = frozenset(getattr(Op, name) for name in (
    "STRUCT_NEW", "STRUCT_NEW_DEFAULT", "ARRAY_NEW", "ARRAY_NEW_DEFAULT", "ARRAY_NEW_FIXED",
    "REF_I31", "ANY_CONVERT_EXTERN", "EXTERN_CONVERT_ANY") if hasattr(Op, name))


def eval_const(expr, instance):
    """Evaluate a constant expression (2.0 forms plus the extended-const arithmetic)."""
    from .. import numerics
    stack = []
    for ins in expr:
        op = ins.op
        if op in (Op.I32_CONST, Op.I64_CONST, Op.V128_CONST):
            stack.append(ins.imm[0])
        elif op == Op.F32_CONST:
            stack.append(numerics.floats.f32_from_bits(ins.imm[0]))
        elif op == Op.F64_CONST:
            stack.append(numerics.floats.f64_from_bits(ins.imm[0]))
        elif op == Op.REF_NULL:
            stack.append(None)
        elif op == Op.REF_FUNC:
            stack.append(instance.funcs[ins.imm[0]])
        elif op == Op.GLOBAL_GET:
            stack.append(instance.globals[ins.imm[0]].val)
        elif op == Op.END:
            break
        elif op in _GC_CONST:
            from .gc import eval_const_gc        # struct.new, array.new*, ref.i31, conversions
            eval_const_gc(op, ins.imm, stack, instance)
        else:
            fn = numerics.NUMERIC.get(op)
            if fn is None:      # a GC allocation (struct.new, array.new...) or other 3.0 form
                from ..opcodes import INFO
                info = INFO.get(op)
                raise WasmError(f"unsupported constant instruction "
                                f"{info.name if info else hex(op)} (WebAssembly 3.0)")
            b = stack.pop()
            stack[-1] = fn(stack[-1], b)
    return stack[-1]
