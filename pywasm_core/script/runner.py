"""The engine-agnostic `.wast` runner: executes a `Script` through an `EngineAdapter`.

Every command ends as exactly one outcome: passed, failed (with the reason, and the traceback if
the engine raised a Python exception it should not have), or skipped (with the reason: a 3.0
feature, or a text module with no text parser installed).  Nothing a command does can stop the run:
a module that fails to load leaves a placeholder, and the commands that use it fail.

Checks follow the reference interpreter: error messages match by prefix, floats compare bit for
bit, `nan:canonical` is a quiet NaN whose payload is exactly the quiet bit (either sign) and
`nan:arithmetic` any NaN with the quiet bit set.
"""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from ..errors import (DecodeError, Exhausted, LinkError, ParseError, Trap, ValidationError,
                      WasmError, WasmException)
from .adapter import (GC_REFERENCE_TYPES, NUMERIC_TYPES, REF_HIERARCHY, REFERENCE_TYPES,
                      EngineAdapter, EngineContractError, GcRef, ScriptError, make_adapter)
from .commands import (Action, ActionCmd, AssertException, AssertExhaustion, AssertModule,
                       AssertReturn, AssertTrap, Command, Const, Either, ModuleCmd,
                       ModuleInstanceCmd, ModuleSource, NanPattern, RefPattern, RegisterCmd,
                       Script, V128Pattern)

FRONTENDS = ("auto", "json", "text")
REF_PATTERN_KINDS = ("null", "func", "extern", "any", "eq", "i31", "struct", "array", "exn")
ALL_REFERENCE_TYPES = REFERENCE_TYPES + GC_REFERENCE_TYPES
LANE_WIDTH = {"i8": 8, "i16": 16, "i32": 32, "i64": 64, "f32": 32, "f64": 64}


class CommandTimeout(BaseException):
    """A command ran past its time budget (a BaseException so engine code cannot swallow it)."""


class _Fail(Exception):
    pass


class _Skip(Exception):
    pass


@dataclass
class Broken:
    """Stands in for a module that failed to load, so later commands fail with the cause."""

    line: int
    reason: str


@dataclass
class Outcome:
    line: int
    command: str
    status: str                  # "passed" | "failed" | "skipped"
    detail: str = ""


@dataclass
class FileResult:
    """What happened to one script."""

    file: str
    frontend: str = ""
    engine: str = ""
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[Outcome] = field(default_factory=list)
    skip_reasons: collections.Counter = field(default_factory=collections.Counter)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def name(self) -> str:
        return os.path.basename(self.file)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def record(self, outcome: Outcome) -> None:
        if outcome.status == "passed":
            self.passed += 1
        elif outcome.status == "failed":
            self.failed += 1
            self.failures.append(outcome)
        else:
            self.skipped += 1
            self.skip_reasons[outcome.detail] += 1

    def counts(self) -> dict[str, int]:
        return {"passed": self.passed, "failed": self.failed, "skipped": self.skipped}

    def report(self, max_failures: int = 30) -> str:
        """A readable account: counts, then each failure (line, command, why), then skip reasons."""
        lines = [f"{self.name}: {self.passed} passed, {self.failed} failed, {self.skipped} skipped"
                 f" ({self.engine}, {self.frontend} front end, {self.seconds:.1f}s)"]
        lines += [f"  note: {note}" for note in self.notes]
        for outcome in self.failures[:max_failures]:
            detail = outcome.detail.rstrip().replace("\n", "\n      ")
            lines.append(f"  line {outcome.line}: {outcome.command}\n      {detail}")
        if len(self.failures) > max_failures:
            lines.append(f"  ... and {len(self.failures) - max_failures} more failures")
        for reason, count in self.skip_reasons.most_common():
            lines.append(f"  skipped {count}: {reason}")
        return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# Result matching

def _is_nan(bits: int, width: int) -> tuple[bool, int, int]:
    mantissa_bits = 23 if width == 32 else 52
    exponent_mask = (1 << (width - 1 - mantissa_bits)) - 1
    exponent = (bits >> mantissa_bits) & exponent_mask
    mantissa = bits & ((1 << mantissa_bits) - 1)
    return exponent == exponent_mask and mantissa != 0, mantissa, 1 << (mantissa_bits - 1)


