"""The runner against a scripted fake engine: every command kind, every way a command can go wrong."""

from __future__ import annotations

import time

from pywasm_core.errors import (DecodeError, Exhausted, LinkError, ParseError, Trap, TrapCode,
                                ValidationError)
from pywasm_core.script.commands import (Action, ActionCmd, AssertException, AssertExhaustion,
                                         AssertModule, AssertReturn, AssertTrap, Const, Either,
                                         ModuleCmd, ModuleInstanceCmd, ModuleSource, NanPattern,
                                         RefPattern, RegisterCmd, Script, V128Pattern)
from pywasm_core.script.runner import Runner, TextTools


class FakeAdapter:
    """A toy engine: a module is a byte string naming its behaviour; instances are dicts."""

    name = "fake"
    strict_errors = True
    features = frozenset()

    def __init__(self):
        self.resets = 0

    def reset(self):
        self.resets += 1
        self.registry = {"spectest": {"print": None}}

    def compile(self, binary):
        if binary == b"malformed":
            raise DecodeError("unexpected end", 3)
        if binary == b"invalid":
            raise ValidationError("type mismatch", 0, 7)
        if binary == b"explode":
            raise IndexError("list index out of range")
        return binary

    def instantiate(self, module):
        if module == b"unlinkable":
            raise LinkError("unknown import", "env", "f")
        if module == b"start-traps":
            raise Trap(TrapCode.UNREACHABLE)
        if module.startswith(b"import:"):
            name = module[7:].decode()
            if name not in self.registry:
                raise LinkError("unknown import", name, "x")
        return {"tag": module}

    def register(self, name, instance):
        self.registry[name] = instance

    def invoke(self, instance, field, args):
        if field == "add":
            return [Const("i32", (args[0].value + args[1].value) & 0xFFFFFFFF)]
        if field == "tag":
            return [Const("i32", len(instance["tag"]))]
        if field == "div0":
            raise Trap(TrapCode.INTEGER_DIVISION_BY_ZERO)
        if field == "runaway":
            raise Exhausted(TrapCode.STACK_OVERFLOW)
        if field == "crash":
            return {}["missing"]
        if field == "exit":
            raise SystemExit(3)
        if field == "recurse":
            def down(n):
                return down(n + 1)
            return down(0)
        if field == "spin":
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                pass
            return []
        if field == "bits":
            return [Const(args[0].type, args[0].value)]
        if field == "null":
            return [Const("externref", None)]
        if field == "two":
            return [Const("i32", 1), Const("i32", 2)]
        raise KeyError(field)

    def get(self, instance, field):
        return Const("i32", 42)


def binary(data: bytes) -> ModuleSource:
    return ModuleSource(kind="binary", binary=data)


def invoke(field, *args, module=None):
    return Action("invoke", field, list(args), module)


def i32(v):
    return Const("i32", v & 0xFFFFFFFF)


def run(*commands, timeout=None, text_tools=None):
    script = Script("test.wast", list(commands))
    return Runner(FakeAdapter(), timeout=timeout, text_tools=text_tools).run(script)


def test_passing_commands_of_every_kind():
    result = run(
        ModuleCmd(1, binary(b"m"), name="$M"),
        AssertReturn(2, invoke("add", i32(1), i32(2)), [i32(3)]),
        AssertReturn(3, invoke("add", i32(-1), i32(1)), [i32(0)]),
        AssertReturn(4, Action("get", "g"), [i32(42)]),
        ActionCmd(5, invoke("add", i32(0), i32(0))),
        AssertTrap(6, invoke("div0"), None, "integer divide by zero"),
        AssertTrap(7, None, binary(b"start-traps"), "unreachable"),
        AssertExhaustion(8, invoke("runaway"), "call stack exhausted"),
        AssertModule(9, "malformed", binary(b"malformed"), "unexpected end"),
        AssertModule(10, "invalid", binary(b"invalid"), "type mismatch"),
        AssertModule(11, "unlinkable", binary(b"unlinkable"), "unknown import"),
        AssertModule(12, "uninstantiable", binary(b"start-traps"), "unreachable"),
        RegisterCmd(13, "reg", "$M"),
        ModuleCmd(14, binary(b"import:reg")),
        AssertReturn(15, invoke("tag", module="$M"), [i32(1)]),
        AssertReturn(16, invoke("tag"), [i32(10)]),
        AssertReturn(17, invoke("null"), [Const("externref", None)]),
        AssertReturn(18, invoke("null"), [RefPattern("null")]),
        AssertReturn(19, invoke("two"), [i32(1), Either((i32(5), i32(2)))]),
    )
    assert result.failed == 0, result.report()
    assert (result.passed, result.skipped) == (19, 0)


