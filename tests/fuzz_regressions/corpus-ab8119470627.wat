(module
  (type (;0;) (func (param i32 i32) (result i32)))
  (type (;1;) (func (param i64) (result i64)))
  (type (;2;) (func (param v128 i64)))
  (type (;3;) (func (result i64 i64 f32)))
  (type (;4;) (func (param v128)))
  (type (;5;) (func (param v128 i32) (result v128)))
  (type (;6;) (func (param f32 i64 f32) (result i64 i64 f32)))
  (type (;7;) (func (result i32)))
  (type (;8;) (func (result v128 i32 i64)))
  (type (;9;) (func (param i32 i64 i32) (result i64 i64 i32)))
  (type (;10;) (func (result i64 i64 i32 i64)))
  (type (;11;) (func (result i32 i64 i32 i32 i32)))
  (import "env" "h0" (func (;0;) (type 0) (param i32 i32) (result i32)))
  (import "env" "h1" (func (;1;) (type 1) (param i64) (result i64)))
  (import "env" "gi32" (global (;0;) i32))
  (import "env" "gi64" (global (;1;) i64))
  (table (;0;) 8 funcref)
  (table (;1;) 2 externref)
  (memory (;0;) 2 5)
  (global (;2;) (mut i32) i32.const 300)
  (global (;3;) f32 f32.const -0x1p+63)
  (global (;4;) (mut funcref) ref.null func)
  (export "memory" (memory 0))
  (export "t0" (table 0))
  (export "t1" (table 1))
  (export "f2" (func 4))
  (export "f3" (func 5))
  (export "__state" (func 6))
  (elem (;0;) externref)
  (elem (;1;) declare func 0 1 2 3)
  (func (;2;) (type 6) (param f32 i64 f32) (result i64 i64 f32)
    (local v128 externref i32 f64 i32 i64)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    i32.const 26
    v128.load32_splat offset=8
    block (result v128) ;; label = @1
      v128.const i32x4 0x00000001 0x7ff80000 0x80000000 0x00000000
      i32.const -32768
      br_if 0 (;@1;)
      drop
      local.get 3
      i64.const 9223372036854775807
      block (type 2) (param v128 i64) ;; label = @2
        drop
        drop
        v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
        drop
        block (type 3) (result i64 i64 f32) ;; label = @3
          i32.const 65535
          drop
          local.get 1
          i64.const 1
          local.get 0
          br 3 (;@0;)
        end
        return
      end
      local.get 3
      loop (type 4) (param v128) ;; label = @2
        global.get 2
        i32.eqz
        if ;; label = @3
          unreachable
        end
        global.get 2
        i32.const 1
        i32.sub
        global.set 2
        drop
        ref.null extern
        local.set 4
        f64.const nan:0x1
        drop
        local.get 2
        drop
      end
      v128.const i32x4 0x00013ae7 0x00000000 0x8839c42b 0x00000008
      local.get 5
      i32.const 0
      call_indirect (type 5)
    end
    local.get 6
    local.get 6
    f64.ne
    v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
    i64x2.bitmask
    local.get 7
    select (result i32)
    local.tee 5
    select (result v128)
    drop
    i32.const 32
    i32.const 26
    i32.const 8
    memory.copy
    local.get 8
    i64.const -1
    f32.const 0x1.0ep-139 (;=1.513e-42;)
  )
  (func (;3;) (type 8) (result v128 i32 i64)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    i32.const 3
    i32.const -1
    i32.const 4
    call_indirect (type 7)
    table.init 1
    unreachable
  )
  (func (;4;) (type 9) (param i32 i64 i32) (result i64 i64 i32)
    (local i64 i64 f32)
    i32.const 300
    global.set 2
    local.get 0
    f32.reinterpret_i32
    local.get 1
    local.get 2
    f32.reinterpret_i32
    call 2
    local.set 5
    local.set 4
    local.set 3
    local.get 3
    local.get 4
    local.get 5
    i32.reinterpret_f32
  )
  (func (;5;) (type 10) (result i64 i64 i32 i64)
    (local v128 i32 i64)
    i32.const 300
    global.set 2
    call 3
    local.set 2
    local.set 1
    local.set 0
    local.get 0
    i64x2.extract_lane 0
    local.get 0
    i64x2.extract_lane 1
    local.get 1
    local.get 2
  )
  (func (;6;) (type 11) (result i32 i64 i32 i32 i32)
    global.get 0
    global.get 1
    global.get 2
    global.get 3
    i32.reinterpret_f32
    global.get 4
    ref.is_null
  )
)
