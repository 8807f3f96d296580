"""`python -m pywasm_core ...` is the `pywasm-core` command."""

from .cli import main

if __name__ == "__main__":
    main()