def nan_matches(kind: str, bits: int, width: int) -> bool:
    """`nan:canonical`: payload exactly the quiet bit; `nan:arithmetic`: quiet bit set."""
    is_nan, mantissa, quiet = _is_nan(bits, width)
    if not is_nan:
        return False
    if kind == "canonical":
        return mantissa == quiet
    return bool(mantissa & quiet)


def _lanes(value: int, width: int) -> list[int]:
    mask = (1 << width) - 1
    return [(value >> (i * width)) & mask for i in range(128 // width)]


def matches(expected: object, actual: Const) -> bool:
    """Whether one actual result satisfies one expected pattern."""
    if isinstance(expected, Either):
        return any(matches(alternative, actual) for alternative in expected.alternatives)
    if isinstance(expected, NanPattern):
        return actual.type == expected.type and isinstance(actual.value, int) and \
            nan_matches(expected.kind, actual.value, 32 if expected.type == "f32" else 64)
    if isinstance(expected, V128Pattern):
        if actual.type != "v128" or not isinstance(actual.value, int):
            return False
        lane_type = expected.shape.split("x")[0]
        width = LANE_WIDTH[lane_type]
        for want, got in zip(expected.lanes, _lanes(actual.value, width)):
            if isinstance(want, NanPattern):
                if not nan_matches(want.kind, got, width):
                    return False
            elif want != got:
                return False
        return True
    if isinstance(expected, RefPattern):
        if expected.kind == "null":
            return actual.type in ALL_REFERENCE_TYPES and actual.value is None
        if actual.value is None:
            return False
        kind = expected.kind
        if kind in ("eq", "i31", "struct", "array"):
            # GC objects: the adapter reports their kind; i31, struct and array are all eq
            return actual.type == "anyref" and isinstance(actual.value, GcRef) and \
                (kind == "eq" or actual.value.kind == kind)
        want_type = {"func": "funcref", "extern": "externref", "any": "anyref",
                     "exn": "exnref"}[kind]
        if actual.type != want_type:
            return False
        return expected.value is None or actual.value == expected.value
    if isinstance(expected, Const):
        if expected.value is None:
            # a null matches a null of the same hierarchy: (ref.null any) is (ref.null none)
            return actual.value is None and expected.type in REF_HIERARCHY and \
                REF_HIERARCHY.get(actual.type) == REF_HIERARCHY[expected.type]
        if expected.type != actual.type:
            return False
        if expected.type in ALL_REFERENCE_TYPES:
            if actual.value is None:
                return False
            if expected.type == "funcref":
                return True
        return expected.value == actual.value
    return False


def describe(value: object) -> str:
    """A value or pattern as a reader wants to see it in a failure message."""
    if isinstance(value, Const):
        t, v = value.type, value.value
        if t in ("i32", "i64") and isinstance(v, int):
            bits = 32 if t == "i32" else 64
            signed = v - (1 << bits) if v >> (bits - 1) else v
            return f"{t}:{v}" + (f" ({signed})" if signed != v else "")
        if t in ("f32", "f64") and isinstance(v, int):
            return f"{t}:{v:#0{10 if t == 'f32' else 18}x}"
        if t == "v128" and isinstance(v, int):
            return f"v128:{v:#034x}"
        if v is None:
            return f"{t}:null"
        return f"{t}:{v!r}"
    if isinstance(value, NanPattern):
        return f"{value.type}:nan:{value.kind}"
    if isinstance(value, V128Pattern):
        lanes = " ".join(f"nan:{lane.kind}" if isinstance(lane, NanPattern) else f"{lane:#x}"
                         for lane in value.lanes)
        return f"{value.shape}[{lanes}]"
    if isinstance(value, RefPattern):
        return f"(ref.{value.kind}{'' if value.value is None else f' {value.value}'})"
    if isinstance(value, Either):
        return "(either " + " ".join(describe(a) for a in value.alternatives) + ")"
    return repr(value)


def _actual_as_lanes(expected: object, actual: Const) -> str:
    if isinstance(expected, V128Pattern) and isinstance(actual.value, int):
        width = LANE_WIDTH[expected.shape.split("x")[0]]
        return f"{expected.shape}[" + " ".join(f"{lane:#x}" for lane in
                                              _lanes(actual.value, width)) + "]"
    return describe(actual)


def _unsupported_value(value: object) -> str | None:
    """Why a value or pattern is beyond what the runner checks (a 3.0 reference type), if so."""
    if isinstance(value, Const):
        if value.type not in NUMERIC_TYPES + ALL_REFERENCE_TYPES:
            return f"value type {value.type} (3.0)"
    elif isinstance(value, RefPattern):
        if value.kind not in REF_PATTERN_KINDS:
            return f"reference pattern ref.{value.kind} (3.0)"
    elif isinstance(value, Either):
        for alternative in value.alternatives:
            reason = _unsupported_value(alternative)
            if reason:
                return reason
    return None


def _message(error: BaseException) -> str:
    if isinstance(error, Trap):
        return error.message
    reason = getattr(error, "reason", None)
    return reason if isinstance(reason, str) else str(error)


# ----------------------------------------------------------------------------------------------
# Text modules

class TextTools:
    """Our text parser and binary encoder, when installed (written by the text-format work)."""

    def __init__(self) -> None:
        try:
            from ..binary.encode import encode_module
        except ImportError:
            encode_module = None
        try:
            from ..text import parse_module
        except ImportError:
            parse_module = None
        self.encode_module: Callable[[Any], bytes] | None = encode_module
        self.parse_module: Callable[[str], Any] | None = parse_module
        self.wasm3 = False          # parse quoted modules with the 3.0 rules (see run_file)

    def binary(self, source: ModuleSource) -> bytes:
        """The bytes of a module source; raises ParseError for malformed text."""
        if source.kind == "binary" and source.binary is not None:
            return source.binary
        if source.kind == "text" and source.text is not None:
            if self.encode_module is None:
                raise _Skip("text module needs pywasm_core.binary.encode.encode_module")
            return self.encode_module(source.text)
        if source.kind == "quote" and source.quote is not None:
            if self.parse_module is not None and self.encode_module is not None:
                if self.wasm3:
                    return self.encode_module(self.parse_module(source.quote, wasm3=True))
                return self.encode_module(self.parse_module(source.quote))
            if source.binary is not None:
                return source.binary
            raise _Skip("text module needs pywasm_core.text.parse_module")
        raise _Fail(f"empty module source of kind {source.kind!r}")


# ----------------------------------------------------------------------------------------------
# The runner

@contextlib.contextmanager
def _alarm(seconds: float | None) -> Iterator[Callable[[], None]]:
    """Yields `arm()`, which (re)starts a per-command SIGALRM timer; a no-op off the main thread."""
    usable = bool(seconds) and hasattr(signal, "setitimer") and \
        threading.current_thread() is threading.main_thread()
    if not usable:
        yield lambda: None
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise CommandTimeout(f"command took longer than {seconds:g}s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        yield lambda: signal.setitimer(signal.ITIMER_REAL, seconds)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _why(error: BaseException) -> str:
    if isinstance(error, (_Fail, _Skip)):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _norm(name: str | None) -> str | None:
    return name[1:] if name and name.startswith("$") else name


class Runner:
    """Runs scripts through one adapter.  `timeout` bounds each command (main thread only); after
    `max_timeouts` timeouts the rest of the script fails unrun, so a hanging engine cannot stall
    a CI run for hours."""

    def __init__(self, adapter: EngineAdapter, timeout: float | None = None,
                 text_tools: TextTools | None = None, max_timeouts: int = 3):
        self.adapter = adapter
        self.timeout = timeout
        self.max_timeouts = max_timeouts
        self.text = text_tools or TextTools()
        self.strict = bool(getattr(adapter, "strict_errors", True))
        self.features = frozenset(getattr(adapter, "features", ()))

    # -- state per script
    def _reset(self) -> None:
        self.adapter.reset()
        self.current: Any = None
        self.instances: dict[str, Any] = {}
        self.definitions: dict[str, Any] = {}

    def run(self, script: Script) -> FileResult:
        result = FileResult(file=script.file, engine=getattr(self.adapter, "name", "?"))
        started = time.perf_counter()
        try:
            self._reset()
        except Exception:
            result.record(Outcome(0, "engine setup", "failed", traceback.format_exc(limit=8)))
            result.seconds = time.perf_counter() - started
            return result
        timeouts = 0
        with _alarm(self.timeout) as arm:
            for command in script.commands:
                if timeouts >= self.max_timeouts:
                    result.record(Outcome(command.line, self._title(command), "failed",
                                          f"not run: {timeouts} earlier commands timed out"))
                    continue
                outcome = self._run_command(command, arm)
                timeouts += outcome.detail.startswith("timeout:")
                result.record(outcome)
        result.seconds = time.perf_counter() - started
        return result

    def _run_command(self, command: Command, arm: Callable[[], None]) -> Outcome:
        title = self._title(command)
        try:
            arm()
            try:
                self._dispatch(command)
            finally:
                if self.timeout:
                    with contextlib.suppress(Exception):
                        signal.setitimer(signal.ITIMER_REAL, 0)
        except _Skip as skip:
            return Outcome(command.line, title, "skipped", str(skip))
        except _Fail as failure:
            return Outcome(command.line, title, "failed", str(failure))
        except CommandTimeout as timeout:
            return Outcome(command.line, title, "failed", f"timeout: {timeout}")
        except ScriptError as error:
            return Outcome(command.line, title, "failed", f"script error: {error}")
        except EngineContractError as error:
            return Outcome(command.line, title, "failed", f"engine API error: {error}")
        except WasmError as error:
            return Outcome(command.line, title, "failed",
                           f"unexpected {type(error).__name__}: {error}")
        except (Exception, SystemExit) as error:  # the engine leaked a Python error: a failure
            return Outcome(command.line, title, "failed",
                           f"Python exception {type(error).__name__}: {error}\n"
                           + traceback.format_exc(limit=12))
        return Outcome(command.line, title, "passed")

    @staticmethod
    def _title(command: Command) -> str:
        def action_text(action: Action | None) -> str:
            if action is None:
                return "(module)"
            where = f"{action.module}." if action.module else ""
            args = ", ".join(describe(a) for a in action.args)
            call = f"({args})" if action.kind == "invoke" else ""
            return f'{action.kind} {where}"{action.field}"{call}'
        if isinstance(command, ModuleCmd):
            word = "module definition" if command.definition else "module"
            return f"{word} {command.name or ''}".rstrip() + f" ({command.source.kind})"
        if isinstance(command, AssertModule):
            return f"assert_{command.kind} ({command.module.kind}) {command.text!r}"
        if isinstance(command, RegisterCmd):
            return f"register {command.as_name!r}"
        if isinstance(command, AssertReturn):
            return "assert_return " + action_text(command.action)
        if isinstance(command, AssertTrap):
            return f"assert_trap {action_text(command.action)} {command.text!r}"
        if isinstance(command, AssertExhaustion):
            return f"assert_exhaustion {action_text(command.action)}"
        if isinstance(command, ActionCmd):
            return action_text(command.action)
        if isinstance(command, AssertException):
            return "assert_exception " + action_text(command.action)
        if isinstance(command, ModuleInstanceCmd):
            return f"module instance {command.instance or ''} of {command.definition}"
        return type(command).__name__

    # -- commands
    def _dispatch(self, command: Command) -> None:
        if isinstance(command, ModuleCmd):
            self._module(command)
        elif isinstance(command, ModuleInstanceCmd):
            self._module_instance(command)
        elif isinstance(command, RegisterCmd):
            self.adapter.register(command.as_name, self._instance(command.name))
        elif isinstance(command, ActionCmd):
            self._act(command.action)
        elif isinstance(command, AssertReturn):
            self._assert_return(command)
        elif isinstance(command, AssertTrap):
            if command.action is not None:
                self._expect(lambda: self._act(command.action), (Trap,), command.text, "trap")
            else:
                self._expect_uninstantiable(command.module, command.text)
        elif isinstance(command, AssertExhaustion):
            self._expect(lambda: self._act(command.action), (Exhausted,), command.text, "exhaustion")
        elif isinstance(command, AssertModule):
            self._assert_module(command)
        elif isinstance(command, AssertException):
            if "exceptions" not in self.features:
                raise _Skip("assert_exception: exception handling (3.0) is not supported")
            self._expect(lambda: self._act(command.action), (WasmException,), "",
                         "uncaught exception")
        else:
            describe_command = getattr(command, "describe", None)
            reason = describe_command() if callable(describe_command) else \
                f"unsupported command {type(command).__name__}"
            raise _Skip(reason)

    def _module(self, command: ModuleCmd) -> None:
        name = _norm(command.name)
        try:
            module = self.adapter.compile(self.text.binary(command.source))
            if command.definition:
                if name:
                    self.definitions[name] = module
                return
            instance = self.adapter.instantiate(module)
        except _Skip as skip:
            self._set_current(name, Broken(command.line, f"skipped: {skip}"), command.definition)
            raise
        except BaseException as error:
            self._set_current(name, Broken(command.line, _why(error)), command.definition)
            raise
        self._set_current(name, instance, False)

    def _set_current(self, name: str | None, value: Any, definition: bool) -> None:
        if definition:
            if name:
                self.definitions[name] = value
            return
        self.current = value
        if name:
            self.instances[name] = value

    def _module_instance(self, command: ModuleInstanceCmd) -> None:
        name = _norm(command.instance)
        definition = self.definitions.get(_norm(command.definition) or "")
        try:
            if definition is None:
                raise _Fail(f"unknown module definition {command.definition!r}")
            if isinstance(definition, Broken):
                raise _Fail(f"module definition from line {definition.line} failed: {definition.reason}")
            instance = self.adapter.instantiate(definition)
        except BaseException as error:
            self._set_current(name, Broken(command.line, _why(error)), False)
            raise
        self._set_current(name, instance, False)

    def _instance(self, name: str | None) -> Any:
        if name is None:
            target = self.current
            if target is None:
                raise _Fail("no module has been instantiated before this command")
        else:
            key = _norm(name)
            if key not in self.instances:
                raise _Fail(f"unknown module {name!r}")
            target = self.instances[key]
        if isinstance(target, Broken):
            if target.reason.startswith("skipped: "):
                raise _Skip(f"module at line {target.line} was {target.reason}")
            raise _Fail(f"the module at line {target.line} failed to load: {target.reason}")
        return target

    def _check_values(self, values: list) -> None:
        for value in values:
            reason = _unsupported_value(value)
            if reason:
                raise _Skip(reason)

    def _act(self, action: Action) -> list[Const]:
        self._check_values(action.args)
        instance = self._instance(action.module)
        if action.kind == "invoke":
            return self.adapter.invoke(instance, action.field, action.args)
        if action.kind == "get":
            return [self.adapter.get(instance, action.field)]
        raise _Skip(f"unsupported action {action.kind}")

    def _assert_return(self, command: AssertReturn) -> None:
        self._check_values(command.expected)
        actual = self._act(command.action)
        if len(actual) != len(command.expected):
            raise _Fail(f"expected {len(command.expected)} results, got {len(actual)}: "
                        + ", ".join(describe(a) for a in actual))
        for i, (want, got) in enumerate(zip(command.expected, actual)):
            if not matches(want, got):
                raise _Fail(f"result {i}: expected {describe(want)}, got {_actual_as_lanes(want, got)}")

    def _expect(self, thunk: Callable[[], object], classes: tuple[type, ...], text: str,
                what: str) -> None:
        try:
            thunk()
        except classes as error:
            message = _message(error)
            if self.strict and not message.startswith(text):
                raise _Fail(f"expected {what} {text!r}, got {type(error).__name__} {message!r}")
            return
        except _Skip:
            raise
        except _Fail:
            raise
        except WasmError as error:
            raise _Fail(f"expected {what} {text!r}, got {type(error).__name__}: {error}") from None
        raise _Fail(f"expected {what} {text!r}, but it succeeded")

    def _expect_uninstantiable(self, source: ModuleSource, text: str) -> None:
        module = self.adapter.compile(self.text.binary(source))
        self._expect(lambda: self.adapter.instantiate(module), (Trap,), text, "trap")

    def _expect_invalid_custom(self, source: ModuleSource, text: str) -> None:
        """The module must load (it is valid: custom sections never make it invalid), and
        our custom-section checker must reject it."""
        from ..binary.decode import decode_module
        from ..features import WASM2, WASM3
        from ..valid.custom import check_custom_sections
        binary = self.text.binary(source)
        self.adapter.compile(binary)
        syntax = decode_module(binary, features=WASM3 if self.text.wasm3 else WASM2)
        self._expect(lambda: check_custom_sections(syntax), (ValidationError,), text,
                     "invalid custom section")

    def _assert_module(self, command: AssertModule) -> None:
        source, text = command.module, command.text
        if command.kind in ("invalid", "malformed"):
            if command.kind == "malformed":
                classes: tuple[type, ...] = (ParseError,) if source.kind in ("text", "quote") \
                    else (DecodeError,)
            else:
                classes = (ValidationError,)
            if not self.strict:
                classes = (DecodeError, ParseError, ValidationError)
            if source.kind == "quote" and command.kind == "malformed" and \
                    self.text.parse_module is None:
                raise _Skip("malformed text module needs pywasm_core.text.parse_module")
            self._expect(lambda: self.adapter.compile(self.text.binary(source)), classes, text,
                         command.kind)
        elif command.kind == "unlinkable":
            module = self.adapter.compile(self.text.binary(source))
            self._expect(lambda: self.adapter.instantiate(module), (LinkError,), text, "link error")
        elif command.kind == "uninstantiable":
            self._expect_uninstantiable(source, text)
        elif command.kind == "malformed_custom":
            # only our text parser reads annotations: a module wasm-tools turned into bytes
            # says nothing about it
            if source.kind not in ("text", "quote") or self.text.parse_module is None or \
                    (source.kind == "quote" and source.quote is None):
                raise _Skip("assert_malformed_custom needs our text parser and a text module")
            self._expect(lambda: self.text.binary(source), (ParseError,), text,
                         "custom annotation error")
        elif command.kind == "invalid_custom":
            self._expect_invalid_custom(source, text)
        else:
            raise _Skip(f"unsupported assertion assert_{command.kind}")


# ----------------------------------------------------------------------------------------------
# Files

def load_script(path: str | os.PathLike, frontend: str = "auto") -> tuple[Script, str, list[str]]:
    """Read a `.wast` with the chosen front end: "text" (pywasm_core.text.parse_script), "json"
    (wasm-tools), or "auto" (text when it exists and accepts the file, else json, with a note).
    Returns (script, front end used, notes)."""
    from .json_frontend import FrontendError
    from .json_frontend import load_script as load_json

    if frontend not in FRONTENDS:
        raise ValueError(f"unknown front end {frontend!r}; one of {', '.join(FRONTENDS)}")
    notes: list[str] = []
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise FrontendError(f"cannot read {path}: {error.strerror or error}") from None
    if frontend in ("auto", "text"):
        try:
            from ..text import parse_script
        except ImportError:
            if frontend == "text":
                raise FrontendError("the text front end (pywasm_core.text.parse_script) is not installed")
        else:
            try:
                source = raw.decode("utf-8", errors="surrogateescape")
                if features_for_path(path).names():          # a 3.0 file: 3.0 text rules
                    return parse_script(source, str(path), wasm3=True), "text", notes
                return parse_script(source, str(path)), "text", notes
            except Exception as error:
                if frontend == "text":
                    raise FrontendError(f"text front end: {type(error).__name__}: {error}") from error
                notes.append(f"text front end failed ({type(error).__name__}: {error}); used json")
    return load_json(path), "json", notes


# --- WebAssembly 3.0 feature selection (added with the 3.0 front half) -------------------------
def features_for_path(path: str | os.PathLike):
    """The feature set a testsuite file is written for: scripts under a `3.0/` directory use
    WebAssembly 3.0 (`3.0/legacy/` also the legacy exception instructions), all others 2.0."""
    from ..features import WASM2, WASM3, WASM3_LEGACY

    parts = os.path.normpath(os.fspath(path)).split(os.sep)
    if "3.0" not in parts:
        return WASM2
    return WASM3_LEGACY if "legacy" in parts[parts.index("3.0"):] else WASM3


def _select_features(path, adapter, runner) -> None:
    """Tell the text tools, and the adapter if it can take them (`use_features(features)`), which
    rules apply to this file."""
    from ..features import WASM2

    features = features_for_path(path)
    runner.text.wasm3 = features != WASM2
    use = getattr(adapter, "use_features", None)
    if callable(use):
        use(features)
# ------------------------------------------------------------------------------------------------


def run_file(path: str | os.PathLike, adapter: EngineAdapter | None = None, frontend: str = "auto",
             timeout: float | None = None) -> FileResult:
    """Load and run one `.wast`; front-end failures become one failed outcome, never an exception."""
    from .json_frontend import FrontendError

    try:
        adapter = adapter or make_adapter()
    except Exception as error:
        result = FileResult(file=str(path), engine="?")
        result.record(Outcome(0, "engine setup", "failed",
                              f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=6)}"))
        return result
    started = time.perf_counter()
    try:
        script, used, notes = load_script(path, frontend)
    except (FrontendError, OSError) as error:
        result = FileResult(file=str(path), engine=getattr(adapter, "name", "?"), frontend=frontend)
        result.record(Outcome(0, "load script", "failed", str(error)))
        return result
    load_seconds = time.perf_counter() - started
    runner = Runner(adapter, timeout=timeout)
    _select_features(path, adapter, runner)     # 3.0 files: 3.0 rules
    result = runner.run(script)
    result.file = str(path)
    result.frontend = used
    result.notes = notes + result.notes
    result.seconds += load_seconds
    return result
