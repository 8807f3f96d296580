"""The heap code of the real glue, run in Node on random operation sequences, ends in exactly the
state bindgen.heap reaches (skipped, saying so, where `node` is absent)."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess

import pytest

from bindgen.heap import Heap
from bindgen.jsvalues import UNDEFINED
from neural.modules import default_dir

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def glue_heap_source() -> str:
    """The heap functions cut out of ruv_swarm_wasm.js, verbatim."""
    text = (default_dir() / "ruv_swarm_wasm.js").read_text()
    head = text[text.index("const heap = new Array(128)"):text.index("function handleError")]
    parts = [head]
    for name in ("dropObject", "takeObject", "addBorrowedObject"):
        match = re.search(rf"function {name}\(.*?\n}}\n", text, re.S)
        assert match, name
        parts.append(match.group(0))
    parts.append(re.search(r"let stack_pointer = 128;", text).group(0))
    return "\n".join(parts)


def random_ops(seed: int, n: int = 300) -> list:
    rng = random.Random(seed)
    ops, live, borrowed = [], [], 0
    for i in range(n):
        r = rng.random()
        if r < 0.45:
            ops.append(["add", i])
            live.append(None)
        elif r < 0.75 and live:
            ops.append(["take", rng.randrange(len(live))])
            live.pop()
        elif r < 0.85:
            ops.append(["drop_raw", rng.choice([0, 36, 127, 128, 131])])
        elif r < 0.95 and borrowed < 100:
            ops.append(["borrow", i])
            borrowed += 1
        elif borrowed:
            ops.append(["unborrow", 0])
            borrowed -= 1
    return ops


NODE_DRIVER = """
const ops = JSON.parse(process.argv[2]);
const live = [];
for (const [op, arg] of ops) {
  if (op === 'add') live.push(addHeapObject('v' + arg));
  else if (op === 'take') { const idx = live.splice(arg % live.length, 1)[0]; takeObject(idx); }
  else if (op === 'drop_raw') dropObject(arg);
  else if (op === 'borrow') addBorrowedObject('b' + arg);
  else if (op === 'unborrow') heap[stack_pointer++] = undefined;
}
const view = heap.map((v) => v === undefined ? null : v === null ? 'null' : v);
process.stdout.write(JSON.stringify({ view, heap_next, stack_pointer, live }));
"""


def python_run(ops) -> dict:
    heap, live = Heap(), []
    for op, arg in ops:
        if op == "add":
            live.append(heap.add(f"v{arg}"))
        elif op == "take":
            heap.take(live.pop(arg % len(live)))
        elif op == "drop_raw":
            heap.drop(arg)
        elif op == "borrow":
            heap.add_borrowed(f"b{arg}")
        elif op == "unborrow":
            heap.pop_borrowed()
    view = [None if v is UNDEFINED else "null" if v is None else v for v in heap.slots]
    return {"view": view, "heap_next": heap.heap_next, "stack_pointer": heap.stack_pointer,
            "live": live}


@pytest.mark.parametrize("seed", range(6))
def test_heap_matches_the_real_glue(seed, tmp_path):
    ops = random_ops(seed)
    script = tmp_path / "heap.js"
    script.write_text(glue_heap_source() + NODE_DRIVER)
    result = subprocess.run([NODE, str(script), json.dumps(ops)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert python_run(ops) == json.loads(result.stdout)


def test_the_seed_reports_variant_differs(tmp_path):
    """Sanity check of the check: the seed report's heap (heap_next taken before the push,
    `idx < 36`) gives a different state, so the comparison above can tell them apart."""
    seed_variant = glue_heap_source() \
        .replace("if (idx < 132) return;", "if (idx < 36) return;") \
        .replace("heap.push(undefined, null, true, false);\n", "") \
        .replace("let heap_next = heap.length;",
                 "let heap_next = heap.length; heap.push(undefined, null, true, false);")
    ops = random_ops(0)
    script = tmp_path / "seed.js"
    script.write_text(seed_variant + NODE_DRIVER)
    result = subprocess.run([NODE, str(script), json.dumps(ops)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert python_run(ops) != json.loads(result.stdout)
