"""Differential testing and fuzzing of pywasm-core against wasmtime.

- `strategies`: hypothesis strategies that build valid modules (and calls to make on them).
- `oracle`: runs one generated case on both engines and compares everything observable.
- `mutate`: mutates valid binaries and checks both engines accept/reject the same inputs.
- `campaign`: seeded fuzzing loops (in process, N worker processes, or a Dask cluster),
  reproducer writing and coverage.
- `cli`: the `fuzz` and `diff` click commands.
"""
