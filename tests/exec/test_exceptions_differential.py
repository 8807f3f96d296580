"""Property test: random exception-heavy programs (nested try_tables with random catch clauses,
catch_ref + throw_ref rethrows, throws from handlers and callees, locals changed before a throw,
uncaught exceptions and traps) give the same outcome on the fast tier, the interpreter and
wasmtime (when its wasmtime-py build supports exceptions); with the legacy try/catch/rethrow
mixed in, the two tiers agree."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pywasm_core import Config, Engine, Instance, Module, Store, Trap, WasmException
from pywasm_core.features import WASM3, WASM3_LEGACY

CLAUSES = ["(catch $t0 2)", "(catch_ref $t0 1)", "(catch $t1 3)", "(catch $t2 0)", "(catch_all 0)"]
small = st.integers(-5, 5)


def try_expr(body, clauses, k, rethrow_ref, throw_in_all):
    """A try_table whose clauses go to handler blocks, each of which ends at the outer block
    with an i32 (or rethrows): see the labels in the comments."""
    handler_all = "(throw $t2)" if throw_in_all else f"(br 3 (i32.const {k[0]}))"
    handler_ref = "(throw_ref)" if rethrow_ref else f"(drop) (br 2 (i32.add (i32.const {k[1]})))"
    return (
        "(block (result i32)"                                   # outer: the value
        " (block (result i32 i32)"                              # catch $t1
        "  (block (result i32)"                                 # catch $t0
        "   (block (result i32 exnref)"                         # catch_ref $t0
        "    (block"                                            # catch $t2 / catch_all
        f"     (br 4 (try_table (result i32) {' '.join(clauses)} {body})))"
        f"    {handler_all})"
        f"   {handler_ref})"
        f"  (br 1 (i32.add (i32.const {k[2]}))))"
        f" (i32.add) (i32.add (i32.const {k[3]})))")


LEGACY_ARMS = {
    "t0": "(catch $t0 (i32.const {k}) (i32.add))",
    "t0-rethrow": "(catch $t0 (drop) (rethrow 0))",
    "t1": "(catch $t1 (i32.add) (i32.add (i32.const {k})))",
    "t2": "(catch $t2 (i32.const {k}))",
    "t2-throw": "(catch $t2 (throw $t0 (i32.const {k})))",
}
LEGACY_LAST = ["", "(catch_all (i32.const {k}))", "(catch_all (rethrow 0))"]


def legacy_expr(body, arms, last, k):
    """A legacy try/catch (WASM3_LEGACY): arms in order, an optional catch_all last."""
    text = " ".join(LEGACY_ARMS[a].format(k=k) for a in arms)
    return f"(try (result i32) (do {body}) {text} {LEGACY_LAST[last].format(k=k)})"


def try_tables(bodies):
    return st.tuples(bodies, st.lists(st.sampled_from(CLAUSES), min_size=1, max_size=4),
                     st.tuples(small, small, small, small), st.booleans(),
                     st.booleans()).map(lambda t: try_expr(*t))


def expressions(calls: bool, legacy: bool = False):
    leaves = [
        small.map(lambda v: f"(i32.const {v})"),
        st.just("(local.get 0)"),
        st.just("(local.get 1)"),
        small.map(lambda v: f"(throw $t0 (i32.const {v}))"),
        st.tuples(small, small).map(lambda t: f"(throw $t1 (i32.const {t[0]}) (i32.const {t[1]}))"),
        st.just("(throw $t2)"),
        st.tuples(st.integers(0, 3), small).map(
            lambda t: f"(call $helper (i32.const {t[0]}) (i32.const {t[1]}))"),
        st.just("(unreachable)"),
    ]
    if calls:
        leaves.append(small.map(lambda v: f"(call $f1 (i32.const {v}))"))
    leaf = st.one_of(*leaves)

    def compound(children):
        tries = try_tables(children)
        return st.one_of(
            tries, tries, tries,           # mostly try_tables
            st.tuples(children, children).map(lambda t: f"(i32.add {t[0]} {t[1]})"),
            st.tuples(children, st.lists(st.sampled_from(sorted(LEGACY_ARMS)), max_size=3),
                      st.integers(0, 2) if legacy else st.just(-1), small).map(
                lambda t: legacy_expr(*t) if t[2] >= 0 else try_expr(
                    t[0], ["(catch_all 0)"], (t[3],) * 4, False, False)),
            children.map(lambda e: "(block (result i32) (local.set 1 (i32.add (local.get 1) "
                                   f"(i32.const 1))) {e})"),
            st.tuples(children, children, children).map(
                lambda t: f"(if (result i32) {t[0]} (then {t[1]}) (else {t[2]}))"),
        )
    return st.recursive(leaf, compound, max_leaves=16)


def module_text(body_f1: str, body_run: str) -> str:
    return f"""
    (module
      (tag $t0 (param i32)) (tag $t1 (param i32 i32)) (tag $t2)
      (func $helper (param i32 i32) (result i32)
        (if (i32.eq (local.get 0) (i32.const 0)) (then (throw $t0 (local.get 1))))
        (if (i32.eq (local.get 0) (i32.const 1)) (then (throw $t1 (local.get 1) (i32.const 7))))
        (if (i32.eq (local.get 0) (i32.const 2)) (then (throw $t2)))
        (i32.add (local.get 1) (i32.const 100)))
      (func $f1 (param i32) (result i32) (local i32) {body_f1})
      (func (export "run") (param i32) (result i32) (local i32)
        (i32.add {body_run} (i32.mul (local.get 1) (i32.const 1000)))))"""


def ours(text: str, tier: str, args, features=WASM3) -> list:
    engine = Engine(Config(tier=tier, features=features))
    store = Store(engine)
    run = Instance(store, Module(engine, text), []).exports(store)["run"]
    out = []
    for a in args:
        try:
            out.append(("value", run(store, a)))
        except WasmException:
            out.append(("exception",))
        except Trap:
            out.append(("trap",))
    return out


def wasmtime_outcomes(text: str, args):
    try:
        import wasmtime
        config = wasmtime.Config()
        config.wasm_exceptions = True
        config.wasm_function_references = True
        config.wasm_gc = True
        engine = wasmtime.Engine(config)
    except Exception:          # noqa: BLE001 - a wasmtime-py without exceptions: no oracle
        return None
    store = wasmtime.Store(engine)
    run = wasmtime.Instance(store, wasmtime.Module(engine, text), []).exports(store)["run"]
    out = []
    for a in args:
        try:
            out.append(("value", run(store, a)))
        except wasmtime.Trap as trap:
            out.append(("exception",) if "exception" in str(trap).lower() else ("trap",))
    return out


ARGS = [0, 1, 3]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(f1=expressions(calls=False), run=try_tables(expressions(calls=True)))
def test_tiers_and_wasmtime_agree(f1, run):
    text = module_text(f1, run)
    fast = ours(text, "fast", ARGS)
    assert fast == ours(text, "interp", ARGS), text
    expected = wasmtime_outcomes(text, ARGS)
    if expected is not None:
        assert fast == expected, text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(f1=expressions(calls=False, legacy=True),
       run=try_tables(expressions(calls=True, legacy=True)))
def test_tiers_agree_on_legacy_try_catch(f1, run):
    """The legacy try/catch/rethrow (translated by the fast tier, wasmtime does not run them)
    mixed with try_table: both tiers agree."""
    text = module_text(f1, run)
    assert ours(text, "fast", ARGS, WASM3_LEGACY) == ours(text, "interp", ARGS, WASM3_LEGACY), \
        text


def test_the_generator_reaches_every_outcome():
    """The three outcomes are all possible (a guard against a generator that only ever
    produces values)."""
    text = module_text("(i32.const 1)", try_expr("(throw $t2)", ["(catch $t0 2)"], (1, 2, 3, 4),
                                                  False, False))
    assert ours(text, "fast", [0]) == [("exception",)]
    text = module_text("(i32.const 1)", try_expr("(unreachable)", ["(catch_all 0)"],
                                                  (1, 2, 3, 4), False, False))
    assert ours(text, "interp", [0]) == [("trap",)]
    text = module_text("(i32.const 1)", try_expr("(call $helper (i32.const 1) (local.get 0))",
                                                  ["(catch $t1 3)"], (1, 2, 3, 4), False, False))
    assert ours(text, "fast", [5]) == [("value", 5 + 7 + 4)]
