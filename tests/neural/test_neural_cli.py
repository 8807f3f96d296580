"""The `neural` click group: demo and run."""

from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner

from neural.cli import neural
from neural.reference import forward


def invoke(*args):
    return CliRunner().invoke(neural, list(args), catch_exceptions=False)


def test_demo_prints_outputs_timings_and_memory():
    result = invoke("demo", "--engine", "wasmtime")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "module bg on wasmtime: version 0.1.0"
    outputs = json.loads(lines[2].split(": ", 1)[1])
    assert len(outputs) == 2 and all(0.0 < x < 1.0 for x in outputs)
    assert any(line.startswith("timings: load") for line in lines)
    assert any(line.startswith("heap: ") for line in lines)
    assert any(line.startswith("memory: ") and "sha256" in line for line in lines)


def test_demo_on_pywasm_core_gives_the_same_outputs():
    a = invoke("demo", "--engine", "wasmtime", "--seed", "4").output.splitlines()[2]
    b = invoke("demo", "--seed", "4").output.splitlines()[2]
    assert a == b


def test_run_with_weights_file_matches_reference(tmp_path):
    weights = np.linspace(-1, 1, 4 * 8 + 8 * 2)
    path = tmp_path / "w.json"
    path.write_text(json.dumps(weights.tolist()))
    inputs = [0.1, 0.2, 0.3, 0.4]
    for engine in ("wasmtime", "pywasm_core"):
        result = invoke("run", "--module", "bg", "--engine", engine, "--layers", "4,8,2",
                        "--activation", "relu", "--weights", str(path),
                        "--inputs", ",".join(map(str, inputs)))
        assert result.exit_code == 0, result.output
        got = json.loads(result.output)
        want = forward([4, 8, 2], weights, inputs, "ReLU")
        assert got == want.tolist()


def test_run_weights_as_plain_text_and_npy(tmp_path):
    text = tmp_path / "w.txt"
    text.write_text("0.5 0.25\n")
    npy = tmp_path / "w.npy"
    np.save(npy, np.array([0.5, 0.25]))
    for path in (text, npy):
        result = invoke("run", "--engine", "wasmtime", "--layers", "2,1", "--activation",
                        "linear", "--weights", str(path), "--inputs", "2,4")
        assert json.loads(result.output) == [2.0]


def test_run_randomized_when_no_weights():
    result = invoke("run", "--engine", "wasmtime", "--module", "fann", "--layers", "2,3",
                    "--activation", "3", "--inputs", "1,-1")
    assert result.exit_code == 0 and len(json.loads(result.output)) == 3


def test_bad_input_exit_status(tmp_path):
    bad = invoke("run", "--engine", "wasmtime", "--layers", "2,1", "--inputs", "1")
    assert bad.exit_code == 2 and "expected 2 inputs" in bad.output
    bad = invoke("run", "--layers", "2", "--inputs", "1")
    assert bad.exit_code == 2 and "at least two" in bad.output
    bad = invoke("run", "--layers", "2,1", "--inputs", "1,x")
    assert bad.exit_code == 2 and "numbers" in bad.output
    bad = invoke("run", "--layers", "2,1", "--inputs", "1,2", "--activation", "softmax")
    assert bad.exit_code == 2 and "unknown activation" in bad.output
    weights = tmp_path / "w.json"
    weights.write_text("[1, 2, 3]")
    bad = invoke("run", "--engine", "wasmtime", "--layers", "2,1", "--inputs", "1,2",
                 "--weights", str(weights))
    assert bad.exit_code == 2 and "expected 2 weights" in bad.output
    weights.write_text("[1, oops]")
    bad = invoke("run", "--layers", "2,1", "--inputs", "1,2", "--weights", str(weights))
    assert bad.exit_code == 2 and "JSON" in bad.output
    bad = invoke("run", "--module", "nope", "--layers", "2,1", "--inputs", "1,2")
    assert bad.exit_code == 2
