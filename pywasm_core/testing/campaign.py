"""Fuzzing campaigns: seeded chunks of hypothesis runs, merged statistics, reproducers, coverage.

The unit of work is a *chunk*: `run_chunk(seed, ...)` runs `examples` differential cases and
`examples` mutation cases under hypothesis with that seed, so a chunk is reproducible from its
seed alone.  A campaign hands out consecutive seeds (disjoint ranges per worker) until the time is
up: in process (`jobs=1`), over a process pool (`jobs=N`) or over a Dask cluster
(`dask_address`); every backend has `submit()` returning a future, so one loop drives them all
and merges the statistics and reproducers on the client.

When a chunk finds a discrepancy, hypothesis shrinks it; the last failing example it replays is
the minimal one, and the chunk returns it as a reproducer (`.wasm`, `.wat` via `print_module`,
and `.json` with the calls, host values and the discrepancy) for `write_reproducer`.

Coverage: the interpreter has no executed-instruction hook, so `coverage=True` instruments the
generated functions on our side (see `instrument`) and runs them on pywasm-core only.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, seed as hypothesis_seed, settings
from hypothesis import strategies as st

from ..opcodes import INFO, Op
from ..syntax import Export, Global, Instr
from ..types import I64, GlobalType
from .mutate import judge, mutants
from .oracle import check_case
from .strategies import GeneratedCase, cases

REGRESSION_DIR = Path(__file__).resolve().parents[2] / "tests" / "fuzz_regressions"
_STRUCTURAL = frozenset({Op.ELSE, Op.END})


@dataclass
class Stats:
    """Counters of a campaign; `merge` adds another chunk's counters."""

    chunks: int = 0
    cases: int = 0
    calls: int = 0
    mutants: int = 0
    discrepancies: int = 0
    inconclusive: int = 0
    outcomes: Counter = field(default_factory=Counter)
    verdicts: Counter = field(default_factory=Counter)
    generated: Counter = field(default_factory=Counter)   # op name -> modules generating it
    executed: Counter = field(default_factory=Counter)    # op name -> modules executing it
    seconds: float = 0.0

    def merge(self, other: "Stats") -> None:
        for name in ("chunks", "cases", "calls", "mutants", "discrepancies", "inconclusive"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.outcomes.update(other.outcomes)
        self.verdicts.update(other.verdicts)
        self.generated.update(other.generated)
        self.executed.update(other.executed)
        self.seconds += other.seconds

    def to_json(self) -> dict:
        return {k: (dict(v) if isinstance(v, Counter) else v) for k, v in self.__dict__.items()}


class _Found(Exception):
    """Raised inside a hypothesis run to make it shrink a discrepancy."""


# --- coverage by instrumentation ------------------------------------------------------------

def instrument(case: GeneratedCase) -> tuple[bytes, list[Op]]:
    """A copy of the module where every instruction of a generated function is preceded by
    `global.get g; i64.const bit; i64.or; global.set g`, setting one bit per opcode in exported
    i64 globals `__cov<k>`.  Returns the bytes and the opcode of each bit."""
    import copy

    from ..binary.encode import encode_module

    module = copy.deepcopy(case.module)
    ops = sorted({ins.op for f in module.funcs[:case.generated_funcs] for ins in f.body
                  if ins.op not in _STRUCTURAL})
    bit = {op: i for i, op in enumerate(ops)}
    first_global = len(module.all_globals())
    for k in range((len(ops) + 63) // 64):
        module.globals.append(Global(GlobalType(I64, True), [Instr(Op.I64_CONST, (0,)), Instr(Op.END)]))
        module.exports.append(Export(f"__cov{k}", "global", first_global + k))
    for func in module.funcs[:case.generated_funcs]:
        body = []
        for ins in func.body:
            if ins.op not in _STRUCTURAL:
                g = first_global + bit[ins.op] // 64
                body += [Instr(Op.GLOBAL_GET, (g,)), Instr(Op.I64_CONST, (1 << bit[ins.op] % 64,)),
                         Instr(Op.I64_OR), Instr(Op.GLOBAL_SET, (g,))]
            body.append(ins)
        func.body = body
    return encode_module(module), ops


def executed_ops(case: GeneratedCase) -> tuple[set[str], set[str]]:
    """(generated, executed) instruction names of a case, by running it instrumented."""
    import pywasm_core as api

    from .oracle import ENGINE_FUEL, pywasm_imports
    from .strategies import STORE_MEMORY_LIMIT, STORE_TABLE_LIMIT

    from .strategies import engine_features

    wasm, ops = instrument(case)
    generated = {INFO[op].name for op in ops}
    store = api.Store(api.Engine(api.Config(features=engine_features(case.features))))
    store.set_limits(memory_size=STORE_MEMORY_LIMIT, table_elements=STORE_TABLE_LIMIT)
    imports = pywasm_imports(store, case)[0]
    try:
        store.set_fuel(ENGINE_FUEL)
        instance = api.Instance(store, api.Module(store.engine, wasm), imports)
    except api.WasmError:           # (an uncaught wasm exception is a WasmError too)
        return generated, set()
    exports = instance.exports(store)
    for name, args in case.calls:
        store.set_fuel(ENGINE_FUEL)
        try:
            exports[name](store, *args)
        except api.WasmError:
            pass
    executed = set()
    for k in range((len(ops) + 63) // 64):
        mask = exports[f"__cov{k}"].value(store) & 0xFFFFFFFFFFFFFFFF
        executed |= {INFO[ops[64 * k + i]].name for i in range(64) if mask >> i & 1}
    return generated, executed


# --- one chunk ------------------------------------------------------------------------------

def _reproducer(kind: str, wasm: bytes, module, description: str, case: GeneratedCase | None,
                features) -> dict:
    from ..text.printer import print_module
    try:
        wat = print_module(module) if module is not None else None
    except Exception as exc:          # noqa: BLE001 - a printer bug must not lose the reproducer
        wat = f";; print_module failed: {exc!r}"
    return {"kind": kind, "wasm": wasm.hex(), "wat": wat, "discrepancy": description,
            "features": list(features),
            "calls": [[n, list(a)] for n, a in case.calls] if case else [],
            "metered": case.metered if case else True,
            "compilation_mode": case.compilation_mode if case else "lazy",
            "tier": case.tier if case else None,
            "import_memory": case.import_memory if case else None,
            "import_table": case.import_table if case else None,
            "memory_imports": [list(m) for m in case.memory_imports] if case else [],
            "tag_import": list(case.tag_import) if case and case.tag_import is not None else None,
            "host_globals": list(case.host_globals) if case else []}


_CORPORA: dict[str, list[bytes]] = {}


def _corpus(corpus_dir: str) -> list[bytes]:
    """Testsuite seeds, converted once per directory and cached per process."""
    if corpus_dir not in _CORPORA:
        from .mutate import testsuite_seeds
        _CORPORA[corpus_dir] = testsuite_seeds(corpus_dir)
    return _CORPORA[corpus_dir]


def run_chunk(seed: int, examples: int = 25, features=(), mutation_examples: int | None = None,
              coverage: bool = False, max_instrs: int = 40,
              corpus_dir: str | None = None) -> tuple[Stats, list[dict]]:
    """Run one seeded chunk of differential and mutation cases; returns (stats, reproducers).
    With `corpus_dir`, half the mutants start from official testsuite binaries."""
    from .strategies import normalize_features
    features = normalize_features(features)
    start = time.monotonic()
    stats = Stats(chunks=1)
    reproducers: list[dict] = []
    failing: list = []
    common = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck),
                  print_blob=False)

    @hypothesis_seed(seed)
    @settings(max_examples=examples, **common)
    @given(cases(features=features, max_instrs=max_instrs))
    def differential(case):
        result = check_case(case)
        stats.cases += 1
        stats.calls += len(case.calls)
        stats.inconclusive += result.inconclusive
        for obs in result.ours.observations[1:]:
            o = obs.outcome
            stats.outcomes[o.detail if o.kind == "trap" else o.kind] += 1
        if coverage:
            generated, executed = executed_ops(case)
            stats.generated.update(generated)
            stats.executed.update(executed)
        if result.discrepancies:
            failing[:] = [case, result]
            raise _Found("\n".join(result.discrepancies))

    seeds = _corpus(corpus_dir) if corpus_dir else []

    @hypothesis_seed(seed)
    @settings(max_examples=examples if mutation_examples is None else max(1, mutation_examples),
              **common)
    @given(st.data())
    def mutation(data):
        if seeds and data.draw(st.booleans()):
            original = data.draw(st.sampled_from(seeds))
        else:
            original = data.draw(cases(features=features, max_instrs=max_instrs)).wasm
        wasm = data.draw(mutants(original))
        verdict = judge(wasm)
        stats.mutants += 1
        stats.verdicts[f"{verdict.ours}/{verdict.reference}"] += 1
        if not verdict.agree:
            failing[:] = [wasm, verdict]
            raise _Found(str(verdict))

    for kind, test in (("differential", differential), ("mutation", mutation)):
        if kind == "mutation" and mutation_examples == 0:
            continue
        failing.clear()
        try:
            test()
        except Exception as exc:      # noqa: BLE001 - _Found, or a group of them, or a harness bug
            stats.discrepancies += 1
            if not failing:
                reproducers.append({"kind": "harness", "wasm": "", "wat": None,
                                    "discrepancy": f"{kind} chunk seed {seed} failed: {exc!r}",
                                    "features": list(features), "calls": [], "host_globals": []})
            elif kind == "differential":
                case, result = failing
                reproducers.append(_reproducer(kind, case.wasm, case.module,
                                               "\n".join(result.discrepancies), case, features))
            else:
                wasm, verdict = failing
                module = None
                try:
                    from ..binary.decode import decode_module
                    module = decode_module(wasm)
                except Exception:     # noqa: BLE001 - malformed mutants have no text form
                    pass
                reproducers.append(_reproducer(kind, wasm, module, str(verdict), None, features))
    stats.seconds = time.monotonic() - start
    return stats, reproducers


# --- reproducers on disk -----------------------------------------------------------------------

def write_reproducer(rep: dict, out_dir: Path | str = REGRESSION_DIR) -> Path | None:
    """Write `<kind>-<hash>.wasm/.wat/.json`; returns the .json path (None for harness errors)."""
    if not rep.get("wasm"):
        return None
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    wasm = bytes.fromhex(rep["wasm"])
    stem = f"{rep['kind']}-{hashlib.sha256(wasm).hexdigest()[:12]}"
    (out / f"{stem}.wasm").write_bytes(wasm)
    if rep.get("wat"):
        (out / f"{stem}.wat").write_text(rep["wat"])
    meta = {k: v for k, v in rep.items() if k not in ("wasm", "wat")}
    (out / f"{stem}.json").write_text(json.dumps(meta, indent=1) + "\n")
    return out / f"{stem}.json"


def load_reproducer(json_path: Path | str) -> tuple[dict, bytes]:
    path = Path(json_path)
    return json.loads(path.read_text()), path.with_suffix(".wasm").read_bytes()


def replay(json_path: Path | str) -> list[str]:
    """Re-run a stored reproducer; returns the discrepancies still present (empty = fixed)."""
    from .oracle import compare, run_pywasm, run_wasmtime

    meta, wasm = load_reproducer(json_path)
    if meta["kind"] == "mutation":
        verdict = judge(wasm)
        return [] if verdict.agree else [str(verdict)]
    case = GeneratedCase(module=None, wasm=wasm, host_globals=tuple(meta["host_globals"]),
                         calls=[(n, tuple(a)) for n, a in meta["calls"]],
                         features=tuple(meta.get("features", ())),
                         metered=meta.get("metered", True),
                         compilation_mode=meta.get("compilation_mode", "lazy"),
                         tier=meta.get("tier"),
                         import_memory=meta.get("import_memory"),
                         import_table=meta.get("import_table"),
                         memory_imports=tuple(tuple(m) for m in meta.get("memory_imports", ())),
                         tag_import=tuple(meta["tag_import"]) if meta.get("tag_import") is not None
                         else None)
    return compare(run_pywasm(case), run_wasmtime(case), case)


# --- campaigns --------------------------------------------------------------------------------

class _InlineFuture:
    def __init__(self, fn, args, kwargs):
        self._value = fn(*args, **kwargs)

    def done(self) -> bool:
        return True

    def result(self):
        return self._value


class _InlineExecutor:
    def submit(self, fn, *args, **kwargs):
        return _InlineFuture(fn, args, kwargs)

    def shutdown(self, *args, **kwargs) -> None:
        pass


def campaign(seconds: float, seed: int = 0, features=(), out_dir: Path | str | None = None,
             jobs: int = 1, dask_address: str | None = None, examples: int = 25,
             coverage: bool = False, progress=None, dask_client=None,
             corpus_dir: str | None = None) -> tuple[Stats, list[dict]]:
    """Fuzz for `seconds`: chunk seeds `seed*1_000_000 + k` for k = 0, 1, 2... (disjoint per
    campaign seed), on the chosen backend.  Reproducers are written to `out_dir` (if given) on
    the client.  `progress(stats, elapsed)` is called after every finished chunk."""
    total = Stats()
    found: list[dict] = []
    owned_client = None
    if dask_client is not None or dask_address:
        if dask_client is None:
            from distributed import Client
            dask_client = owned_client = Client(dask_address)
        executor = dask_client
        workers = max(1, sum(dask_client.nthreads().values()))
    elif jobs > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"))
        workers = jobs
    else:
        executor = _InlineExecutor()
        workers = 1
    start = time.monotonic()
    next_chunk = 0
    pending: list = []
    try:
        while True:
            elapsed = time.monotonic() - start
            while elapsed < seconds and len(pending) < workers:
                pending.append(executor.submit(run_chunk, seed * 1_000_000 + next_chunk,
                                               examples, tuple(features), None, coverage, 40,
                                               corpus_dir))
                next_chunk += 1
            if not pending:
                break
            finished = [f for f in pending if f.done()]
            if not finished:
                time.sleep(0.05)
                continue
            for future in finished:
                pending.remove(future)
                stats, reps = future.result()
                total.merge(stats)
                found += reps
                if out_dir is not None:
                    for rep in reps:
                        write_reproducer(rep, out_dir)
                if progress is not None:
                    progress(total, time.monotonic() - start)
    finally:
        if executor is not dask_client:              # a Dask client is closed below, if ours
            executor.shutdown(wait=True, cancel_futures=True)
        if owned_client is not None:
            owned_client.close()
    return total, found


# the opcode table's `feature` tags each generator feature can produce
_FEATURE_TAGS = {"tail-call": {"tail_call"}, "function-references": {"typed_refs"},
                 "exceptions": {"exceptions"}, "gc": {"gc"}}


def coverage_table(stats: Stats, include_simd: bool = False,
                   features=()) -> list[tuple[str, int, int]]:
    """(instruction, modules generating it, modules executing it) for every 2.0 instruction of
    the table (non-SIMD unless `include_simd`), excluding the structural `else`/`end`, plus the
    3.0 instructions that the generator `features` produce (return_call_ref needs both
    tail calls and function references)."""
    from .strategies import normalize_features
    features = normalize_features(features)
    tags = set().union(*(_FEATURE_TAGS.get(f, set()) for f in features))
    rows = []
    for op, info in INFO.items():
        feature = getattr(info, "feature", None)
        if op in _STRUCTURAL or (not include_simd and op >> 16 == 0xFD):
            continue
        if feature is not None and feature not in tags:
            continue                       # 2.0 instructions, plus the features' own
        if op == Op.RETURN_CALL_REF and "function-references" not in features:
            continue
        rows.append((info.name, stats.generated[info.name], stats.executed[info.name]))
    return rows


__all__ = ["Stats", "run_chunk", "campaign", "write_reproducer", "replay", "instrument",
           "executed_ops", "coverage_table", "REGRESSION_DIR"]
