"""Out-of-line instruction semantics the interpreter calls through one generic op: memory accesses
that are not inlined in the loop, SIMD memory instructions, bulk memory and table instructions.

Memory helpers take the memory's bytearray `M` and the effective address `ea` (an unbounded int,
address + offset) and raise `struct.error` or a memory Trap when the access is out of bounds.
Instruction handlers ("misc" ops) take `(S, inst, arg)`: the operand stack, the module instance and
the lowered immediate.
"""

from __future__ import annotations

import struct

from ..errors import Trap, TrapCode

_MEM = TrapCode.MEMORY_OUT_OF_BOUNDS
_TAB = TrapCode.TABLE_OUT_OF_BOUNDS

_b = struct.Struct("<b").unpack_from
_B = struct.Struct("<B").unpack_from
_h = struct.Struct("<h").unpack_from
_H = struct.Struct("<H").unpack_from
_i = struct.Struct("<i").unpack_from
_I = struct.Struct("<I").unpack_from
_Q = struct.Struct("<Q").unpack_from
_f = struct.Struct("<f").unpack_from
_d = struct.Struct("<d").unpack_from
_pB = struct.Struct("<B").pack_into
_pH = struct.Struct("<H").pack_into
_pI = struct.Struct("<I").pack_into
_pQ = struct.Struct("<Q").pack_into
_pf = struct.Struct("<f").pack_into
_pd = struct.Struct("<d").pack_into

M32 = 0xFFFF_FFFF
M64 = 0xFFFF_FFFF_FFFF_FFFF


def _floats():
    from ..numerics import floats
    return floats


# ---- scalar loads: (M, ea) -> value ----
def i32_load(M, ea):
    return _I(M, ea)[0]


def i64_load(M, ea):
    return _Q(M, ea)[0]


def f32_load(M, ea):
    x = _f(M, ea)[0]
    if x != x:      # struct quiets signalling NaNs: rebuild from the bits
        return _floats().f32_from_bits(_I(M, ea)[0])
    return x


def f64_load(M, ea):
    return _d(M, ea)[0]


def i32_load8_s(M, ea):
    return _b(M, ea)[0] & M32


def i32_load8_u(M, ea):
    return _B(M, ea)[0]


def i32_load16_s(M, ea):
    return _h(M, ea)[0] & M32


def i32_load16_u(M, ea):
    return _H(M, ea)[0]


def i64_load8_s(M, ea):
    return _b(M, ea)[0] & M64


def i64_load16_s(M, ea):
    return _h(M, ea)[0] & M64


def i64_load32_s(M, ea):
    return _i(M, ea)[0] & M64


def i64_load32_u(M, ea):
    return _I(M, ea)[0]


# ---- scalar stores: (M, ea, value) ----
def i32_store(M, ea, v):
    _pI(M, ea, v)


def i64_store(M, ea, v):
    _pQ(M, ea, v)


def f32_store(M, ea, x):
    if x != x:
        _pI(M, ea, _floats().f32_to_bits(x))
    else:
        _pf(M, ea, x)


def f64_store(M, ea, x):
    _pd(M, ea, x)


def store8(M, ea, v):
    _pB(M, ea, v & 0xFF)


def store16(M, ea, v):
    _pH(M, ea, v & 0xFFFF)


def store32(M, ea, v):
    _pI(M, ea, v & M32)


# ---- v128 memory instructions ----
def _read(M, ea, n):
    if ea + n > len(M):
        raise Trap(_MEM)
    return M[ea:ea + n]


def _write(M, ea, data):
    n = len(data)
    if ea + n > len(M):
        raise Trap(_MEM)
    M[ea:ea + n] = data


def v128_load(M, ea):
    return int.from_bytes(_read(M, ea, 16), "little")


def v128_store(M, ea, v):
    _write(M, ea, v.to_bytes(16, "little"))


def _extend_loader(bits: int, signed: bool):
    """v128.loadKxN_s/u: N lanes of K bits, each extended to 2K bits."""
    size = bits // 8
    count = 64 // bits
    wide = 2 * bits
    mask = (1 << wide) - 1

    def load(M, ea):
        raw = _read(M, ea, 8)
        v = 0
        for i in range(count):
            lane = int.from_bytes(raw[i * size:(i + 1) * size], "little", signed=signed) & mask
            v |= lane << (i * wide)
        return v
    return load


