"""pywasm-core: a pure-Python WebAssembly runtime."""

__version__ = "0.1.0"
