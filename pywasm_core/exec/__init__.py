"""Execution (spec "Execution"): lowering to the interpreter's code form (lower.py), the interpreter
loop (interp.py), out-of-line instruction handlers (handlers.py) and instantiation (instantiate.py).

Where later features plug in (no rewrite needed):
- compiled-to-Python tier: `interp.invoke` is the only entry from the API and `Config.tier`
  selects the tier; a tier can reuse `lower.Code` (resolved branches, static stack heights).
- tail calls (`return_call*`): the frame stack is explicit, so a tail call replaces the current
  frame's (func, L, S) instead of pushing one.
- multi-memory / memory64: every memory instruction keeps its memidx (non-zero memories go
  through `handlers.load_mem`/`store_mem` and the bulk handlers take memidx); effective addresses
  are unbounded Python ints, so 64-bit addresses need no new arithmetic.
- exceptions: a handler table per `Code` (pc ranges -> catch target, height, arity) searched
  while unwinding `frames` in the loop's error path, which already knows pc and frames.
- GC / typed references: references are Python objects already; new ops lower to handler calls.
"""