def test_messages_match_by_prefix_only():
    result = run(
        ModuleCmd(1, binary(b"m")),
        AssertTrap(2, invoke("div0"), None, "integer divide"),          # prefix: passes
        AssertTrap(3, invoke("div0"), None, "integer overflow"),        # wrong text
        AssertModule(4, "invalid", binary(b"invalid"), "type mismatch extra"),
    )
    assert (result.passed, result.failed) == (2, 2)
    assert "got Trap 'integer divide by zero'" in result.failures[0].detail


def test_wrong_error_class_and_success_are_failures():
    result = run(
        ModuleCmd(1, binary(b"m")),
        AssertModule(2, "malformed", binary(b"invalid"), "type mismatch"),   # invalid, not malformed
        AssertModule(3, "invalid", binary(b"m"), "type mismatch"),           # compiles fine
        AssertExhaustion(4, invoke("div0"), "call stack exhausted"),         # a plain trap
        AssertTrap(5, invoke("add", i32(1), i32(1)), None, "unreachable"),   # returns
    )
    assert result.failed == 4
    details = [f.detail for f in result.failures]
    assert "got ValidationError" in details[0]
    assert "but it succeeded" in details[1]
    assert "got Trap" in details[2]
    assert "but it succeeded" in details[3]


def test_python_exceptions_are_failures_with_traceback_and_the_run_goes_on():
    result = run(
        ModuleCmd(1, binary(b"m")),
        AssertReturn(2, invoke("crash"), []),
        ModuleCmd(3, binary(b"explode")),
        AssertReturn(4, invoke("add", i32(1), i32(1)), [i32(2)]),
    )
    assert (result.passed, result.failed) == (1, 3)
    crash = result.failures[0]
    assert crash.line == 2 and "KeyError" in crash.detail and "Traceback" in crash.detail
    assert "IndexError" in result.failures[1].detail
    # the command after the exploding module depends on it: it fails with the cause
    assert "line 3 failed to load" in result.failures[2].detail


def test_recursion_and_exit_inside_the_engine_are_failures():
    result = run(
        ModuleCmd(1, binary(b"m")),
        AssertReturn(2, invoke("recurse"), []),
        AssertReturn(3, invoke("exit"), []),
        AssertReturn(4, invoke("add", i32(2), i32(2)), [i32(4)]),
    )
    assert (result.passed, result.failed) == (2, 2)
    assert "RecursionError" in result.failures[0].detail
    assert "SystemExit" in result.failures[1].detail


def test_commands_on_a_broken_named_module_fail_not_crash():
    result = run(
        ModuleCmd(1, binary(b"invalid"), name="$A"),
        ModuleCmd(2, binary(b"m"), name="$B"),
        AssertReturn(3, invoke("add", i32(1), i32(1), module="$A"), [i32(2)]),
        RegisterCmd(4, "a", "$A"),
        AssertReturn(5, invoke("add", i32(1), i32(1), module="$B"), [i32(2)]),
        AssertReturn(6, invoke("add", i32(1), i32(1), module="$Nope"), [i32(2)]),
    )
    assert (result.passed, result.failed) == (2, 4)
    assert "ValidationError: type mismatch" in result.failures[1].detail
    assert "unknown module" in result.failures[3].detail


def test_action_before_any_module_fails():
    result = run(AssertReturn(1, invoke("add", i32(1), i32(1)), [i32(2)]))
    assert result.failed == 1 and "no module" in result.failures[0].detail


def test_result_mismatch_details():
    result = run(
        ModuleCmd(1, binary(b"m")),
        AssertReturn(2, invoke("add", i32(1), i32(1)), [i32(3)]),
        AssertReturn(3, invoke("two"), [i32(1)]),
    )
    assert result.failed == 2
    assert "expected i32:3, got i32:2" in result.failures[0].detail
    assert "expected 1 results, got 2" in result.failures[1].detail


