"""The `spectest` host module that the official scripts import from.

Its shape is fixed by the testsuite: print functions with no results, four immutable globals holding
666 / 666.6, a funcref table of 10..20 elements and a memory of 1..2 pages.  The builder takes the
embedding API as a parameter, so the same definition serves pywasm-core and wasmtime-py (whose
class names and argument orders we share).
"""

from __future__ import annotations

from types import ModuleType
from typing import Callable, TextIO

PRINT_SIGNATURES = {
    "print": (),
    "print_i32": ("i32",),
    "print_i64": ("i64",),
    "print_f32": ("f32",),
    "print_f64": ("f64",),
    "print_i32_f32": ("i32", "f32"),
    "print_f64_f64": ("f64", "f64"),
}

GLOBALS = {
    "global_i32": ("i32", 666),
    "global_i64": ("i64", 666),
    "global_f32": ("f32", 666.6),
    "global_f64": ("f64", 666.6),
}


def _printer(name: str, out: TextIO | None) -> Callable[..., None]:
    def host_print(*args: object) -> None:
        if out is not None:
            print(f"{name}:", *args, file=out)
    host_print.__name__ = name
    return host_print


def spectest_imports(store: object, api: ModuleType | None = None,
                     out: TextIO | None = None) -> dict[str, object]:
    """The externs of `spectest`, by field name, allocated in `store`.

    `api` is the embedding API module (pywasm_core by default, or wasmtime); the print functions
    write their arguments to `out` when given and are silent otherwise.
    """
    if api is None:
        import pywasm_core as api
    valtype = {name: getattr(api.ValType, name)() for name in ("i32", "i64", "f32", "f64")}
    externs: dict[str, object] = {}
    for name, params in PRINT_SIGNATURES.items():
        func_type = api.FuncType([valtype[p] for p in params], [])
        externs[name] = api.Func(store, func_type, _printer(name, out))
    for name, (type_name, value) in GLOBALS.items():
        externs[name] = api.Global(store, api.GlobalType(valtype[type_name], False), value)
    table_type = api.TableType(api.ValType.funcref(), api.Limits(10, 20))
    externs["table"] = api.Table(store, table_type, None)
    externs["memory"] = api.Memory(store, api.MemoryType(api.Limits(1, 2)))
    # 3.0's spectest adds an i64-indexed table; only for pywasm-core stores with 3.0 features
    # (the 2.0 module keeps its exact shape; wasmtime-py cannot make table64 tables)
    config = getattr(getattr(store, "engine", None), "config", None)
    if api.__name__ == "pywasm_core" and getattr(config, "features", None) is not None \
            and config.features.memory64:
        table64_type = api.TableType(api.ValType.funcref(), api.Limits(10, 20), True)
        externs["table64"] = api.Table(store, table64_type, None)
    return externs
