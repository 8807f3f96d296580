"""Property test: random f64 expressions (where add/sub/mul run inline in the interpreter and NaN
results fall back to numerics) give bit-identical results to wasmtime, NaN payloads included."""

import wasmtime
from hypothesis import given, settings
from hypothesis import strategies as st

from pywasm_core import Engine, Instance, Module, Store

SPECIAL = [0, 0x8000000000000000, 0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000000,
           0xFFF8000000000000, 0x7FF4000000000001, 0xFFF0000000000123, 0x3FF0000000000000,
           0x0000000000000001, 0x7FEFFFFFFFFFFFFF]

leaf = st.one_of(
    st.sampled_from(SPECIAL).map(lambda b: f"(f64.reinterpret_i64 (i64.const {b - 2**64 if b >= 2**63 else b}))"),
    st.floats(allow_nan=False, width=64).map(lambda x: f"(f64.const {x.hex()})"),
    st.integers(0, 1).map(lambda i: f"(local.get {i})"),
)


def compound(children):
    two = st.tuples(children, children)
    return st.one_of(
        st.tuples(st.sampled_from(["f64.add", "f64.sub", "f64.mul"]), two).map(
            lambda t: f"({t[0]} {t[1][0]} {t[1][1]})"),
        st.tuples(st.sampled_from(["f64.gt", "f64.lt", "f64.ge", "f64.le", "f64.eq", "f64.ne"]),
                  two, two).map(
            lambda t: f"(select {t[2][0]} {t[2][1]} ({t[0]} {t[1][0]} {t[1][1]}))"),
        st.tuples(children, st.sampled_from([0, 1])).map(
            lambda t: f"(local.tee {t[1]} {t[0]})"),
    )


exprs = st.recursive(leaf, compound, max_leaves=16)
args = st.sampled_from(SPECIAL) | st.integers(0, 2**64 - 1)


def module_text(body):
    return f"""(module (func (export "f") (param f64 f64) (result i64)
                 (i64.reinterpret_f64 {body})))"""


def to_signed(bits):
    return bits - 2**64 if bits >= 2**63 else bits


@settings(max_examples=150, deadline=None)
@given(exprs, args, args)
def test_f64_expressions_match_wasmtime_bitwise(body, a, b):
    wasm = wasmtime.wat2wasm(module_text(body))
    wstore = wasmtime.Store()
    winst = wasmtime.Instance(wstore, wasmtime.Module(wstore.engine, wasm), [])
    from pywasm_core.numerics.floats import f64_from_bits
    fa, fb = f64_from_bits(a), f64_from_bits(b)
    theirs = winst.exports(wstore)["f"](wstore, fa, fb)
    store = Store(Engine())
    ours = Instance(store, Module(store.engine, wasm), []).exports(store)["f"](store, fa, fb)
    assert ours == theirs
