"""The `pywasm-core` command line (also `python -m pywasm_core`).

Exit status: 0 success, 1 a wasm trap (or a `.wast` run with failures), 2 bad input (unreadable,
malformed, invalid or unlinkable module, unknown export, bad argument), 3 an internal error.
Every error is one line on stderr starting with "error:"; a trap adds its wasm backtrace.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import struct
import sys
from pathlib import Path
from typing import Any, Iterator, NoReturn, Sequence

import click

from .errors import DecodeError, LinkError, ParseError, Trap, ValidationError, WasmError

EXIT_TRAP = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3

SECTION_NAMES = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory",
                 6: "global", 7: "export", 8: "start", 9: "element", 10: "code", 11: "data",
                 12: "datacount", 13: "tag"}


class CliError(Exception):
    """A failure to report as one line and an exit status."""

    def __init__(self, message: str, status: int = EXIT_BAD_INPUT):
        super().__init__(message)
        self.status = status


def _die(message: str, status: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(status)


def _error_line(path: str, error: BaseException) -> str:
    kind = {DecodeError: "malformed module", ParseError: "malformed text",
            ValidationError: "invalid module", LinkError: "link error"}.get(type(error), "error")
    return f"{path}: {kind}: {error}"


MAX_FRAMES = 20


def trap_text(trap: Trap) -> str:
    """The trap message and its wasm backtrace, cut down to the innermost and outermost frames."""
    frames = trap.frames
    lines = [f"trap: {trap.message}"]
    if frames:
        lines.append("wasm backtrace:")
        shown = list(enumerate(frames))
        if len(frames) > MAX_FRAMES:
            half = MAX_FRAMES // 2
            shown = shown[:half] + [(-1, None)] + shown[-half:]
        for index, frame in shown:
            if frame is None:
                lines.append(f"  ... {len(frames) - 2 * (MAX_FRAMES // 2)} frames omitted ...")
            else:
                lines.append(f"  {index:>3}: {frame}")
    return "\n".join(lines)


@contextlib.contextmanager
def _about(path: str) -> Iterator[None]:
    """Turn the engine's errors about `path` into CliErrors: traps exit 1, everything else 2."""
    try:
        yield
    except Trap as trap:
        raise CliError(trap_text(trap), EXIT_TRAP) from None
    except WasmError as error:
        raise CliError(_error_line(path, error)) from None


# ----------------------------------------------------------------------------------------------
# Loading

def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CliError(f"{path}: cannot read: {error.strerror or error}") from None


def _is_text(path: str, data: bytes) -> bool:
    return path.endswith((".wat", ".wast")) or not data.startswith(b"\0asm")


def _text_to_binary(path: str, data: bytes) -> bytes:
    """Assemble a `.wat` with our own text parser and encoder."""
    from .binary.encode import encode_module
    from .text import parse_module

    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ParseError("malformed UTF-8 encoding", path) from None
    return encode_module(parse_module(source, path))


def load_binary(path: str) -> bytes:
    """The module's bytes: a `.wasm` as is, a `.wat` assembled."""
    data = _read(path)
    return _text_to_binary(path, data) if _is_text(path, data) else data


def load_module(path: str) -> tuple[Any, Any]:
    """(engine, validated Module) for a `.wasm` or `.wat` file."""
    from . import Engine, Module

    engine = Engine()
    return engine, Module(engine, load_binary(path))


# ----------------------------------------------------------------------------------------------
# Values

def _int_arg(text: str, bits: int) -> int:
    body = text.replace("_", "")
    try:
        value = int(body, 0)
    except ValueError:
        try:
            value = int(body, 10)            # decimal with leading zeros, e.g. "007"
        except ValueError:
            raise CliError(f"{text!r} is not an i{bits} integer") from None
    if not -(1 << (bits - 1)) <= value < (1 << bits):
        raise CliError(f"{text!r} is out of range for i{bits}")
    return value


def _nan_arg(body: str, type_name: str) -> float:
    """`nan`, `-nan` or `nan:0xPAYLOAD` (the text format's spelling) as the engine's float."""
    from .numerics.floats import f32_from_bits, f64_from_bits

    sign, _, rest = body.rpartition("nan")
    frac_bits = 23 if type_name == "f32" else 52
    payload = 1 << (frac_bits - 1)
    if rest:
        if not rest.startswith(":0x"):
            raise ValueError(body)
        payload = int(rest[3:], 16)
    if sign not in ("", "+", "-") or not 0 < payload < (1 << frac_bits):
        raise ValueError(body)
    width = 32 if type_name == "f32" else 64
    bits = (1 << (width - 1) if sign == "-" else 0) | (((1 << (width - frac_bits - 1)) - 1)
                                                       << frac_bits) | payload
    return f32_from_bits(bits) if type_name == "f32" else f64_from_bits(bits)


