"""Benchmarks of issue 2: pywasm-core against pywasm 2.2.3 and wasmtime on the modules in wasm/.

Run `python -m benchmarks` from the repository root (`--help` for options).
"""
