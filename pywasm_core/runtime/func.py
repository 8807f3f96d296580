"""Function instances: wasm functions (code of a module instance) and host functions (Python
callables).  A `Func` is also the funcref value the engine stores in tables and on the stack."""

from __future__ import annotations

from ..types import FuncType


class Func:
    __slots__ = ("store", "ftype", "host", "access_caller", "instance", "index", "defn", "code",
                 "module", "defined_index", "fast", "canon", "__weakref__")

    def __init__(self, store, ty: FuncType, func, access_caller: bool = False):
        """A host function: `func(*params)` (or `func(caller, *params)` with access_caller=True)
        returns None, one value, or a tuple/list for several results."""
        if not isinstance(ty, FuncType):
            raise TypeError(f"expected a FuncType, got {type(ty).__name__}")
        if not callable(func):
            raise TypeError("expected a callable for a host function")
        self.store = store
        self.ftype = ty
        self.host = func
        self.access_caller = access_caller
        self.instance = None
        self.index = None
        self.defn = None
        self.code = None
        self.module = None
        self.defined_index = None
        self.fast = None          # the fast tier's callable (exec/fast.py), made at first use
        self.canon = None         # canonical type id (runtime/rtt.py), computed at first need

    @classmethod
    def _wasm(cls, store, instance, index: int, ty: FuncType, defn, module, defined_index: int):
        self = object.__new__(cls)
        self.store = store
        self.ftype = ty
        self.host = None
        self.access_caller = False
        self.instance = instance
        self.index = index
        self.defn = defn
        self.code = None
        self.module = module
        self.defined_index = defined_index
        self.fast = None
        self.canon = module._canon[defn.type_index]
        return self

    def lower(self):
        """The lowered body (shared by every instance of the module), lowering it on first use."""
        code = self.code
        if code is None:
            code = self.module._lowered(self.defined_index)
            self.code = code
        return code

    @property
    def name(self) -> str | None:
        if self.module is None:
            return getattr(self.host, "__name__", None)
        return self.module.syntax.names.funcs.get(self.index)

    def type(self, store=None) -> FuncType:
        return self.ftype

    def call_host(self, args: list, caller_instance) -> list:
        """Run the host callable on engine values; returns the results as engine values."""
        from ..values import to_api, to_internal
        ty = self.ftype
        params = [to_api(t, v) for t, v in zip(ty.params, args)]
        if self.access_caller:
            result = self.host(Caller(caller_instance), *params)
        else:
            result = self.host(*params)
        results = ty.results
        if not results:
            if result is not None:
                raise TypeError(f"host function {self.name!r} returned a value but has no results")
            return []
        if len(results) == 1:
            if isinstance(result, (tuple, list)) and len(result) == 1:
                result = result[0]
            return [to_internal(results[0], result)]
        if not isinstance(result, (tuple, list)) or len(result) != len(results):
            raise TypeError(f"host function {self.name!r} must return {len(results)} values")
        return [to_internal(t, v) for t, v in zip(results, result)]

    def __call__(self, store, *params):
        """Call with API values; returns None, one value, or a list for several results."""
        from ..values import to_api, to_internal
        ty = self.ftype
        if len(params) != len(ty.params):
            raise TypeError(f"expected {len(ty.params)} arguments, got {len(params)}")
        args = [to_internal(t, v) for t, v in zip(ty.params, params)]
        if self.host is not None:
            results = self.call_host(args, None)
        else:
            from ..exec.interp import invoke
            results = invoke(self.store, self, args)
        if not results:
            return None
        if len(results) == 1:
            return to_api(ty.results[0], results[0])
        return [to_api(t, v) for t, v in zip(ty.results, results)]

    def __repr__(self) -> str:
        kind = "host" if self.host is not None else f"wasm #{self.index}"
        return f"<Func {kind} {self.ftype}>"


class Caller:
    """What a host function defined with access_caller=True receives first: the calling instance's
    exports (`caller.get("memory")`, `caller["memory"]`)."""

    __slots__ = ("_instance",)

    def __init__(self, instance):
        self._instance = instance

    def get(self, name: str):
        if self._instance is None:
            return None
        return self._instance.export_map.get(name)

    def __getitem__(self, name: str):
        item = self.get(name)
        if item is None:
            raise KeyError(name)
        return item
