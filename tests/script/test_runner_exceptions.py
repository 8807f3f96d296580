"""The runner checks exception commands for real (3.0): `assert_exception` passes only for an
uncaught wasm exception (not a trap, not a normal return), `assert_trap` never accepts an
exception, and exnref results match `(ref.exn)` / `(ref.null exn)`."""

from pywasm_core import Config
from pywasm_core.script.adapter import PywasmCoreAdapter
from pywasm_core.script.runner import run_file

SCRIPT = """
(module
  (tag $e (param i32))
  (func (export "throw") (throw $e (i32.const 1)))
  (func (export "trap") (unreachable))
  (func (export "ok"))
  (func (export "exn") (param i32) (result exnref)
    (if (result exnref) (local.get 0)
      (then (block $h (result exnref) (try_table (catch_all_ref $h) (call 0)) (unreachable)))
      (else (ref.null exn))))
)
(assert_exception (invoke "throw"))
(assert_exception (invoke "ok"))
(assert_exception (invoke "trap"))
(assert_trap (invoke "throw") "unreachable")
(assert_return (invoke "exn" (i32.const 1)) (ref.exn))
(assert_return (invoke "exn" (i32.const 0)) (ref.null exn))
(assert_return (invoke "exn" (i32.const 0)) (ref.exn))
(assert_return (invoke "exn" (i32.const 1)) (ref.null exn))
"""


def line_of(text: str) -> int:
    return next(i for i, line in enumerate(SCRIPT.splitlines(), 1)
                if line.startswith("(assert") and text in line)


def test_exception_commands_are_checked(tmp_path):
    path = tmp_path / "3.0" / "exceptions.wast"      # under 3.0/: the 3.0 rules apply
    path.parent.mkdir()
    path.write_text(SCRIPT)
    for tier in ("fast", "interp"):
        result = run_file(path, PywasmCoreAdapter(Config(tier=tier)))
        # passed: the module and 3 assertions
        assert (result.passed, result.failed, result.skipped) == (4, 5, 0), result.report()
        assert [f.line for f in result.failures] == [line_of('"ok"'), line_of('"trap"'),
                                                      line_of("(assert_trap"),
                                                      line_of("(i32.const 0)) (ref.exn)"),
                                                      line_of("(i32.const 1)) (ref.null")]
        details = " | ".join(f.detail for f in result.failures)
        assert "but it succeeded" in details and "Trap" in details
        assert "WasmException" in details
