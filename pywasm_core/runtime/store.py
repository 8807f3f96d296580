"""The Store: owns fuel, resource limits, user data and the call depth shared by nested calls."""

from __future__ import annotations

from ..engine import Engine
from ..errors import WasmError


class Store:
    """Everything instantiated in a store lives as long as the store (wasmtime-py semantics)."""

    def __init__(self, engine: Engine | None = None, data: object = None):
        if engine is None:
            engine = Engine()
        if not isinstance(engine, Engine):
            raise TypeError(f"expected an Engine, got {type(engine).__name__}")
        self.engine = engine
        self._data = data
        # Fuel: None means unmetered (the interpreter runs its fuel-free loop).
        self._fuel: int | None = 0 if engine.config.consume_fuel else None
        # Wasm frames active across nested host -> wasm calls, for the call depth limit.
        self._depth = 0
        # Fast tier (exec/fast.py): the wasm depth at which the current fast call's Python budget
        # ends; a compiled function with budget d runs at wasm depth `_fast_top - d + 1`.
        self._fast_top = 0
        self.limit_memory_size = -1
        self.limit_table_elements = -1
        self.limit_instances = -1
        self.limit_tables = -1
        self.limit_memories = -1
        self._instances = 0
        self._tables = 0
        self._memories = 0

    def data(self) -> object:
        return self._data

    def set_fuel(self, fuel: int) -> None:
        """Meter execution from now on: one unit per executed wasm instruction
        (see exec/interp.py)."""
        if isinstance(fuel, bool) or not isinstance(fuel, int) or fuel < 0:
            raise WasmError(f"fuel must be a non-negative int, got {fuel!r}")
        self._fuel = fuel

    def get_fuel(self) -> int:
        if self._fuel is None:
            raise WasmError("fuel is not configured in this store (call set_fuel first)")
        return self._fuel

    def set_limits(self, memory_size: int = -1, table_elements: int = -1, instances: int = -1,
                   tables: int = -1, memories: int = -1) -> None:
        """Cap growth (memory in bytes, table elements) and counts; -1 means unlimited."""
        self.limit_memory_size = memory_size
        self.limit_table_elements = table_elements
        self.limit_instances = instances
        self.limit_tables = tables
        self.limit_memories = memories

    def gc(self) -> None:
        """Nothing to collect beyond Python's own GC (API compatibility)."""

    # Accounting used by instantiation and the runtime object constructors.
    def _count(self, kind: str) -> None:
        limit = getattr(self, f"limit_{kind}")
        used = getattr(self, f"_{kind}")
        if limit >= 0 and used + 1 > limit:
            raise WasmError(f"resource limit exceeded: store allows at most {limit} {kind}")
        setattr(self, f"_{kind}", used + 1)
