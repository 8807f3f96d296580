"""The `.wast` script format (the spec interpreter's script language): text -> `commands.Script`.

Modules written as text are parsed here, once, into `syntax.Module` (`ModuleSource(kind="text")`);
`(module binary ...)` becomes bytes and `(module quote ...)` keeps its source, which the runner
parses when it executes the command (a malformed quote module must fail then, not here).
Values follow `script.commands`: ints unsigned, floats as bit patterns, v128 as one int.
"""

from __future__ import annotations

from ..errors import ParseError
from ..script.commands import (Action, ActionCmd, AssertException, AssertExhaustion, AssertModule,
                               AssertReturn, AssertTrap, Const, Either, ModuleCmd,
                               ModuleInstanceCmd, ModuleSource, NanPattern, RefPattern,
                               RegisterCmd, Script, V128Pattern)
from .lexer import ATOM, EOF, LPAR, RPAR, STRING, tokenize
from .parser import V128_SHAPES, ModuleParser

_CONST_TYPES = {"i32.const": (32, False, "i32"), "i64.const": (64, False, "i64"),
                "f32.const": (32, True, "f32"), "f64.const": (64, True, "f64")}
_ASSERT_MODULE = {"assert_invalid": "invalid", "assert_malformed": "malformed",
                  "assert_unlinkable": "unlinkable", "assert_uninstantiable": "uninstantiable",
                  "assert_malformed_custom": "malformed_custom",
                  "assert_invalid_custom": "invalid_custom"}
_COMMANDS = frozenset(("module", "register", "invoke", "get", "assert_return", "assert_trap",
                       "assert_exhaustion", "assert_exception", *_ASSERT_MODULE))


def parse_script(text: str, file: str | None = None, wasm3: bool = False) -> Script:
    """Parse a whole `.wast` script.  A file of bare module fields is one module command.
    `wasm3`: parse modules with the WebAssembly 3.0 rules (see `parse_module`)."""
    try:
        return _parse_script(text, file, wasm3)
    except RecursionError:
        raise ParseError("nesting too deep", file) from None


def _parse_script(text: str, file: str | None, wasm3: bool = False) -> Script:
    tokens = tokenize(text, file)
    parser = ScriptParser(tokens, wasm3)
    commands = parser.commands()
    tokens.check_balanced()
    return Script(file or "<input>", commands)


# the bottom heap types' script names, as wasm-tools' JSON names them (`nullref` ...)
_BOTTOM_REF_NAMES = {"none": "nullref", "nofunc": "nullfuncref", "noextern": "nullexternref",
                     "noexn": "nullexnref"}


def _ref_type_name(heap: str) -> str:
    """`func` -> `funcref`, `extern` -> `externref`, and 3.0's `any` -> `anyref`, `none` ->
    `nullref` etc."""
    return _BOTTOM_REF_NAMES.get(heap, heap + "ref")


