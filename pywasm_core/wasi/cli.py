"""`pywasm-core run PROG.wasm ...`: run a WASI command (the click command the main CLI mounts).

The guest inherits stdin/stdout/stderr and sees only the directories given with --dir.  The exit
status is the guest's own (`proc_exit` code, 0 when `_start` returns); a trap exits 1 and bad
input (unreadable, malformed or unlinkable module, bad option) exits 2, each with one
"error: ..." line on stderr.
"""

from __future__ import annotations

import os
import sys

import click

from ..errors import Exhausted, Trap, WasmError
from .config import WasiConfig
from .run import ENGINES, run_wasi

EXIT_TRAP = 1
EXIT_BAD_INPUT = 2


def _fail(message: str, status: int):
    click.echo(f"error: {message}", err=True)
    sys.exit(status)


def build_config(dirs, envs, inherit_env: bool, deterministic: bool, seed: int,
                 max_output: int | None, program: str, args) -> WasiConfig:
    """The WasiConfig the options describe (raises click.BadParameter on a bad --dir/--env)."""
    config = WasiConfig()
    config.argv = [program, *args]
    env = dict(os.environ) if inherit_env else {}
    for item in envs:
        if "=" in item:
            key, value = item.split("=", 1)
        elif item in os.environ:                  # a bare NAME passes the host's value through
            key, value = item, os.environ[item]
        else:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE and not set on the host",
                                     param_hint="--env")
        if not key:
            raise click.BadParameter(f"{item!r} has an empty name", param_hint="--env")
        env[key] = value
    config.env = env
    for spec in dirs:
        host, sep, guest = spec.partition("::")
        if not sep:
            guest = host
        if not os.path.isdir(host):
            raise click.BadParameter(f"{host!r} is not a directory", param_hint="--dir")
        config.preopen_dir(host, guest)
    config.inherit_stdin()
    config.inherit_stdout()
    config.inherit_stderr()
    config.deterministic = deterministic
    config.seed = seed
    config.max_output = max_output
    return config


@click.command("run", context_settings={"ignore_unknown_options": True,
                                        "allow_interspersed_args": False})
@click.argument("program", type=click.Path(dir_okay=False))
@click.option("--dir", "dirs", multiple=True, metavar="HOST[::GUEST]",
              help="Preopen the host directory HOST as GUEST (default: the same name).")
@click.option("--env", "envs", multiple=True, metavar="K=V",
              help="Set an environment variable for the guest (repeatable).")
@click.option("--inherit-env", is_flag=True, help="Pass the host's whole environment.")
@click.option("--deterministic", is_flag=True,
              help="Virtual clocks from a fixed epoch and a seeded random source.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the random source in --deterministic mode.")
@click.option("--fuel", type=click.IntRange(min=0), default=None,
              help="Stop the guest after this many wasm instructions.")
@click.option("--max-memory", type=click.IntRange(min=0), default=None, metavar="BYTES",
              help="Largest linear memory the guest may grow to.")
@click.option("--max-output", type=click.IntRange(min=0), default=None, metavar="BYTES",
              help="Stop the guest when it writes more than this to stdout + stderr.")
@click.option("--engine", type=click.Choice(ENGINES), default="pywasm_core", show_default=True,
              help="Which engine executes the module (wasmtime for differential checks).")
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def run_command(program, dirs, envs, inherit_env, deterministic, seed, fuel, max_memory,
                max_output, engine, args):
    """Run the WASI command PROGRAM with ARGS (put `--` before ARGS that look like options)."""
    if args and args[0] == "--":
        args = args[1:]
    try:
        with open(program, "rb") as f:
            wasm = f.read()
    except OSError as exc:
        _fail(f"cannot read {program}: {exc.strerror or exc}", EXIT_BAD_INPUT)
    config = build_config(dirs, envs, inherit_env, deterministic, seed, max_output, program, args)
    try:
        code = run_wasi(wasm, config, engine=engine, fuel=fuel, max_memory=max_memory)
    except Exhausted as exc:
        hint = f" (--fuel {fuel})" if fuel is not None and "fuel" in exc.message else ""
        _fail(f"trap: {exc.message}{hint}", EXIT_TRAP)
    except Trap as exc:
        hint = " (--max-output)" if max_output is not None and "stdout/stderr" in exc.message \
            else ""
        _fail(f"trap: {str(exc)}{hint}", EXIT_TRAP)
    except WasmError as exc:
        _fail(f"{program}: {exc}", EXIT_BAD_INPUT)
    sys.stdout.flush()
    sys.exit(code & 0xFF if code >= 0 else EXIT_TRAP)


main = run_command
