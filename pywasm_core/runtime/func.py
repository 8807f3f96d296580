"""Function instances: wasm functions (code of a module instance) and host functions (Python
callables).  A `Func` is also the funcref value the engine stores in tables and on the stack."""

from __future__ import annotations

from ..types import F64, I32, I64, FuncType
from ..values import to_api, to_internal

_M32 = 0xFFFFFFFF
_M64 = 0xFFFFFFFFFFFFFFFF


def _in_i32(v):
    if type(v) is int and -0x80000000 <= v <= _M32:
        return v & _M32
    return to_internal(I32, v)        # bools, Vals, out-of-range: the checks and their errors


def _in_i64(v):
    if type(v) is int and -0x8000000000000000 <= v <= _M64:
        return v & _M64
    return to_internal(I64, v)


def _in_f64(v):
    return v if type(v) is float else to_internal(F64, v)


def _out_i32(v):
    return v - 0x1_0000_0000 if v & 0x8000_0000 else v


def _out_i64(v):
    return v - 0x1_0000_0000_0000_0000 if v & 0x8000_0000_0000_0000 else v


def _converter(table, fallback, ty):
    for known, fn in table:
        if ty is known:
            return fn

    def fn(v, ty=ty):
        return fallback(ty, v)
    return fn


_IN = ((I32, _in_i32), (I64, _in_i64), (F64, _in_f64))
_OUT = ((I32, _out_i32), (I64, _out_i64))
_CONV: dict = {}


def _conversions(ty: FuncType):
    """Per function type: (API -> engine converters of the parameters, engine -> API converters
    of the results) for calls from Python, and the reverse pair (params to the API, results from
    it) for host functions called from wasm; built once, both are on every call's path."""
    try:
        conv = _CONV.get(ty)
    except TypeError:                 # an unhashable type: convert without the shared cache
        conv = None
    if conv is None:
        ins = tuple(_converter(_IN, to_internal, t) for t in ty.params)
        outs = tuple(_converter(_OUT, to_api, t) for t in ty.results)
        to_host = tuple(_converter(_OUT, to_api, t) for t in ty.params)
        from_host = tuple(_converter(_IN, to_internal, t) for t in ty.results)
        # parameters of a defined reference type `(ref null? $t)`: checked against the callee's
        # module on calls from Python (the index means nothing without it)
        defined = tuple(i for i, t in enumerate(ty.params)
                        if isinstance(getattr(t, "heap", None), int))
        conv = (ins, outs, to_host, from_host, defined)
        try:
            _CONV[ty] = conv
        except TypeError:
            pass
    return conv


_invoke = None


def _wasm_invoke():
    """exec.interp.invoke, imported on first use (exec imports the runtime)."""
    global _invoke
    from ..exec.interp import invoke
    _invoke = invoke
    return invoke


class Func:
    __slots__ = ("store", "ftype", "host", "access_caller", "instance", "index", "defn", "code",
                 "module", "defined_index", "fast", "canon", "conv", "__weakref__")

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
        self.conv = None          # (param, result) API value converters, made at first call

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
        self.conv = None
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
        conv = self.conv
        if conv is None:
            conv = self.conv = _conversions(self.ftype)
        to_host, from_host = conv[2], conv[3]
        params = [c(v) for c, v in zip(to_host, args)]
        if self.access_caller:
            result = self.host(Caller(caller_instance), *params)
        else:
            result = self.host(*params)
        n = len(from_host)
        if not n:
            if result is not None:
                raise TypeError(f"host function {self.name!r} returned a value but has no results")
            return []
        if n == 1:
            if isinstance(result, (tuple, list)) and len(result) == 1:
                result = result[0]
            return [from_host[0](result)]
        if not isinstance(result, (tuple, list)) or len(result) != n:
            raise TypeError(f"host function {self.name!r} must return {n} values")
        return [c(v) for c, v in zip(from_host, result)]

    def __call__(self, store, *params):
        """Call with API values; returns None, one value, or a list for several results."""
        conv = self.conv
        if conv is None:
            conv = self.conv = _conversions(self.ftype)
        ins, outs = conv[0], conv[1]
        if len(params) != len(ins):
            raise TypeError(f"expected {len(ins)} arguments, got {len(params)}")
        args = [c(v) for c, v in zip(ins, params)]
        if conv[4] and self.module is not None:
            from ..exec.gc import check_defined_ref
            for i in conv[4]:
                check_defined_ref(self.ftype.params[i], args[i], self.module)
        if self.host is not None:
            results = self.call_host(args, None)
        else:
            results = (_invoke or _wasm_invoke())(self.store, self, args)
        if not results:
            return None
        if len(results) == 1:
            return outs[0](results[0])
        return [c(v) for c, v in zip(outs, results)]

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
