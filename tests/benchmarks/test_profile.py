"""benchmarks.profile: the kernel profiles and the bindgen forward-pass profile, at tiny sizes."""

from __future__ import annotations

from benchmarks import neural_bench, profile


def test_kernel_profile_lists_the_generated_function():
    text = profile.profile("fib.wasm", "fib", 12)
    assert "function calls" in text
    assert "<pywasm_core fast>" in text


def test_fann_profile_runs_the_forward_pass_through_bindgen():
    text = profile.profile_fann(calls=3)
    if neural_bench.module_bytes("fann") is None:
        assert "not found" in text
        return
    assert "function calls" in text
    assert "<pywasm_core fast>" in text                 # the wasm code ran under the profile
