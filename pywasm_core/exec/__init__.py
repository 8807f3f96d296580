"""Execution (spec "Execution"): lowering to the interpreter's code form (lower.py), the interpreter
loop (interp.py), out-of-line instruction handlers (handlers.py) and instantiation (instantiate.py)."""
