"""Benchmarks: pywasm-core (fast and interpreter tiers) against pywasm 2.2.3 and wasmtime.

Sections: execution kernels (wasm/src/*.wat and the ruv-fann forward pass), SIMD, the ruv-swarm
neural API, start-up and tooling.  Run `python -m benchmarks` from the repository root
(`--only exec,simd,neural,startup`, `--write BENCHMARKS.md`, `--help` for the rest).
"""
