"""The `fuzz` and `diff` click commands (the main CLI adds them with `cli.add_command`)."""

from __future__ import annotations

import sys

import click

from ..numerics.floats import f32_from_bits, f64_from_bits


def _features(ctx, param, value):
    """--features: repeatable and comma-separated; "wasm3" selects every 3.0 feature."""
    from .strategies import normalize_features
    try:
        return normalize_features(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command("fuzz")
@click.option("--seconds", type=float, default=60.0, show_default=True, help="How long to fuzz.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Campaign seed; chunk k runs with hypothesis seed SEED*1000000+k.")
@click.option("--features", multiple=True, callback=_features, metavar="LIST",
              help="Extra generator features, repeatable or comma-separated: simd, tail-call, "
                   "multi-memory, memory64, function-references, exceptions, gc, relaxed-simd, "
                   "or wasm3 (all of them).  Default: WebAssembly 2.0.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Directory for reproducers (default: tests/fuzz_regressions of the checkout).")
@click.option("--jobs", type=int, default=1, show_default=True,
              help="Worker processes on disjoint seed ranges.")
@click.option("--dask", "dask_address", default=None, metavar="ADDRESS",
              help="Fan out over an existing Dask cluster (needs dask.distributed).")
@click.option("--examples", type=int, default=25, show_default=True,
              help="Cases per chunk (per seed).")
@click.option("--coverage", is_flag=True, help="Also measure instruction coverage (slower).")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False), default=None,
              help="Also mutate the official testsuite's binaries, converted (once) into this "
                   "cache directory with wasm-tools.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None,
              help="Write the final statistics as JSON.")
def fuzz(seconds, seed, features, out_dir, jobs, dask_address, examples, coverage, corpus_dir,
         json_path):
    """Differential fuzzing against wasmtime: generated modules and mutated binaries."""
    import json

    from .campaign import REGRESSION_DIR, campaign, coverage_table

    # default: the replayed regression folder of a source checkout, else ./fuzz_regressions
    out_dir = out_dir or str(REGRESSION_DIR if REGRESSION_DIR.parent.is_dir() else "fuzz_regressions")
    tty = sys.stderr.isatty()

    def progress(stats, elapsed):
        rate = stats.cases / elapsed if elapsed else 0.0
        line = (f"[{elapsed:7.1f}s] cases {stats.cases} ({rate:.1f}/s), calls {stats.calls}, "
                f"mutants {stats.mutants}, inconclusive {stats.inconclusive}, "
                f"discrepancies {stats.discrepancies}")
        click.echo(("\r" + line) if tty else line, err=True, nl=not tty)

    try:
        stats, found = campaign(seconds, seed, features, out_dir, jobs, dask_address, examples,
                                coverage, progress, corpus_dir=corpus_dir)
    except ImportError as exc:
        raise click.ClickException(f"--dask needs dask.distributed: {exc}") from None
    if tty:
        click.echo("", err=True)
    click.echo(f"chunks {stats.chunks}, cases {stats.cases}, calls {stats.calls}, "
               f"mutants {stats.mutants}, discrepancies {stats.discrepancies}")
    click.echo("call outcomes: " + ", ".join(f"{k} {v}" for k, v in stats.outcomes.most_common()))
    click.echo("mutant verdicts (pywasm-core/wasmtime): " +
               ", ".join(f"{k} {v}" for k, v in stats.verdicts.most_common()))
    for rep in found:
        click.echo(f"- {rep['kind']}: {rep['discrepancy'].splitlines()[0] if rep['discrepancy'] else ''}")
    if coverage:
        rows = coverage_table(stats, include_simd="simd" in features, features=features)
        missed = [name for name, _, executed in rows if not executed]
        click.echo(f"coverage: {len(rows) - len(missed)}/{len(rows)} instructions executed; "
                   f"never executed: {', '.join(missed) or 'none'}")
    if json_path:
        data = stats.to_json()
        data["reproducers"] = [{k: v for k, v in r.items() if k != "wasm"} for r in found]
        with open(json_path, "w") as fh:
            json.dump(data, fh, indent=1)
    if stats.discrepancies:
        sys.exit(1)


