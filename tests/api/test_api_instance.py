"""Instance and its exports mapping."""

from api_util import instantiate

from pywasm_core import Func, Global, Memory, Table

TEXT = """
(module
  (func (export "b") (result i32) (i32.const 2))
  (memory (export "a") 1)
  (table (export "c") 1 funcref)
  (global (export "d") i32 (i32.const 4))
)
"""


def test_exports_mapping():
    store, exports = instantiate(TEXT)
    assert list(exports) == ["b", "a", "c", "d"]
    assert len(exports) == 4
    assert "b" in exports and "z" not in exports
    assert isinstance(exports["b"], Func)
    assert isinstance(exports["a"], Memory)
    assert isinstance(exports["c"], Table)
    assert isinstance(exports["d"], Global)
    assert exports.by_index[0] is exports["b"]
    assert exports.get("z") is None
    assert exports["b"](store) == 2