def test_float_results_compare_bits_and_nan_patterns():
    def f32(bits):
        return Const("f32", bits)

    def f64(bits):
        return Const("f64", bits)
    result = run(
        ModuleCmd(1, binary(b"m")),
        AssertReturn(2, invoke("bits", f32(0x7FC00000)), [NanPattern("f32", "canonical")]),
        AssertReturn(3, invoke("bits", f32(0xFFC00000)), [NanPattern("f32", "canonical")]),
        AssertReturn(4, invoke("bits", f32(0x7FC00001)), [NanPattern("f32", "arithmetic")]),
        AssertReturn(5, invoke("bits", f64(0xFFF8000000000000)), [NanPattern("f64", "canonical")]),
        AssertReturn(6, invoke("bits", f32(0x80000000)), [f32(0x80000000)]),
        # failures: payload beyond the quiet bit, signalling NaN, -0 vs +0, wrong width
        AssertReturn(7, invoke("bits", f32(0x7FC00001)), [NanPattern("f32", "canonical")]),
        AssertReturn(8, invoke("bits", f32(0x7FA00000)), [NanPattern("f32", "arithmetic")]),
        AssertReturn(9, invoke("bits", f32(0x80000000)), [f32(0)]),
        AssertReturn(10, invoke("bits", f64(0x7FF8000000000000)), [NanPattern("f32", "canonical")]),
        AssertReturn(11, invoke("bits", f32(0x7F800000)), [NanPattern("f32", "arithmetic")]),
    )
    assert (result.passed, result.failed) == (6, 5), result.report()


def test_v128_results_per_lane():
    lanes = [0x7FC00000, 0x3F800000, 0xFFC00000, 0x7FC00123]
    value = sum(lane << (32 * i) for i, lane in enumerate(lanes))
    canonical, arithmetic = NanPattern("f32", "canonical"), NanPattern("f32", "arithmetic")
    result = run(
        ModuleCmd(1, binary(b"m")),
        AssertReturn(2, invoke("bits", Const("v128", value)),
                     [V128Pattern("f32x4", (canonical, 0x3F800000, canonical, arithmetic))]),
        AssertReturn(3, invoke("bits", Const("v128", value)),
                     [V128Pattern("f32x4", (canonical, 0x3F800000, canonical, canonical))]),
        AssertReturn(4, invoke("bits", Const("v128", 0xFFFF)),
                     [V128Pattern("i8x16", (0xFF, 0xFF) + (0,) * 14)]),
        AssertReturn(5, invoke("bits", Const("v128", 0xFFFF)),
                     [V128Pattern("i16x8", (0xFFFF,) + (0,) * 7)]),
    )
    assert (result.passed, result.failed) == (4, 1), result.report()
    assert "f32x4[0x7fc00000 0x3f800000 0xffc00000 0x7fc00123]" in result.failures[0].detail


def test_3_0_kinds_are_checked_or_skipped_with_reasons():
    from pywasm_core.script.adapter import GcRef
    struct_ = Const("anyref", GcRef("struct"))
    result = run(
        ModuleCmd(1, binary(b"m")),
        AssertException(2, invoke("throw")),                      # an adapter without exceptions
        AssertReturn(3, invoke("null"), [RefPattern("struct")]),   # GC patterns are checked
        AssertReturn(4, invoke("bits", Const("anyref", 1)), [Const("anyref", 1)]),
        AssertReturn(5, invoke("bits", struct_), [RefPattern("struct")]),
        AssertReturn(6, invoke("bits", struct_), [RefPattern("array")]),
        AssertReturn(7, invoke("bits", Const("anyref", 1)), [Const("anyref", 2)]),
    )
    assert (result.passed, result.failed, result.skipped) == (3, 3, 1), result.report()
    assert [f.line for f in result.failures] == [3, 6, 7]
    assert "exception handling" in " | ".join(result.skip_reasons)


def test_module_definitions_and_instances():
    result = run(
        ModuleCmd(1, binary(b"defined"), name="$M", definition=True),
        ModuleInstanceCmd(2, instance="$I", definition="$M"),
        AssertReturn(3, invoke("tag", module="$I"), [i32(7)]),
        ModuleInstanceCmd(4, instance="$J", definition="$Missing"),
    )
    assert (result.passed, result.failed) == (3, 1), result.report()


class NoText(TextTools):
    def __init__(self):
        super().__init__()
        self.encode_module = None
        self.parse_module = None


def test_text_modules_without_a_parser_skip_or_use_the_binary():
    quote_with_binary = ModuleSource(kind="quote", quote="(module)", binary=b"m")
    quote_only = ModuleSource(kind="quote", quote="(module")
    result = run(
        ModuleCmd(1, quote_with_binary),
        AssertReturn(2, invoke("tag"), [i32(1)]),
        AssertModule(3, "malformed", quote_only, "unexpected token"),
        ModuleCmd(4, quote_only),
        AssertReturn(5, invoke("tag"), [i32(1)]),
        text_tools=NoText(),
    )
    assert (result.passed, result.failed, result.skipped) == (2, 0, 3), result.report()