def _splat_loader(bits: int):
    size = bits // 8

    def load(M, ea):
        lane = int.from_bytes(_read(M, ea, size), "little")
        v = 0
        for i in range(128 // bits):
            v |= lane << (i * bits)
        return v
    return load


def _zero_loader(bits: int):
    size = bits // 8

    def load(M, ea):
        return int.from_bytes(_read(M, ea, size), "little")
    return load


def lane_loader(bits: int):
    """v128.loadN_lane: (M, ea, v, lane) -> v with lane replaced by the N bits at ea."""
    size = bits // 8
    mask = (1 << bits) - 1

    def load(M, ea, v, lane):
        x = int.from_bytes(_read(M, ea, size), "little")
        shift = lane * bits
        return (v & ~(mask << shift)) | (x << shift)
    return load


def lane_storer(bits: int):
    size = bits // 8
    mask = (1 << bits) - 1

    def store(M, ea, v, lane):
        _write(M, ea, ((v >> (lane * bits)) & mask).to_bytes(size, "little"))
    return store


# Every load/store by instruction name: used by lowering for the generic LOAD/STORE ops.
LOADS = {
    "i32.load": i32_load, "i64.load": i64_load, "f32.load": f32_load, "f64.load": f64_load,
    "i32.load8_s": i32_load8_s, "i32.load8_u": i32_load8_u,
    "i32.load16_s": i32_load16_s, "i32.load16_u": i32_load16_u,
    "i64.load8_s": i64_load8_s, "i64.load8_u": i32_load8_u,
    "i64.load16_s": i64_load16_s, "i64.load16_u": i32_load16_u,
    "i64.load32_s": i64_load32_s, "i64.load32_u": i64_load32_u,
    "v128.load": v128_load,
    "v128.load8x8_s": _extend_loader(8, True), "v128.load8x8_u": _extend_loader(8, False),
    "v128.load16x4_s": _extend_loader(16, True), "v128.load16x4_u": _extend_loader(16, False),
    "v128.load32x2_s": _extend_loader(32, True), "v128.load32x2_u": _extend_loader(32, False),
    "v128.load8_splat": _splat_loader(8), "v128.load16_splat": _splat_loader(16),
    "v128.load32_splat": _splat_loader(32), "v128.load64_splat": _splat_loader(64),
    "v128.load32_zero": _zero_loader(32), "v128.load64_zero": _zero_loader(64),
}
STORES = {
    "i32.store": i32_store, "i64.store": i64_store, "f32.store": f32_store, "f64.store": f64_store,
    "i32.store8": store8, "i32.store16": store16,
    "i64.store8": store8, "i64.store16": store16, "i64.store32": store32,
    "v128.store": v128_store,
}
LANE_LOADS = {"v128.load8_lane": 8, "v128.load16_lane": 16, "v128.load32_lane": 32,
              "v128.load64_lane": 64}
LANE_STORES = {"v128.store8_lane": 8, "v128.store16_lane": 16, "v128.store32_lane": 32,
               "v128.store64_lane": 64}


# ---- misc handlers: (S, inst, arg) ----
def load_mem(S, inst, arg):
    """A load from any memory (memidx != 0, or a load kind not inlined)."""
    fn, offset, memidx = arg
    S[-1] = fn(inst.memories[memidx].data, S[-1] + offset)


def store_mem(S, inst, arg):
    fn, offset, memidx = arg
    v = S.pop()
    fn(inst.memories[memidx].data, S.pop() + offset, v)


def load_lane(S, inst, arg):
    fn, offset, memidx, lane = arg
    v = S.pop()
    S[-1] = fn(inst.memories[memidx].data, S[-1] + offset, v, lane)


def store_lane(S, inst, arg):
    fn, offset, memidx, lane = arg
    v = S.pop()
    fn(inst.memories[memidx].data, S.pop() + offset, v, lane)


# memory64 (3.0): an effective address may reach 2**65, which bytearray indexing and struct
# reject with IndexError/OverflowError rather than struct.error, so anything at or past the end
# traps here first (the helpers still check the access's last byte).
def load_mem64(S, inst, arg):
    fn, offset, memidx = arg
    M = inst.memories[memidx].data
    ea = S[-1] + offset
    if ea >= len(M):
        raise Trap(_MEM)
    S[-1] = fn(M, ea)


def store_mem64(S, inst, arg):
    fn, offset, memidx = arg
    v = S.pop()
    M = inst.memories[memidx].data
    ea = S.pop() + offset
    if ea >= len(M):
        raise Trap(_MEM)
    fn(M, ea, v)


def load_lane64(S, inst, arg):
    fn, offset, memidx, lane = arg
    v = S.pop()
    M = inst.memories[memidx].data
    ea = S[-1] + offset
    if ea >= len(M):
        raise Trap(_MEM)
    S[-1] = fn(M, ea, v, lane)


def store_lane64(S, inst, arg):
    fn, offset, memidx, lane = arg
    v = S.pop()
    M = inst.memories[memidx].data
    ea = S.pop() + offset
    if ea >= len(M):
        raise Trap(_MEM)
    fn(M, ea, v, lane)


def memory_size(S, inst, memidx):
    S.append(len(inst.memories[memidx].data) >> 16)


def memory_grow(S, inst, memidx):
    memory = inst.memories[memidx]
    S[-1] = memory.grow_pages(S[-1]) & (M64 if memory.ty.is_64 else M32)


def memory_init(S, inst, arg):
    dataidx, memidx = arg
    n = S.pop()
    s = S.pop()
    d = S.pop()
    data = inst.datas[dataidx]
    M = inst.memories[memidx].data
    if s + n > len(data) or d + n > len(M):
        raise Trap(_MEM)
    M[d:d + n] = data[s:s + n]


def data_drop(S, inst, dataidx):
    inst.datas[dataidx] = b""


def memory_copy(S, inst, arg):
    dst, src = arg
    n = S.pop()
    s = S.pop()
    d = S.pop()
    Md = inst.memories[dst].data
    Ms = inst.memories[src].data
    if s + n > len(Ms) or d + n > len(Md):
        raise Trap(_MEM)
    Md[d:d + n] = Ms[s:s + n]


def memory_fill(S, inst, memidx):
    n = S.pop()
    v = S.pop()
    d = S.pop()
    M = inst.memories[memidx].data
    if d + n > len(M):
        raise Trap(_MEM)
    M[d:d + n] = bytes((v & 0xFF,)) * n


def table_get(S, inst, tableidx):
    elements = inst.tables[tableidx].elements
    i = S[-1]
    if i >= len(elements):
        raise Trap(_TAB)
    S[-1] = elements[i]


def table_set(S, inst, tableidx):
    v = S.pop()
    i = S.pop()
    elements = inst.tables[tableidx].elements
    if i >= len(elements):
        raise Trap(_TAB)
    elements[i] = v


def table_size(S, inst, tableidx):
    S.append(len(inst.tables[tableidx].elements))


def table_grow(S, inst, tableidx):
    n = S.pop()
    table = inst.tables[tableidx]
    S[-1] = table.grow_elems(n, S[-1]) & (M64 if table.ty.is_64 else M32)


def table_fill(S, inst, tableidx):
    n = S.pop()
    v = S.pop()
    i = S.pop()
    elements = inst.tables[tableidx].elements
    if i + n > len(elements):
        raise Trap(_TAB)
    elements[i:i + n] = [v] * n


def table_copy(S, inst, arg):
    dst, src = arg
    n = S.pop()
    s = S.pop()
    d = S.pop()
    Ed = inst.tables[dst].elements
    Es = inst.tables[src].elements
    if s + n > len(Es) or d + n > len(Ed):
        raise Trap(_TAB)
    Ed[d:d + n] = Es[s:s + n]


def table_init(S, inst, arg):
    elemidx, tableidx = arg
    n = S.pop()
    s = S.pop()
    d = S.pop()
    elem = inst.elems[elemidx]
    elements = inst.tables[tableidx].elements
    if s + n > len(elem) or d + n > len(elements):
        raise Trap(_TAB)
    elements[d:d + n] = elem[s:s + n]


def elem_drop(S, inst, elemidx):
    inst.elems[elemidx] = []