def _parse_arg(text: str, type_name: str) -> int:
    """A command-line argument as the bit pattern the export expects (ints; floats by value)."""
    if type_name in ("i32", "i64"):
        return int(text, 0)
    raise click.BadParameter(f"unsupported parameter type {type_name}")


@click.command("diff")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--invoke", "name", required=True, help="Exported function to call.")
@click.option("--features", multiple=True, callback=_features, metavar="LIST",
              help="Generator features the module uses (as for `fuzz`); default: those in the "
                   "FILE's `.json` sibling, else WebAssembly 2.0.")
@click.argument("args", nargs=-1)
def diff(file, name, args, features=()):
    """Run one call on pywasm-core and on wasmtime and show any difference.

    ARGS are integers (decimal or 0x..) for i32/i64 parameters, or numbers for f32/f64
    parameters; a `0x` prefix on a float parameter gives its bit pattern.  A module that imports
    the generator's host functions (a fuzz reproducer) gets them on both engines, with the host
    values from FILE's `.json` sibling when there is one, and the comparison then covers memory,
    globals and tables too."""
    from pathlib import Path

    import json

    import pywasm_core

    from .strategies import engine_features, normalize_features
    meta_path = Path(file).with_suffix(".json")
    if not features and meta_path.exists():
        features = normalize_features(json.loads(meta_path.read_text()).get("features", ()))
    data = Path(file).read_bytes()
    if not data.startswith(b"\0asm"):
        from ..binary.encode import encode_module
        from ..text import parse_module
        data = encode_module(parse_module(data.decode()))
    module = pywasm_core.Module(
        pywasm_core.Engine(pywasm_core.Config(features=engine_features(features))), data)
    exports = {e.name: e.type for e in module.exports}
    if name not in exports or not isinstance(exports[name], pywasm_core.FuncType):
        raise click.ClickException(f"no exported function {name!r}")
    ftype = exports[name]
    if len(args) != len(ftype.params):
        raise click.ClickException(f"{name} takes {len(ftype.params)} arguments, got {len(args)}")
    if module.imports:
        _diff_with_imports(Path(file), data, module, name, args, ftype, features)
        return
    values = []
    for text, t in zip(args, ftype.params):
        if t.name in ("f32", "f64"):
            if text.lower().startswith(("0x", "-0x")) and "p" not in text.lower():
                bits = int(text, 16)
                values.append(f32_from_bits(bits) if t.name == "f32" else f64_from_bits(bits))
            else:
                values.append(float(text))
        else:
            values.append(_parse_arg(text, t.name))
    ours, reference = _run_both(data, name, values, ftype, features)
    click.echo(f"pywasm-core: {ours}")
    click.echo(f"wasmtime:    {reference}")
    if ours != reference:
        click.echo("DIFFERENT")
        sys.exit(1)
    click.echo("same")


def _diff_with_imports(path, data: bytes, module, name: str, args, ftype, features=()) -> None:
    """A generated module (or reproducer): run it through the oracle with the generator's host
    imports and compare every observation."""
    import json

    from .oracle import compare, run_pywasm, run_wasmtime
    from .strategies import GeneratedCase

    meta = json.loads(path.with_suffix(".json").read_text()) \
        if path.with_suffix(".json").exists() else {}
    if any(t.name not in ("i32", "i64") for t in ftype.params):
        raise click.ClickException("with imports, arguments must be i32/i64 (the generated "
                                   "wrappers take float bits as integers)")
    memories = [i for i in module.imports if i.type.__class__.__name__ == "MemoryType"]
    table = next((i.type.limits for i in module.imports if i.name == "table"), None)
    legacy = len(memories) == 1 and not memories[0].type.is_64 and memories[0].name == "memory"
    case = GeneratedCase(
        module=None, wasm=data, host_globals=tuple(meta.get("host_globals", (0, 0))),
        calls=[(name, tuple(int(a, 0) for a in args))], features=tuple(features),
        metered=meta.get("metered", True), compilation_mode=meta.get("compilation_mode", "lazy"),
        tier=meta.get("tier"),
        import_memory=(memories[0].type.limits.min, memories[0].type.limits.max) if legacy
        else None,
        import_table=(table.min, table.max) if table else None,
        memory_imports=() if legacy else tuple(
            (i.name, i.type.limits.min, i.type.limits.max, i.type.is_64) for i in memories),
        tag_import=next((tuple(t.name for t in i.type.functype.params) for i in module.imports
                         if i.name == "tag"), None))
    try:
        ours, reference = run_pywasm(case), run_wasmtime(case)
    except Exception as exc:          # noqa: BLE001 - e.g. imports the generator does not provide
        raise click.ClickException(f"cannot run with the generator's host imports: {exc}")
    for label, run in (("pywasm-core", ours), ("wasmtime", reference)):
        outcomes = [str(o.outcome) for o in run.observations]
        click.echo(f"{label}: " + "; ".join(outcomes))
    problems = compare(ours, reference, case)
    if problems:
        click.echo("DIFFERENT\n" + "\n".join(problems))
        sys.exit(1)
    click.echo("same (results, memory, globals, tables)")


