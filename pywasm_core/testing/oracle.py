"""The differential oracle: run one generated case on pywasm-core and on wasmtime, compare.

Both engines get the same bytes, the same host imports (`strategies.host_function`, the
`env.gi32`/`env.gi64` values), the same store limits and the same call sequence.  After the
instantiation and after every call we record an `Observation`: the outcome (results as exact
integers, or the trap kind, or exhaustion), the whole memory, every global (through the
generated `__state` export, so float bits are exact) and every table's size and null pattern.

Comparison is strict: bit-exact results, memory and globals, including NaN sign and payload,
because pywasm-core aims to be bit-identical to wasmtime on x86-64.  `nan_mode="spec"` relaxes
only the values that are NaN on both sides to "both NaN" (for running against an engine that
is merely spec-conformant); the default campaign never uses it.

A case where either engine runs out of its own fuel is *inconclusive*, not a discrepancy: the two
engines meter fuel differently, and the generated modules' own fuel global already bounds work.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field

from .strategies import (HOST_FUNC_TYPES, STORE_MEMORY_LIMIT, STORE_TABLE_LIMIT, GeneratedCase,
                         engine_features, host_function, normalize_features)

ENGINE_FUEL = 3_000_000          # per call, for both engines (a backstop, see the docstring)
_MASK = {"i32": 0xFFFFFFFF, "i64": 0xFFFFFFFFFFFFFFFF}

# Trap codes that name the same condition (a null funcref in call_indirect).
_TRAP_ALIASES = {"UNINITIALIZED_ELEMENT": "INDIRECT_CALL_TO_NULL"}


def _trap_kind(name: str) -> str:
    return _TRAP_ALIASES.get(name, name)


@dataclass
class Outcome:
    """How one instantiation or call ended."""

    # "ok" | "trap" | "exception" (an uncaught wasm exception) | "exhausted" | "fuel" | "crash"
    # | "rejected"
    kind: str
    values: tuple = ()            # results (unsigned ints) when ok
    detail: str = ""              # trap code name, error text, or traceback

    def key(self) -> tuple:
        if self.kind == "ok":
            return ("ok", self.values)
        if self.kind in ("trap", "exhausted"):
            return (self.kind, self.detail)
        return (self.kind,)

    def __str__(self) -> str:
        if self.kind == "ok":
            return f"ok {list(map(hex, self.values))}"
        return f"{self.kind} {self.detail}".strip()


@dataclass
class Observation:
    outcome: Outcome
    memory: bytes | None = None
    globals_: tuple = ()
    tables: tuple = ()
    more_memories: tuple = ()     # memories 1, 2, ... (multi-memory), like `memory`


@dataclass
class Run:
    """Everything one engine did with a case."""

    engine: str
    observations: list[Observation] = field(default_factory=list)   # [instantiate, call 1, ...]

    @property
    def inconclusive(self) -> bool:
        return any(o.outcome.kind == "fuel" for o in self.observations)


def _unsigned(values, types) -> tuple:
    return tuple(int(v) & _MASK[t] for v, t in zip(values, types))


def _as_list(result, n: int) -> list:
    if n == 0:
        return []
    if n == 1:
        return [result]
    return list(result)


# --- pywasm-core --------------------------------------------------------------------------------

def memory_imports(case: GeneratedCase) -> list[tuple]:
    """(name, min, max, is_64) of every imported memory, in import order."""
    if getattr(case, "memory_imports", ()):
        return [tuple(m) for m in case.memory_imports]
    if getattr(case, "import_memory", None):
        return [("memory", case.import_memory[0], case.import_memory[1], False)]
    return []


def memory_export_names(n: int) -> list[str]:
    return ["memory"] + [f"memory{x}" for x in range(1, n)]


def pywasm_imports(store, case: GeneratedCase) -> tuple[list, object, object]:
    """The imports of a generated module in order, plus the host memories (a list, or None when
    there are none) and table (or None)."""
    import pywasm_core as api
    from ..types import FUNCREF, GlobalType, I32, I64, Limits, MemoryType, TableType

    imports = [api.Func(store, ftype, host_function(i)) for i, ftype in enumerate(HOST_FUNC_TYPES)]
    imports.append(api.Global(store, GlobalType(I32, False), case.host_globals[0]))
    imports.append(api.Global(store, GlobalType(I64, False), case.host_globals[1]))
    memory = table = None
    for _, lo, hi, is64 in memory_imports(case):
        mem = api.Memory(store, MemoryType(Limits(lo, hi), is_64=bool(is64)))
        memory = (memory or []) + [mem]
        imports.append(mem)
    if getattr(case, "import_table", None):
        table = api.Table(store, TableType(FUNCREF, Limits(*case.import_table)), None)
        imports.append(table)
    if getattr(case, "tag_import", None) is not None:
        from ..types import FuncType, TagType, VALTYPE_BY_NAME
        payload = FuncType([VALTYPE_BY_NAME[t] for t in case.tag_import], [])
        imports.append(api.Tag(store, TagType(payload)))
    return imports, memory, table


def run_pywasm(case: GeneratedCase, wasm: bytes | None = None) -> Run:
    """Run the case on pywasm-core through its public API."""
    import pywasm_core as api
    from ..errors import Exhausted, Trap, TrapCode, WasmError

    run = Run("pywasm-core")
    engine = api.Engine(api.Config(compilation_mode=getattr(case, "compilation_mode", "lazy"),
                                   features=engine_features(getattr(case, "features", ())),
                                   tier=getattr(case, "tier", None)))
    store = api.Store(engine)
    metered = getattr(case, "metered", True)

    def refuel() -> None:
        # Unmetered runs use the interpreter's fuel-free loop; the module's fuel global still
        # bounds them.
        if metered:
            store.set_fuel(ENGINE_FUEL)
    store.set_limits(memory_size=STORE_MEMORY_LIMIT, table_elements=STORE_TABLE_LIMIT)

    def outcome_of_error(exc: BaseException) -> Outcome:
        if isinstance(exc, Exhausted):
            if exc.trap_code is TrapCode.OUT_OF_FUEL:
                return Outcome("fuel")
            return Outcome("exhausted", detail="STACK_OVERFLOW"
                           if exc.trap_code is TrapCode.STACK_OVERFLOW else exc.trap_code.name)
        if isinstance(exc, Trap):
            return Outcome("trap", detail=_trap_kind(exc.trap_code.name))
        if type(exc).__name__ == "WasmException":
            # a wasm exception escaped the export; wasmtime-py does not expose the payload,
            # so only the kind is compared (the payload is kept for the report)
            return Outcome("exception", detail=f"payload {list(getattr(exc, 'payload', []))}")
        if isinstance(exc, WasmError):
            return Outcome("rejected", detail=f"{type(exc).__name__}: {exc}")
        return Outcome("crash", detail="".join(traceback.format_exception(exc)))

    host_memory = host_table = None
    try:
        module = api.Module(engine, wasm if wasm is not None else case.wasm)
        imports, host_memory, host_table = pywasm_imports(store, case)
        refuel()
        instance = api.Instance(store, module, imports)
    except Exception as exc:          # noqa: BLE001 - a leaked Python error is itself a finding
        # what a failed instantiation left in the imported memory/table stays observable
        memories = [bytes(m.read(store, 0, m.data_len(store))) for m in host_memory or ()]
        tables = (tuple(host_table.get(store, i) is None for i in range(host_table.size(store))),) \
            if host_table is not None else ()
        run.observations.append(Observation(outcome_of_error(exc),
                                            memories[0] if memories else None, (), tables,
                                            tuple(memories[1:])))
        return run
    exports = instance.exports(store)
    names = [n for n in memory_export_names(8) if n in exports]

    def observe(outcome: Outcome) -> Observation:
        try:
            memories = [bytes(exports[n].read(store, 0, exports[n].data_len(store)))
                        for n in names]
            memory = memories[0] if memories else None
            globals_ = ()
            if "__state" in exports:                # generated modules; absent in hand-written ones
                state = exports["__state"]
                types = [t.name for t in state.type(store).results]
                refuel()
                globals_ = _unsigned(_as_list(state(store), len(types)), types)
            tables = []
            for name in ("t0", "t1"):
                if name in exports:
                    table = exports[name]
                    if name == "t1" and "__t1" in exports:      # read inside wasm (GC cases)
                        refuel()
                        tables.append(tuple(exports["__t1"](store, i) == 1
                                            for i in range(table.size(store))))
                        continue
                    tables.append(tuple(table.get(store, i) is None
                                        for i in range(table.size(store))))
            return Observation(outcome, memory, globals_, tuple(tables), tuple(memories[1:]))
        except Exception as exc:      # noqa: BLE001
            return Observation(Outcome("crash", detail="observing state: " +
                                       "".join(traceback.format_exception(exc))))

    run.observations.append(observe(Outcome("ok")))
    for name, args in case.calls:
        func = exports[name]
        types = [t.name for t in func.type(store).results]
        refuel()
        try:
            result = func(store, *args)
            outcome = Outcome("ok", _unsigned(_as_list(result, len(types)), types))
        except Exception as exc:      # noqa: BLE001
            outcome = outcome_of_error(exc)
        run.observations.append(observe(outcome))
    return run


# --- wasmtime -----------------------------------------------------------------------------------

# wasmtime-py switch of each 3.0 generator feature (see strategies.FEATURES)
WASMTIME_FLAGS = {"tail-call": ("wasm_tail_call",), "multi-memory": ("wasm_multi_memory",),
                  "memory64": ("wasm_memory64",), "function-references": ("wasm_function_references",),
                  "exceptions": ("wasm_exceptions",), "gc": ("wasm_gc", "wasm_function_references"),
                  # relaxed_simd_deterministic stays off: pywasm-core matches wasmtime's native
                  # x86-64 choices (docs/relaxed-simd.md)
                  "relaxed-simd": ("wasm_relaxed_simd",)}
_OFF_FLAGS = ("wasm_threads", "wasm_tail_call", "wasm_multi_memory", "wasm_memory64", "wasm_gc",
              "wasm_function_references", "wasm_exceptions", "wasm_relaxed_simd",
              "wasm_wide_arithmetic", "wasm_custom_page_sizes", "wasm_stack_switching",
              "wasm_component_model")


def wasmtime_config(fuel: bool = True, features=()):
    """wasmtime configured for exactly the WebAssembly 2.0 feature set, plus the 3.0 proposals
    that the generator `features` use (and nothing else)."""
    import wasmtime

    config = wasmtime.Config()
    for flag in ("wasm_simd", "wasm_bulk_memory", "wasm_multi_value", "wasm_reference_types"):
        setattr(config, flag, True)
    wanted = {flag for f in normalize_features(features) for flag in WASMTIME_FLAGS.get(f, ())}
    for flag in _OFF_FLAGS:
        # (write-only properties: hasattr() is False for them, so just try)
        try:
            setattr(config, flag, flag in wanted)
        except Exception:              # noqa: BLE001 - a flag this build does not have
            if flag in wanted:
                raise
    config.consume_fuel = fuel
    return config


_WASMTIME_ENGINES: dict = {}


def wasmtime_engine(features=()):
    """One shared wasmtime Engine per feature set (compiling is the expensive part, engines
    are reusable)."""
    key = normalize_features(features)
    key = tuple(f for f in key if f in WASMTIME_FLAGS)        # SIMD is always on
    if key not in _WASMTIME_ENGINES:
        import atexit

        import wasmtime
        if not _WASMTIME_ENGINES:
            atexit.register(_drop_wasmtime_engine)
        _WASMTIME_ENGINES[key] = wasmtime.Engine(wasmtime_config(features=key))
    return _WASMTIME_ENGINES[key]


def _drop_wasmtime_engine() -> None:
    # Free them while wasmtime's bindings still exist (else __del__ fails at interpreter exit).
    _WASMTIME_ENGINES.clear()
    import gc
    gc.collect()


def _wasmtime_type(ftype):
    import wasmtime
    make = {"i32": wasmtime.ValType.i32, "i64": wasmtime.ValType.i64}
    return wasmtime.FuncType([make[t.name]() for t in ftype.params],
                             [make[t.name]() for t in ftype.results])


def _wasmtime_null(ref) -> bool:
    """wasmtime-py returns a null reference from `Table.get` as None or as a `Val` holding None."""
    import wasmtime
    return ref is None or (isinstance(ref, wasmtime.Val) and ref.value is None)


def run_wasmtime(case: GeneratedCase, wasm: bytes | None = None) -> Run:
    """Run the case on wasmtime (the reference)."""
    import wasmtime

    run = Run("wasmtime")
    engine = wasmtime_engine(getattr(case, "features", ()))
    store = wasmtime.Store(engine)
    store.set_limits(memory_size=STORE_MEMORY_LIMIT, table_elements=STORE_TABLE_LIMIT)

    def outcome_of_error(exc: BaseException) -> Outcome:
        if isinstance(exc, wasmtime.Trap):
            code = exc.trap_code.name if exc.trap_code is not None else "UNKNOWN"
            if code == "OUT_OF_FUEL":
                return Outcome("fuel")
            if code == "STACK_OVERFLOW":
                return Outcome("exhausted", detail="STACK_OVERFLOW")
            if exc.trap_code is None and "thrown Wasm exception" in str(exc):
                return Outcome("exception")
            return Outcome("trap", detail=_trap_kind(code))
        if "thrown Wasm exception" in str(exc):           # from instantiation (start function)
            return Outcome("exception")
        return Outcome("rejected", detail=f"{type(exc).__name__}: {exc}")

    def s32(v: int) -> int:
        return v - (1 << 32) if v >> 31 else v

    def s64(v: int) -> int:
        return v - (1 << 64) if v >> 63 else v

    host_memory = host_table = None
    try:
        module = wasmtime.Module(engine, wasm if wasm is not None else case.wasm)
        imports = [wasmtime.Func(store, _wasmtime_type(ftype), host_function(i))
                   for i, ftype in enumerate(HOST_FUNC_TYPES)]
        imports.append(wasmtime.Global(store, wasmtime.GlobalType(wasmtime.ValType.i32(), False),
                                       wasmtime.Val.i32(s32(case.host_globals[0]))))
        imports.append(wasmtime.Global(store, wasmtime.GlobalType(wasmtime.ValType.i64(), False),
                                       wasmtime.Val.i64(s64(case.host_globals[1]))))
        for _, lo, hi, is64 in memory_imports(case):
            mem = wasmtime.Memory(store, wasmtime.MemoryType(wasmtime.Limits(lo, hi),
                                                             is_64=bool(is64)))
            host_memory = (host_memory or []) + [mem]
            imports.append(mem)
        if getattr(case, "import_table", None):
            host_table = wasmtime.Table(store, wasmtime.TableType(
                wasmtime.ValType.funcref(), wasmtime.Limits(*case.import_table)), None)
            imports.append(host_table)
        if getattr(case, "tag_import", None) is not None:
            make = {"i32": wasmtime.ValType.i32, "i64": wasmtime.ValType.i64}
            imports.append(wasmtime.Tag(store, wasmtime.TagType(wasmtime.FuncType(
                [make[t]() for t in case.tag_import], []))))
        store.set_fuel(ENGINE_FUEL * 10)
        instance = wasmtime.Instance(store, module, imports)
    except Exception as exc:          # noqa: BLE001
        memories = [bytes(m.read(store, 0, m.data_len(store))) for m in host_memory or ()]
        tables = (tuple(_wasmtime_null(host_table.get(store, i))
                        for i in range(host_table.size(store))),) if host_table is not None else ()
        run.observations.append(Observation(outcome_of_error(exc),
                                            memories[0] if memories else None, (), tables,
                                            tuple(memories[1:])))
        return run
    exports = instance.exports(store)
    names = [n for n in memory_export_names(8) if n in exports]

    def observe(outcome: Outcome) -> Observation:
        memories = [bytes(exports[n].read(store, 0, exports[n].data_len(store))) for n in names]
        memory = memories[0] if memories else None
        globals_ = ()
        if "__state" in exports:
            state = exports["__state"]
            types = [str(t) for t in state.type(store).results]
            store.set_fuel(ENGINE_FUEL * 10)
            globals_ = _unsigned(_as_list(state(store), len(types)), types)
        tables = []
        for name in ("t0", "t1"):
            if name in exports:
                table = exports[name]
                if name == "t1" and "__t1" in exports:
                    # wasmtime-py reads an externref wrapping a GC object as None: ask wasm
                    store.set_fuel(ENGINE_FUEL * 10)
                    tables.append(tuple(exports["__t1"](store, i) == 1
                                        for i in range(table.size(store))))
                    continue
                tables.append(tuple(_wasmtime_null(table.get(store, i))
                                    for i in range(table.size(store))))
        return Observation(outcome, memory, globals_, tuple(tables), tuple(memories[1:]))

    run.observations.append(observe(Outcome("ok")))
    for name, args in case.calls:
        func = exports[name]
        ftype = func.type(store)
        types = [str(t) for t in ftype.results]
        signed = [s32(a) if str(t) == "i32" else s64(a) for a, t in zip(args, ftype.params)]
        store.set_fuel(ENGINE_FUEL * 10)
        try:
            result = func(store, *signed)
            outcome = Outcome("ok", _unsigned(_as_list(result, len(types)), types))
        except Exception as exc:      # noqa: BLE001
            outcome = outcome_of_error(exc)
        run.observations.append(observe(outcome))
    return run


# --- comparison ---------------------------------------------------------------------------------

def _is_nan_bits(value: int, bits: int) -> bool:
    if bits == 32:
        return (value >> 23) & 0xFF == 0xFF and value & 0x7FFFFF != 0
    return (value >> 52) & 0x7FF == 0x7FF and value & 0xFFFFFFFFFFFFF != 0


def _first_difference(a: bytes, b: bytes) -> str:
    if len(a) != len(b):
        return f"sizes {len(a)} vs {len(b)} bytes"
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"first difference at byte {i:#x}: {a[i:i + 8].hex()} vs {b[i:i + 8].hex()}"
    return "equal"


def _values_equal(a: tuple, b: tuple, nan_mode: str) -> bool:
    if a == b:
        return True
    if nan_mode != "spec" or len(a) != len(b):
        return False
    # Relaxed: an i32/i64 bit pattern that is a NaN on both sides counts as equal.
    return all(x == y or (_is_nan_bits(x, 32) and _is_nan_bits(y, 32))
               or (_is_nan_bits(x, 64) and _is_nan_bits(y, 64)) for x, y in zip(a, b))


def _known_wasmtime_order(ours: tuple, reference: tuple, case) -> bool:
    """wasmtime 50 checks array.copy's destination bounds before the source's null check, so
    `array.copy` with a null source and an out-of-range destination traps "out of bounds
    array access" there; the spec (and pywasm-core) check both references for null first
    ("null array reference").  Accepted only in modules that contain array.copy (0xFB 0x11)."""
    return ours == ("trap", "NULL_REFERENCE") and reference == ("trap", "ARRAY_OUT_OF_BOUNDS") \
        and case is not None and b"\xfb\x11" in case.wasm


def compare(ours: Run, reference: Run, case: GeneratedCase | None = None,
            nan_mode: str = "strict") -> list[str]:
    """Human-readable discrepancies between two runs (empty when they agree)."""
    problems: list[str] = []
    labels = ["instantiate"] + ([f"call {n}{tuple(map(hex, a))}" for n, a in case.calls]
                                if case is not None else [])
    for i, (a, b) in enumerate(zip(ours.observations, reference.observations)):
        label = labels[i] if i < len(labels) else f"step {i}"
        if a.outcome.kind == "crash":
            problems.append(f"{label}: pywasm-core leaked a Python error:\n{a.outcome.detail}")
            break
        if a.outcome.kind == "fuel" or b.outcome.kind == "fuel":
            break                                   # inconclusive from here on
        ka, kb = a.outcome.key(), b.outcome.key()
        if ka[0] == "ok" and kb[0] == "ok":
            if not _values_equal(ka[1], kb[1], nan_mode):
                problems.append(f"{label}: results {a.outcome} vs {b.outcome}")
        elif ka != kb and not _known_wasmtime_order(ka, kb, case):
            problems.append(f"{label}: {a.outcome} vs {b.outcome}")
        if a.memory != b.memory:
            problems.append(f"{label}: memory differs, "
                            f"{_first_difference(a.memory or b'', b.memory or b'')}")
        if a.more_memories != b.more_memories:
            for x, (ma, mb) in enumerate(zip(a.more_memories, b.more_memories), 1):
                if ma != mb:
                    problems.append(f"{label}: memory {x} differs, {_first_difference(ma, mb)}")
            if len(a.more_memories) != len(b.more_memories):
                problems.append(f"{label}: {1 + len(a.more_memories)} vs "
                                f"{1 + len(b.more_memories)} memories")
        if not _values_equal(a.globals_, b.globals_, nan_mode):
            problems.append(f"{label}: globals {list(map(hex, a.globals_))} vs "
                            f"{list(map(hex, b.globals_))}")
        if a.tables != b.tables:
            problems.append(f"{label}: tables (null pattern) {a.tables} vs {b.tables}")
        if problems:
            break                                   # later steps follow from the first difference
    if not problems and len(ours.observations) != len(reference.observations) \
            and not (ours.inconclusive or reference.inconclusive):
        problems.append(f"step count {len(ours.observations)} vs {len(reference.observations)}: "
                        f"{ours.observations[-1].outcome} vs {reference.observations[-1].outcome}")
    return problems


@dataclass
class CaseResult:
    discrepancies: list[str]
    inconclusive: bool
    ours: Run
    reference: Run

    @property
    def ok(self) -> bool:
        return not self.discrepancies


def check_case(case: GeneratedCase, nan_mode: str = "strict") -> CaseResult:
    """Run a case on both engines and compare."""
    ours = run_pywasm(case)
    reference = run_wasmtime(case)
    problems = compare(ours, reference, case, nan_mode)
    if not problems and ours.observations[0].outcome.kind == "rejected":
        # both engines reject a module the generator meant to be valid: a generator bug
        problems.append(f"generated module rejected by both engines: "
                        f"{ours.observations[0].outcome.detail}")
    return CaseResult(problems, ours.inconclusive or reference.inconclusive, ours, reference)
