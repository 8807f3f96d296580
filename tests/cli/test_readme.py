"""The README stays true: its embedding example runs and its quick-start demo prints what it says."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from pywasm_core.cli import cli

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_embedding_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert blocks, "README has no python example"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


def test_quick_start_demo_prints_the_documented_result():
    command = re.search(r"pywasm-core (run wasm/fib\.wasm --invoke fib 20)", README).group(1)
    assert "This prints `6765`" in README
    result = CliRunner().invoke(cli, command.split(), catch_exceptions=False)
    assert (result.exit_code, result.output) == (0, "6765\n")


def test_every_documented_command_exists():
    documented = set(re.findall(r"^\| `([a-z0-9]+) ", README, re.M))
    assert documented == set(cli.commands)


def test_ci_runs_exactly_the_readme_test_command():
    test_command = re.search(r"tests then run with:\n\n```sh\n(.*?)\n```", README).group(1)
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
    assert ci.rstrip().splitlines()[-1] == test_command
