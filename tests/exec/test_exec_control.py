"""Control flow: blocks with params/results, br/br_if/br_table with stack adjustment, if/else,
loops, multi-value, dead code after branches."""

from exec_util import instantiate

from pywasm_core import Config
from pywasm_core.exec import lower

CONTROL = """
(module
  (type $two (func (result i32 i32)))
  (func (export "br_table") (param i32) (result i32)
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $d (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 11)))
      (return (i32.const 12)))
    (i32.const 13))
  (func (export "br_keep") (result i32)
    (block (result i32)
      (i32.const 1) (i32.const 2) (i32.const 3)
      (br 0 (i32.const 42))
      (drop) (drop)))
  (func (export "br_if_keep") (param i32) (result i32)
    (block (result i32)
      (i32.const 7) (i32.const 8)
      (br_if 0 (i32.const 5) (local.get 0))
      (drop) (drop) (drop) (i32.const 99)))
  (func (export "table_keep") (param i32) (result i32 i32)
    (block (result i32 i32)
      (i32.const 100)
      (block (result i32 i32)
        (i32.const 1) (i32.const 2) (i32.const 3)
        (br_table 0 1 (local.get 0)))
      (drop) (drop) (drop) (i32.const 5) (i32.const 6)))
  (func (export "multi") (result i32 i32 i32)
    (i32.const 1) (i32.const 2) (i32.const 3))
  (func (export "swap") (param i32 i32) (result i32 i32)
    (local.get 1) (local.get 0))
  (func (export "block_params") (result i32)
    (i32.const 3) (i32.const 4)
    (block (param i32 i32) (result i32) (i32.add)))
  (func (export "loop_params") (param i32) (result i32)
    (local $acc i32)
    (local.get 0)
    (loop $l (param i32) (result i32)
      (local.set $acc (i32.add (local.get $acc) (i32.const 2)))
      (i32.sub (i32.const 1))
      (local.tee 0)
      (if (param) (then (local.get 0) (br $l)))
      (local.get $acc)))
  (func (export "if_else") (param i32) (result i32)
    (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))
  (func (export "if_params") (param i32) (result i32)
    (i32.const 10)
    (if (param i32) (result i32) (local.get 0)
      (then (i32.const 1) (i32.add))
      (else (i32.const 2) (i32.sub))))
  (func (export "nested_return") (param i32) (result i32)
    (block (loop (block
      (br_if 2 (local.get 0))
      (return (i32.const 5)))))
    (i32.const 6))
  (func (export "dead_code") (result i32)
    (return (i32.const 1))
    (i32.const 2) (drop) (block (br 0)) (i32.const 3))
  (func (export "loop_sum") (param i32) (result i32)
    (local $s i32)
    (block $done (loop $top
      (br_if $done (i32.eqz (local.get 0)))
      (local.set $s (i32.add (local.get $s) (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br $top)))
    (local.get $s))
  (func (export "call_multi") (result i32)
    (call $pair) (i32.sub))
  (func $pair (type $two) (i32.const 10) (i32.const 3))
)
"""


def run(name, *args, config=None):
    store, exports = instantiate(CONTROL, config=config)
    return exports[name](store, *args)


def test_br_table_targets_and_default():
    store, ex = instantiate(CONTROL)
    assert [ex["br_table"](store, i) for i in range(6)] == [10, 11, 12, 13, 13, 13]
    assert ex["br_table"](store, -1) == 13          # huge unsigned index -> default


def test_branches_discard_values_below_the_result():
    store, ex = instantiate(CONTROL)
    assert ex["br_keep"](store) == 42
    assert ex["br_if_keep"](store, 1) == 5
    assert ex["br_if_keep"](store, 0) == 99
    assert ex["table_keep"](store, 0) == [5, 6]
    assert ex["table_keep"](store, 1) == [2, 3]


def test_multi_value_results_and_params():
    store, ex = instantiate(CONTROL)
    assert ex["multi"](store) == [1, 2, 3]
    assert ex["swap"](store, 1, 2) == [2, 1]
    assert ex["block_params"](store) == 7
    assert ex["call_multi"](store) == 7
    assert ex["loop_params"](store, 4) == 8


def test_if_else_and_if_params():
    store, ex = instantiate(CONTROL)
    assert ex["if_else"](store, 1) == 1
    assert ex["if_else"](store, 0) == 2
    assert ex["if_params"](store, 1) == 11
    assert ex["if_params"](store, 0) == 8


def test_nested_branches_and_dead_code():
    store, ex = instantiate(CONTROL)
    assert ex["nested_return"](store, 1) == 6
    assert ex["nested_return"](store, 0) == 5
    assert ex["dead_code"](store) == 1
    assert ex["loop_sum"](store, 100) == 5050


def test_eager_mode_lowers_everything_at_instantiation():
    store, ex = instantiate(CONTROL, config=Config(compilation_mode="eager"))
    assert all(f.code is not None for f in ex.values())
    assert ex["loop_sum"](store, 10) == 55


def test_lazy_mode_lowers_on_first_call():
    store, ex = instantiate(CONTROL, config=Config(tier="interp"))
    assert ex["swap"].code is None
    ex["swap"](store, 1, 2)
    assert ex["swap"].code is not None


def test_lazy_mode_translates_on_first_call_on_the_fast_tier():
    store, ex = instantiate(CONTROL, config=Config(tier="fast"))
    assert ex["swap"].fast is None and ex["loop_sum"].fast is None
    ex["swap"](store, 1, 2)
    assert ex["swap"].fast is not None and ex["loop_sum"].fast is None


def test_lowered_form_is_flat_and_resolved():
    store, ex = instantiate(CONTROL, config=Config(compilation_mode="eager"))
    code = ex["dead_code"].code
    ops = [op for op, _ in code.instrs]
    # `return (i32.const 1)` and nothing of the dead tail except the final RETURN stub
    assert ops.count(lower.RETURN) == 2 and len(ops) == 3
    code = ex["br_keep"].code
    adj = [imm for op, imm in code.instrs if op == lower.BR_ADJ]
    assert adj == [(len(code.instrs) - 1, 0, 1)]          # keep 1 value, truncate to height 0
    for op, imm in ex["loop_sum"].code.instrs:
        if op in lower.BRANCH_OPS:
            assert isinstance(imm, int)