class ScriptParser(ModuleParser):
    """Reads commands; module bodies are handed to a fresh ModuleParser over the same tokens."""

    def line(self, i: int) -> int:
        return self.tokens.source.position(self.tokens.starts[i])[0]

    def commands(self) -> list:
        k, t = self.k, self.t
        if k[0] == LPAR and k[1] == ATOM and t[1] not in _COMMANDS:
            # an inline module: the whole script is the fields of one module
            module = ModuleParser(self.tokens, self.wasm3).parse(0, self.tokens.eof,
                                                                 allow_name=False)
            return [ModuleCmd(1, ModuleSource("text", text=module))]
        result = []
        while k[self.i] != EOF:
            result.append(self.command())
        return result

    def command(self):
        start = self.i
        if self.k[start] != LPAR or self.k[start + 1] != ATOM:
            raise self.unexpected("a script command '('")
        word = self.t[start + 1]
        line = self.line(start)
        if word == "module":
            return self.module_command(line)
        if word == "register":
            self.i += 2
            as_name = self.name()
            name = self.opt_id()
            self.rpar()
            return RegisterCmd(line, as_name, name)
        if word in ("invoke", "get"):
            return ActionCmd(line, self.action())
        self.i += 2
        if word == "assert_return":
            action = self.action()
            expected = []
            while self.k[self.i] == LPAR:
                expected.append(self.result())
            self.rpar()
            return AssertReturn(line, action, expected)
        if word == "assert_trap":
            if self.at_group("module"):
                source, _ = self.module_source()
                command = AssertTrap(line, None, source, self.failure_text())
            else:
                command = AssertTrap(line, self.action(), None, self.failure_text())
            self.rpar()
            return command
        if word == "assert_exhaustion":
            command = AssertExhaustion(line, self.action(), self.failure_text())
            self.rpar()
            return command
        if word == "assert_exception":
            command = AssertException(line, self.action())
            self.rpar()
            return command
        kind = _ASSERT_MODULE.get(word)
        if kind is not None:
            if not self.at_group("module"):
                raise self.unexpected("(module ...)")
            source, _ = self.module_source()
            command = AssertModule(line, kind, source, self.failure_text())
            self.rpar()
            return command
        raise self.error(f"unknown operator {word}, expected a script command", start + 1)

    def failure_text(self) -> str:
        return self.name()

    # ------------------------------------------------------------------ modules
    def module_command(self, line: int):
        start = self.i
        k, t = self.k, self.t
        if k[start + 2] == ATOM and t[start + 2] == "instance":
            self.i = start + 3
            instance = self.opt_id()
            definition = self.opt_id()
            self.rpar()
            return ModuleInstanceCmd(line, instance, definition)
        source, name, definition = self._module(start)
        return ModuleCmd(line, source, name, definition)

    def module_source(self) -> tuple[ModuleSource, str | None]:
        source, name, _ = self._module(self.i)
        return source, name

    def _module(self, start: int) -> tuple[ModuleSource, str | None, bool]:
        """`(module definition? $id? (binary|quote)? ...)` starting at token `start`."""
        end = self.close[start]
        self.i = start + 2
        definition = False
        if self.k[self.i] == ATOM and self.t[self.i] == "definition":
            definition = True
            self.i += 1
        name_index = self.i
        name = self.opt_id()
        word = self.t[self.i] if self.k[self.i] == ATOM else None
        if word == "binary" or word == "quote":
            self.i += 1
            data = bytearray()
            while self.k[self.i] == STRING:
                data += self.string()
            self.rpar()
            if word == "binary":
                return ModuleSource("binary", binary=bytes(data)), name, definition
            return ModuleSource("quote", quote=data.decode("utf-8", "surrogateescape")), \
                name, definition
        module = ModuleParser(self.tokens, self.wasm3).parse(name_index, end, allow_name=True)
        self.i = end
        self.rpar()
        return ModuleSource("text", text=module), name, definition

    # ------------------------------------------------------------------ actions and values
    def action(self) -> Action:
        if not (self.at_group("invoke") or self.at_group("get")):
            raise self.unexpected("an action (invoke ...) or (get ...)")
        kind = self.t[self.i + 1]
        self.i += 2
        module = self.opt_id()
        field = self.name()
        args = []
        if kind == "invoke":
            while self.k[self.i] == LPAR:
                args.append(self.const())
        self.rpar()
        return Action(kind, field, args, module)

    def const(self) -> Const:
        return self.value(pattern=False)

    def result(self):
        return self.value(pattern=True)

    def value(self, pattern: bool):
        """A `(t.const ...)` / `(ref.* ...)` argument, or with `pattern`, an expected result."""
        start = self.i
        if self.k[start] != LPAR or self.k[start + 1] != ATOM:
            raise self.unexpected("a constant")
        word = self.t[start + 1]
        self.i += 2
        if word in _CONST_TYPES:
            bits, is_float, type_name = _CONST_TYPES[word]
            if pattern and is_float and self.k[self.i] == ATOM and \
                    self.t[self.i] in ("nan:canonical", "nan:arithmetic"):
                result = NanPattern(type_name, self.t[self.i][4:])
                self.i += 1
            else:
                result = Const(type_name, self.number(bits, is_float))
        elif word == "v128.const":
            result = self.v128_value(pattern)
        elif word == "ref.null":
            if pattern and self.k[self.i] == RPAR:
                result = RefPattern("null")
            else:
                if self.k[self.i] != ATOM:
                    raise self.unexpected("a heap type")
                heap = self.t[self.i]
                self.i += 1
                result = Const(_ref_type_name(heap), None)
        elif word == "ref.extern" or word == "ref.host":
            # `ref.host n` is host reference n itself (in the `any` hierarchy once passed to
            # wasm); `ref.extern n` is that reference as an externref (3.0 scripts)
            if self.k[self.i] == RPAR:
                if not pattern:
                    raise self.unexpected("a host reference number")
                result = RefPattern("extern" if word == "ref.extern" else "any")
            else:
                result = Const("externref" if word == "ref.extern" else "anyref",
                               self.u32("a host reference number"))
        elif word == "either" and pattern:
            alternatives = []
            while self.k[self.i] == LPAR:
                alternatives.append(self.value(pattern=True))
            result = Either(tuple(alternatives))
        elif pattern and word.startswith("ref.") and self.k[self.i] == RPAR:
            result = RefPattern(word[4:])          # (ref.func), (ref.any), (ref.i31), ...
        else:
            raise self.error(f"unknown operator {word}, expected a constant", start + 1)
        self.rpar()
        return result

    def v128_value(self, pattern: bool):
        shape = self.t[self.i] if self.k[self.i] == ATOM else None
        if shape not in V128_SHAPES:
            raise self.unexpected("a v128 shape (i8x16 i16x8 i32x4 i64x2 f32x4 f64x2)")
        count, bits, is_float = V128_SHAPES[shape]
        if not (pattern and is_float):
            return Const("v128", self.v128_literal())
        self.i += 1
        lanes = []
        for _ in range(count):
            if self.k[self.i] != ATOM:
                raise self.error("wrong number of lane literals")
            text = self.t[self.i]
            if text in ("nan:canonical", "nan:arithmetic"):
                lanes.append(NanPattern(shape[:3], text[4:]))
                self.i += 1
            else:
                lanes.append(self.number(bits, True))
        if not any(isinstance(lane, NanPattern) for lane in lanes):
            value = 0
            for position, lane in enumerate(lanes):
                value |= lane << (position * bits)
            return Const("v128", value)
        return V128Pattern(shape, tuple(lanes))
