"""Property test: random structured i32 programs (nested blocks with stack-discarding branches,
br_table, if/else, select, local.tee, bounded loops, calls, multi-value blocks, trapping ops)
give the same result -- or both trap -- in pywasm-core and in wasmtime.  This exercises lowering
(static stack heights, branch resolution, superinstruction fusion) far beyond the unit tests."""

import wasmtime
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pywasm_core import Engine, Instance, Module, Store, Trap

BINOPS = ["i32.add", "i32.sub", "i32.mul", "i32.and", "i32.or", "i32.xor", "i32.shl",
          "i32.shr_u", "i32.shr_s", "i32.rotl", "i32.eq", "i32.ne", "i32.lt_s", "i32.lt_u",
          "i32.gt_s", "i32.gt_u", "i32.le_s", "i32.le_u", "i32.ge_s", "i32.ge_u", "i32.div_u",
          "i32.rem_s"]

BINOPS64 = ["i64.add", "i64.sub", "i64.mul", "i64.and", "i64.or", "i64.xor", "i64.shl",
            "i64.shr_u", "i64.shr_s", "i64.rotl", "i64.div_s"]

leaf = st.one_of(
    st.integers(-2**31, 2**31 - 1).map(lambda v: f"(i32.const {v})"),
    st.sampled_from([-1, 0, 1, 2, 3, 31, 32]).map(lambda v: f"(i32.const {v})"),
    st.integers(0, 3).map(lambda i: f"(local.get {i})"),
)


def compound(children):
    two = st.tuples(children, children)
    three = st.tuples(children, children, children)
    return st.one_of(
        st.tuples(st.sampled_from(BINOPS), two).map(lambda t: f"({t[0]} {t[1][0]} {t[1][1]})"),
        children.map(lambda e: f"(i32.eqz {e})"),
        st.tuples(st.sampled_from(BINOPS64), two).map(
            lambda t: f"(i32.wrap_i64 ({t[0]} (i64.extend_i32_u {t[1][0]}) "
                      f"(i64.extend_i32_s {t[1][1]})))"),
        st.tuples(children, st.integers(0, 70), st.integers(-2**63, 2**63 - 1)).map(
            lambda t: f"(i32.wrap_i64 (i64.shr_u (i64.mul (i64.extend_i32_u {t[0]}) "
                      f"(i64.const {t[2]})) (i64.const {t[1]})))"),
        st.tuples(children, st.integers(0, 40), st.sampled_from(["shl", "shr_u", "and", "rotl"])).map(
            lambda t: f"(i32.{t[2]} {t[0]} (i32.const {t[1]}))"),
        three.map(lambda t: f"(select {t[0]} {t[1]} {t[2]})"),
        three.map(lambda t: f"(if (result i32) {t[0]} (then {t[1]}) (else {t[2]}))"),
        st.tuples(st.sampled_from([0, 1, 3]), children).map(
            lambda t: f"(local.tee {t[0]} {t[1]})"),
        three.map(lambda t: f"(block (result i32) {t[0]} (br_if 0 {t[1]} {t[2]}) (drop) (drop) "
                            f"(i32.const 7))"),
        two.map(lambda t: f"(block (result i32) {t[0]} (br 0 {t[1]}))"),
        three.map(lambda t: f"(block $o (result i32) (block $i (result i32) {t[0]} "
                            f"(br_table $o $i $o {t[1]} {t[2]})) (i32.const 5) (i32.mul))"),
        two.map(lambda t: f"(i32.sub (block (result i32 i32) {t[0]} {t[1]}))"),
        two.map(lambda t: f"(call $helper {t[0]} {t[1]})"),
        two.map(lambda t: f"(block (result i32) (local.set 2 (i32.const 0)) (local.set 3 {t[0]}) "
                          f"(loop $l (local.set 3 (i32.add (local.get 3) {t[1]})) "
                          f"(br_if $l (i32.lt_u (local.tee 2 (i32.add (local.get 2) (i32.const 1)))"
                          f" (i32.const 3)))) (local.get 3))"),
    )


programs = st.recursive(leaf, compound, max_leaves=24)


def module_text(body: str) -> str:
    return f"""
    (module
      (func $helper (param i32 i32) (result i32)
        (if (result i32) (i32.lt_s (local.get 0) (local.get 1))
          (then (i32.sub (local.get 1) (local.get 0)))
          (else (i32.xor (local.get 0) (i32.const 0x5555)))))
      (func (export "f") (param i32 i32) (result i32) (local i32 i32)
        {body}))
    """


def run_wasmtime(wasm: bytes, args):
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, wasm), [])
    try:
        return instance.exports(store)["f"](store, *args)
    except wasmtime.Trap:
        return "trap"


def run_ours(wasm: bytes, args):
    store = Store(Engine())
    instance = Instance(store, Module(store.engine, wasm), [])
    try:
        return instance.exports(store)["f"](store, *args)
    except Trap:
        return "trap"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs, st.integers(-2**31, 2**31 - 1), st.integers(-5, 40))
def test_random_programs_match_wasmtime(body, a, b):
    wasm = wasmtime.wat2wasm(module_text(body))
    assert run_ours(wasm, (a, b)) == run_wasmtime(wasm, (a, b))