def _float_arg(text: str, type_name: str) -> float:
    body = text.replace("_", "")
    try:
        if "nan" in body.lower():
            return _nan_arg(body.lower(), type_name)
        if body.lstrip("+-").lower().startswith("0x"):
            return float.fromhex(body)
        return float(body)
    except (ValueError, OverflowError):
        raise CliError(f"{text!r} is not an {type_name} number") from None


def parse_arg(text: str, type_name: str) -> object:
    """One command-line argument, read according to the parameter's type."""
    if type_name in ("i32", "i64"):
        return _int_arg(text, int(type_name[1:]))
    if type_name in ("f32", "f64"):
        return _float_arg(text, type_name)
    if type_name == "v128":
        value = _int_arg(text, 128)
        return value & ((1 << 128) - 1)
    if text == "null":
        return None
    if type_name == "externref":
        return _int_arg(text, 64)
    raise CliError(f"cannot pass a {type_name} from the command line (only null)")


def format_result(value: object, type_name: str) -> str:
    """A result as a person reads it; floats print their shortest round-trip decimal."""
    if type_name in ("f32", "f64") and isinstance(value, float):
        if math.isnan(value):
            bits = struct.unpack("<Q", struct.pack("<d", value))[0]
            sign = "-" if bits >> 63 else ""
            if type_name == "f32":
                from .numerics.floats import f32_to_bits
                payload = f32_to_bits(value) & 0x7FFFFF
                canonical = 0x400000
            else:
                payload, canonical = bits & ((1 << 52) - 1), 1 << 51
            return f"{sign}nan" + ("" if payload == canonical else f":{payload:#x}")
        if type_name == "f32":
            import numpy
            return repr(float(str(numpy.float32(value)))) if math.isfinite(value) else repr(value)
        return repr(value)
    if type_name == "v128" and isinstance(value, int):
        return f"{value:#034x}"
    if value is None:
        return "null"
    return str(value)


# ----------------------------------------------------------------------------------------------
# Commands

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pywasm-core", prog_name="pywasm-core")
def cli() -> None:
    """pywasm-core: a pure-Python WebAssembly runtime."""


def _wasi_run_command() -> click.Command | None:
    """The WASI `run` command (pywasm_core.wasi.cli), when the WASI package is installed."""
    try:
        from .wasi.cli import run_command
    except ImportError:
        return None
    return run_command


def _invokes(args: Sequence[str]) -> bool:
    """Whether the command line asks for the --invoke form (or its help), before any `--`."""
    for arg in args:
        if arg == "--":
            return False
        if arg in ("--invoke", "-h", "--help") or arg.startswith("--invoke="):
            return True
    return False


