"""The cost control of the trace plans (exec/vectorize.py): a loop that keeps running too few
iterations for numpy is traced rarely (exponential backoff), its classification is kept between
entries, a plan probes with a small chunk until it has run long, and none of it changes results."""

from __future__ import annotations

import os
import struct
import sys

from pywasm_core import Config, Engine, Instance, Module, Store
from pywasm_core.exec import vectorize

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from exec_util import wat2wasm  # noqa: E402

# sum of f64 a[i] read through a call (so the loop becomes a TracePlan)
TEXT = r"""
(module
  (memory (export "mem") 1)
  (func $get (param $p i32) (param $i i32) (result f64)
    (f64.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3)))))
  (func (export "sum") (param $p i32) (param $n i32) (result f64)
    (local $i i32) (local $acc f64)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (f64.add (local.get $acc) (call $get (local.get $p) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $acc))
)
"""


def instances():
    wasm = wat2wasm(TEXT)
    out = []
    for tier in ("fast", "interp"):
        engine = Engine(Config(tier=tier))
        store = Store(engine)
        ex = Instance(store, Module(engine, wasm), []).exports(store)
        data = b"".join(struct.pack("<d", (i % 7) * 0.25 - 0.5) for i in range(4096))
        ex["mem"].write(store, data, 0)
        out.append((store, ex))
    return out


def plan_of(store_ex):
    """The TracePlan of the `sum` loop (the fast tier's constant of that function)."""
    store, ex = store_ex
    func = ex["sum"]
    ns = func.fast.__globals__
    plans = [v for k, v in ns.items() if isinstance(v, vectorize.TracePlan)]
    assert len(plans) == 1
    return plans[0]


def test_short_loops_back_off_and_keep_their_classification(monkeypatch):
    fast, interp = instances()
    traces = []
    original = vectorize.TracePlan._trace

    def counting(self, *args):
        traces.append(1)
        return original(self, *args)
    monkeypatch.setattr(vectorize.TracePlan, "_trace", counting)
    sf, ef = fast
    si, ei = interp
    for _ in range(200):
        assert ef["sum"](sf, 0, 5) == ei["sum"](si, 0, 5)
    plan = plan_of(fast)
    assert plan.hyp is not None              # classified once, kept although the runs failed
    # 200 short entries: traced on the 1st, 17th, ~93rd... (not every few entries)
    assert len(traces) <= 8
    assert plan.backoff >= 15


def test_probe_chunk_then_full_chunks_and_same_results(monkeypatch):
    monkeypatch.setattr(vectorize, "_MIN_RUN", 8)
    fast, interp = instances()
    sf, ef = fast
    si, ei = interp
    sizes = []
    original = vectorize.TracePlan._chunk

    def recording(self, M, inst, env, size, *hyp):
        sizes.append(size)
        return original(self, M, inst, env, size, *hyp)
    monkeypatch.setattr(vectorize.TracePlan, "_chunk", recording)
    assert ef["sum"](sf, 0, 3000) == ei["sum"](si, 0, 3000)
    assert sizes[0] == vectorize._PROBE_CHUNK           # a new plan probes small
    plan = plan_of(fast)
    assert plan.long
    sizes.clear()
    before = vectorize.STATS["iterations"]
    assert ef["sum"](sf, 8, 3000) == ei["sum"](si, 8, 3000)
    assert sizes[0] == vectorize._FIRST_CHUNK           # it ran long: full chunks at once
    assert vectorize.STATS["iterations"] - before == 3000
    # a short entry clears the flag and backs off; reset_backoff lets the next entry try
    assert ef["sum"](sf, 0, 4) == ei["sum"](si, 0, 4)
    assert not plan.long and plan.skip > 0
    vectorize.reset_backoff()
    assert plan.skip == 0
    assert ef["sum"](sf, 0, 100) == ei["sum"](si, 0, 100)
    assert plan.long is False                           # 100 < the probe chunk