def _run_both(data: bytes, name: str, values: list, ftype, features=()) -> tuple[str, str]:
    """One call on each engine without imports; results as exact bit patterns."""
    import struct

    import pywasm_core
    import wasmtime

    from ..numerics.floats import f32_to_bits, f64_to_bits
    from .oracle import wasmtime_engine
    from .strategies import engine_features

    def show(types, result) -> str:
        vals = [] if not types else ([result] if len(types) == 1 else list(result))
        out = []
        for t, v in zip(types, vals):
            if t == "f32":
                out.append(f"f32:{f32_to_bits(v):#010x}")
            elif t == "f64":
                out.append(f"f64:{f64_to_bits(v):#018x}")
            elif t in ("i32", "i64", "v128"):
                bits = {"i32": 32, "i64": 64, "v128": 128}[t]
                out.append(f"{t}:{v & (1 << bits) - 1:#x}")
            else:
                out.append(f"{t}:{'null' if v is None else 'non-null'}")
        return "ok " + " ".join(out)

    types = [t.name for t in ftype.results]
    try:
        engine = pywasm_core.Engine(pywasm_core.Config(features=engine_features(features)))
        store = pywasm_core.Store(engine)
        inst = pywasm_core.Instance(store, pywasm_core.Module(engine, data), [])
        ours = show(types, inst.exports(store)[name](store, *values))
    except pywasm_core.Trap as exc:
        ours = f"trap {exc.trap_code.name}"
    except pywasm_core.WasmError as exc:
        ours = f"error {type(exc).__name__}: {exc}"
        if type(exc).__name__ == "WasmException":
            ours = "uncaught wasm exception"
    try:
        store = wasmtime.Store(wasmtime_engine(features))
        store.set_fuel(10**9)
        inst = wasmtime.Instance(store, wasmtime.Module(wasmtime_engine(features), data), [])
        func = inst.exports(store)[name]
        wargs = []
        for v, t in zip(values, ftype.params):
            if t.name == "f32":
                # pass the exact bits (a ctypes float would quiet a signalling NaN)
                wargs.append(wasmtime.Val.f32(struct.unpack("<f", struct.pack("<I", f32_to_bits(v)))[0]))
            else:
                wargs.append(v)
        result = func(store, *wargs)
        reference = show(types, result)
    except wasmtime.Trap as exc:
        code = exc.trap_code.name if exc.trap_code else "UNKNOWN"
        reference = f"trap {'INDIRECT_CALL_TO_NULL' if code == 'UNINITIALIZED_ELEMENT' else code}"
        if exc.trap_code is None and "thrown Wasm exception" in str(exc):
            reference = "uncaught wasm exception"
    except Exception as exc:          # noqa: BLE001
        reference = f"error {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    if ours.startswith("trap UNINITIALIZED_ELEMENT"):
        ours = "trap INDIRECT_CALL_TO_NULL"
    return ours, reference


__all__ = ["fuzz", "diff"]
