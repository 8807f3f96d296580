"""Run the official WASI testsuite (doc/specification.md of WebAssembly/wasi-testsuite).

Each `*.wasm` under the suite is a test; `NAME.json` (legacy or operation-based) gives args, env,
the directory to preopen as `/` (copied to a scratch directory first, since tests write into it),
and the expected exit code, stdout and stderr.  `run_case` returns a list of mismatches."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pywasm_core.wasi import WasiConfig, run_wasi

SUITE = Path("/work/shared/wasi-testsuite/tests")


@dataclass
class Case:
    wasm: Path
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    root: str | None = None
    exit_code: int = 0
    stdout: str | None = ""
    stderr: str | None = ""
    proposals: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.wasm.relative_to(SUITE))


def load_case(wasm: Path) -> Case:
    """The test's specification, with the documented defaults for anything left out."""
    case = Case(wasm)
    spec_path = wasm.with_suffix(".json")
    spec = json.loads(spec_path.read_text()) if spec_path.exists() else {}
    if "operations" in spec:
        case.proposals = list(spec.get("proposals", []))
        case.stdout = case.stderr = None            # only checked when a `read` asks
        for op in spec["operations"]:
            kind = op.get("type")
            if kind == "run":
                case.args = list(op.get("args", []))
                case.env = dict(op.get("env", {}))
                case.root = op.get("root")
            elif kind == "wait":
                case.exit_code = op.get("exit_code", 0)
            elif kind == "read":
                stream = op.get("id", "stdout")
                setattr(case, stream, (getattr(case, stream) or "") + op.get("payload", ""))
            else:
                case.proposals.append(kind)          # connect/send/recv need sockets
    else:
        case.args = list(spec.get("args", []))
        case.env = dict(spec.get("env", {}))
        case.root = spec.get("root")
        case.exit_code = spec.get("exit_code", 0)
        case.stdout = spec.get("stdout", "")
        case.stderr = spec.get("stderr", "")
    return case


def all_cases() -> list[Case]:
    return [load_case(p) for p in sorted(SUITE.rglob("*.wasm"))]


def run_case(case: Case, engine: str, fuel: int | None = None) -> list[str]:
    """Run one test; [] when every expectation holds, else what differed."""
    with tempfile.TemporaryDirectory(prefix="wasi-ts-") as scratch:
        config = WasiConfig()
        config.argv = [case.wasm.name] + case.args
        config.env = case.env
        if case.root is not None:
            root = Path(scratch) / "root"
            shutil.copytree(case.wasm.parent / case.root, root)
            for dirpath, dirnames, filenames in os.walk(root):   # the suite is read-only
                os.chmod(dirpath, 0o755)
                for name in filenames:
                    os.chmod(os.path.join(dirpath, name), 0o644)
            for leftover in root.rglob("*.cleanup"):
                leftover.unlink()
            config.preopen_dir(root, "/")
        out = config.capture_stdout()
        err = config.capture_stderr()
        code = run_wasi(case.wasm, config, engine=engine, fuel=fuel)
    problems = []
    if code != case.exit_code:
        problems.append(f"exit code {code}, expected {case.exit_code}")
    if case.stdout is not None and out.getvalue().decode("utf-8", "replace") != case.stdout:
        problems.append(f"stdout {out.getvalue()!r}, expected {case.stdout!r}")
    if case.stderr is not None and err.getvalue().decode("utf-8", "replace") != case.stderr:
        problems.append(f"stderr {err.getvalue()!r}, expected {case.stderr!r}")
    return problems