class RunCommand(click.Command):
    """`run` has two forms: with --invoke it calls one export; without, it runs a WASI program."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        wasi = None if _invokes(args) else _wasi_run_command()
        if wasi is not None:
            return wasi.make_context(info_name, args, parent=parent, **extra)
        return super().make_context(info_name, args, parent=parent, **extra)


@cli.command(cls=RunCommand, context_settings={"ignore_unknown_options": True})
@click.argument("file")
@click.option("--invoke", "invoke_name", metavar="NAME", help="Exported function to call.")
@click.option("--fuel", type=int, default=None, help="Stop with a trap after this much fuel.")
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def run(file: str, invoke_name: str | None, fuel: int | None, args: Sequence[str]) -> None:
    """Run FILE (.wasm or .wat): call export NAME with ARGS, print the results one per line.

    Arguments are read by the function's parameter types (i32/i64 decimal or 0x hex, signed or
    unsigned; f32/f64 decimal, hex floats, inf, nan, nan:0xPAYLOAD).

    Without --invoke, FILE is a WASI command run through its `_start`:
    `run [--dir HOST[::GUEST]] [--env K=V] [--fuel N] ... PROGRAM [ARGS]`
    (WASI options go before PROGRAM; the exit status is the program's).
    """
    if invoke_name is None:
        _run_start(file, args)
        return
    with _about(file):
        _invoke(file, invoke_name, fuel, args)


def _invoke(file: str, invoke_name: str, fuel: int | None, args: Sequence[str]) -> None:
    from . import Func, Linker, Store

    engine, module = load_module(file)
    store = Store(engine)
    if fuel is not None:
        store.set_fuel(fuel)
    try:
        instance = Linker(engine).instantiate(store, module)
    except Trap as trap:
        raise CliError(f"{file}: during instantiation: {trap_text(trap)}", EXIT_TRAP) from None
    exports = instance.exports(store)
    if invoke_name not in exports:
        names = ", ".join(e.name for e in module.exports if e.type.__class__.__name__ == "FuncType")
        raise CliError(f"{file}: no exported function {invoke_name!r} (functions: {names or 'none'})")
    func = exports[invoke_name]
    if not isinstance(func, Func):
        raise CliError(f"{file}: export {invoke_name!r} is not a function")
    func_type = func.type(store)
    if len(args) != len(func_type.params):
        raise CliError(f"{invoke_name} takes {len(func_type.params)} argument(s) "
                       f"({' '.join(map(str, func_type.params)) or 'none'}), got {len(args)}")
    values = [parse_arg(a, t.name) for a, t in zip(args, func_type.params)]
    result = func(store, *values)
    results = [] if not func_type.results else \
        [result] if len(func_type.results) == 1 else list(result)
    for value, t in zip(results, func_type.results):
        click.echo(format_result(value, t.name))


def _run_start(file: str, args: Sequence[str]) -> None:
    """Reached only when the WASI package is missing (RunCommand hands WASI runs to it)."""
    raise CliError(f"{file}: running a program's _start needs pywasm_core.wasi, which is not "
                   "installed; use --invoke NAME")


@cli.command()
@click.argument("file")
@click.option("--custom", is_flag=True,
              help="Also check custom sections with a defined meaning (branch hints).")
def validate(file: str, custom: bool) -> None:
    """Check that FILE (.wasm or .wat) is a well-formed, valid module."""
    with _about(file):
        _, module = load_module(file)
        if custom:
            module.validate_custom_sections()
    click.echo(f"{file}: valid")


def scan_sections(data: bytes) -> list[tuple[int, str, int, int]]:
    """(id, name, payload offset, payload size) of each section, custom ones named by their name."""
    sections = []
    position = 8

    def leb(at: int) -> tuple[int, int]:
        result = shift = 0
        while True:
            if at >= len(data):
                raise DecodeError("unexpected end", at)
            byte = data[at]
            result |= (byte & 0x7F) << shift
            at += 1
            shift += 7
            if not byte & 0x80:
                return result, at
    while position < len(data):
        section_id = data[position]
        size, start = leb(position + 1)
        name = SECTION_NAMES.get(section_id, f"unknown {section_id}")
        if section_id == 0:
            length, name_start = leb(start)
            name = f"custom {data[name_start:name_start + length].decode('utf-8', 'replace')!r}"
        sections.append((section_id, name, start, size))
        position = start + size
    return sections


def _limits_text(limits: Any) -> str:
    return f"min {limits.min}" + (f", max {limits.max}" if limits.max is not None else ", no max")


@cli.command()
@click.argument("file")
def inspect(file: str) -> None:
    """Describe FILE: sections and sizes, imports, exports, memories, tables, code size."""
    from . import Engine, Module
    from .types import TableType

    with _about(file):
        data = load_binary(file)
        module = Module(Engine(), data)
        sections = scan_sections(data)
    syntax = module.syntax
    echo = click.echo
    echo(f"{file}: {len(data)} bytes" + (f", module name {module.name!r}" if module.name else ""))
    echo("sections:")
    for _, name, offset, size in sections:
        echo(f"  {name:<24} {size:>9} bytes at {offset:#x}")
    imported_funcs = len(syntax.imported("func"))
    echo(f"functions: {imported_funcs + len(syntax.funcs)} ({imported_funcs} imported, "
         f"{len(syntax.funcs)} defined)")
    code = [size for section_id, _, _, size in sections if section_id == 10]
    echo(f"code size: {code[0] if code else 0} bytes")
    echo(f"imports: {len(module.imports)}")
    for imp in module.imports:
        echo(f"  {imp.module}.{imp.name}: {_type_text(imp.type)}")
    echo(f"exports: {len(module.exports)}")
    for exp in module.exports:
        echo(f"  {exp.name}: {_type_text(exp.type)}")
    for kind, types in (("memory", syntax.all_memories()), ("table", syntax.all_tables())):
        for i, t in enumerate(types):
            element = f" {t.element}" if isinstance(t, TableType) else ""
            echo(f"{kind} {i}:{element} {_limits_text(t.limits)}")
    customs = [(name, size) for section_id, name, _, size in sections if section_id == 0]
    echo(f"custom sections: {len(customs)}")
    for name, size in customs:
        echo(f"  {name[7:]}: {size} bytes")


def _type_text(t: Any) -> str:
    from .types import FuncType, MemoryType, TableType

    if isinstance(t, FuncType):
        return f"func {t}"
    if isinstance(t, MemoryType):
        return f"memory {_limits_text(t.limits)}"
    if isinstance(t, TableType):
        return f"table {t.element} {_limits_text(t.limits)}"
    return str(t)


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Write the counts as JSON.")
@click.option("--frontend", type=click.Choice(["auto", "json", "text"]), default="auto",
              show_default=True, help="text: our parser; json: wasm-tools json-from-wast.")
@click.option("--engine", "engine_name", type=click.Choice(["pywasm-core", "wasmtime"]),
              default="pywasm-core", show_default=True)
@click.option("--timeout", type=float, default=None, help="Seconds allowed per command.")
@click.option("-v", "--verbose", is_flag=True, help="Show every failure, not the first ten.")
def wast(files: Sequence[str], json_out: str | None, frontend: str, engine_name: str,
         timeout: float | None, verbose: bool) -> None:
    """Run .wast spec scripts and print passed/failed/skipped per file (exit 1 on any failure)."""
    from .script.adapter import make_adapter
    from .script.runner import run_file

    results = []
    for path in files:
        results.append(run_file(path, make_adapter(engine_name), frontend=frontend, timeout=timeout))
    width = max([len(r.name) for r in results] + [5])
    click.echo(f"{'file':<{width}} {'passed':>7} {'failed':>7} {'skipped':>8}  front end")
    for r in results:
        click.echo(f"{r.name:<{width}} {r.passed:>7} {r.failed:>7} {r.skipped:>8}  {r.frontend}")
    totals = {key: sum(r.counts()[key] for r in results) for key in ("passed", "failed", "skipped")}
    click.echo(f"{'total':<{width}} {totals['passed']:>7} {totals['failed']:>7} {totals['skipped']:>8}")
    for r in results:
        if r.failed or r.skipped or r.notes:
            click.echo("")
            click.echo(r.report(max_failures=len(r.failures) if verbose else 10))
    if json_out:
        document = {"files": {r.name: r.counts() for r in results}, "totals": totals}
        Path(json_out).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    sys.exit(1 if totals["failed"] else 0)


@cli.command()
@click.argument("source")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Where to write (default: SOURCE with .wasm).")
def wat2wasm(source: str, output: str | None) -> None:
    """Assemble a .wat into a validated .wasm."""
    from . import Engine, Module

    with _about(source):
        binary = _text_to_binary(source, _read(source))
        Module.validate(Engine(), binary)
    target = output or str(Path(source).with_suffix(".wasm"))
    try:
        Path(target).write_bytes(binary)
    except OSError as error:
        raise CliError(f"{target}: cannot write: {error.strerror or error}") from None
    click.echo(f"{target}: {len(binary)} bytes")


@cli.command()
@click.argument("source")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here, not stdout.")
def wasm2wat(source: str, output: str | None) -> None:
    """Print a .wasm in the text format."""
    from .binary.decode import decode_module
    from .text.printer import print_module

    with _about(source):
        text = print_module(decode_module(_read(source)))
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CliError(f"{output}: cannot write: {error.strerror or error}") from None
    else:
        click.echo(text, nl=False)


def _add_subsystem_commands() -> None:
    """Commands that live beside their subsystem: differential fuzzing and the neural modules."""
    from neural.cli import neural

    from .testing.cli import diff, fuzz
    cli.add_command(fuzz)
    cli.add_command(diff)
    cli.add_command(neural)


_add_subsystem_commands()


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the click group, turning our errors into one line and an exit status."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="pywasm-core",
                 standalone_mode=True)
    except CliError as error:
        _die(str(error), error.status)
    except Trap as trap:
        _die(trap_text(trap), EXIT_TRAP)
    except WasmError as error:
        _die(str(error), EXIT_BAD_INPUT)
    except Exception as error:  # a bug in pywasm-core: say so in one line (traceback on request)
        if os.environ.get("PYWASM_CORE_DEBUG"):
            raise
        _die(f"internal error: {type(error).__name__}: {error} "
             "(set PYWASM_CORE_DEBUG=1 for the traceback)", EXIT_INTERNAL)


if __name__ == "__main__":
    main()