class FakeText(TextTools):
    """A 'parser' that accepts "(module)" only and an 'encoder' that returns fixed bytes."""

    def __init__(self):
        super().__init__()
        self.encode_module = lambda module: b"text-" + module.encode()
        self.parse_module = self._parse

    @staticmethod
    def _parse(text):
        if text != "(module)":
            raise ParseError("unexpected token", "quote", 1, 8)
        return "ok"


def test_quote_modules_go_through_the_text_parser():
    result = run(
        ModuleCmd(1, ModuleSource(kind="quote", quote="(module)", binary=b"unused")),
        AssertReturn(2, invoke("tag"), [i32(len(b"text-ok"))]),
        AssertModule(3, "malformed", ModuleSource(kind="quote", quote="(module"), "unexpected token"),
        # a text module whose error is only seen by the binary decoder is not "malformed text"
        AssertModule(4, "malformed", ModuleSource(kind="text", text="x"), "unexpected end"),
        text_tools=FakeText(),
    )
    assert (result.passed, result.failed) == (3, 1), result.report()


def test_timeout_turns_a_hanging_command_into_a_failure():
    started = time.monotonic()
    result = run(
        ModuleCmd(1, binary(b"m")),
        AssertReturn(2, invoke("spin"), []),
        AssertReturn(3, invoke("add", i32(2), i32(2)), [i32(4)]),
        timeout=0.3,
    )
    assert time.monotonic() - started < 10
    assert (result.passed, result.failed) == (2, 1)
    assert "timeout" in result.failures[0].detail


def test_after_repeated_timeouts_the_rest_of_the_script_is_not_run():
    script = Script("t.wast", [ModuleCmd(1, binary(b"m"))] +
                    [AssertReturn(2 + i, invoke("spin"), []) for i in range(2)] +
                    [AssertReturn(9, invoke("add", i32(1), i32(1)), [i32(2)])])
    started = time.monotonic()
    result = Runner(FakeAdapter(), timeout=0.2, max_timeouts=2).run(script)
    assert time.monotonic() - started < 5
    assert (result.passed, result.failed) == (1, 3)
    assert result.failures[-1].detail == "not run: 2 earlier commands timed out"


def test_report_lists_counts_failures_and_skips():
    result = run(
        ModuleCmd(1, binary(b"m")),
        AssertReturn(2, invoke("add", i32(1), i32(1)), [i32(3)]),
        AssertException(3, invoke("throw")),
    )
    text = result.report()
    assert text.startswith("test.wast: 1 passed, 1 failed, 1 skipped")
    assert "line 2: assert_return invoke \"add\"(i32:1, i32:1)" in text
    assert "skipped 1: assert_exception" in text
    assert result.counts() == {"passed": 1, "failed": 1, "skipped": 1}


# ---- properties of the NaN patterns against numpy's view of the same bits
import numpy  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pywasm_core.script.runner import matches, nan_matches  # noqa: E402


@given(st.integers(0, 2**32 - 1))
def test_f32_nan_patterns(bits):
    is_nan = bool(numpy.isnan(numpy.array([bits], dtype=numpy.uint32).view(numpy.float32)[0]))
    quiet = bool(bits & 0x0040_0000)
    assert nan_matches("arithmetic", bits, 32) == (is_nan and quiet)
    assert nan_matches("canonical", bits, 32) == (bits & 0x7FFF_FFFF == 0x7FC0_0000)
    assert matches(NanPattern("f32", "arithmetic"), Const("f32", bits)) == (is_nan and quiet)


@given(st.integers(0, 2**64 - 1))
def test_f64_nan_patterns(bits):
    is_nan = bool(numpy.isnan(numpy.array([bits], dtype=numpy.uint64).view(numpy.float64)[0]))
    quiet = bool(bits & (1 << 51))
    assert nan_matches("arithmetic", bits, 64) == (is_nan and quiet)
    assert nan_matches("canonical", bits, 64) == (bits & (2**63 - 1) == 0x7FF8 << 48)
    # a NaN pattern never matches the other width
    assert not matches(NanPattern("f32", "arithmetic"), Const("f64", bits))


@given(st.integers(0, 2**128 - 1), st.sampled_from(["i8x16", "i16x8", "i32x4", "i64x2"]))
def test_v128_lane_pattern_of_a_value_matches_it(value, shape):
    count = int(shape.split("x")[1])
    width = 128 // count
    lanes = tuple((value >> (i * width)) & ((1 << width) - 1) for i in range(count))
    assert matches(V128Pattern(shape, lanes), Const("v128", value))
    assert not matches(V128Pattern(shape, lanes), Const("v128", value ^ (1 << 127)))
