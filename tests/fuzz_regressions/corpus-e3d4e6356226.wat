(module
  (type (;0;) (func (param i32 i32) (result i32)))
  (type (;1;) (func (param i64) (result i64)))
  (type (;2;) (func (param i32 v128)))
  (type (;3;) (func (param f64) (result f64)))
  (type (;4;) (func (result f64)))
  (type (;5;) (func (param i64 i32 i64) (result f32 f64)))
  (type (;6;) (func (param v128)))
  (type (;7;) (func (param v128) (result i32)))
  (type (;8;) (func (param f64)))
  (type (;9;) (func (result f64 v128)))
  (type (;10;) (func (param v128 i64) (result i32)))
  (type (;11;) (func (param f64 v128)))
  (type (;12;) (func (param v128 f64 i32) (result i32)))
  (type (;13;) (func (param i64 i32 i64) (result i32 i64)))
  (type (;14;) (func (param i64 i64)))
  (type (;15;) (func (param i64 i64 i64 i32) (result i32)))
  (type (;16;) (func (result i32 i64 i32 i64 i64 i32)))
  (import "env" "h0" (func (;0;) (type 0) (param i32 i32) (result i32)))
  (import "env" "h1" (func (;1;) (type 1) (param i64) (result i64)))
  (import "env" "gi32" (global (;0;) i32))
  (import "env" "gi64" (global (;1;) i64))
  (table (;0;) 1 5 funcref)
  (memory (;0;) 2 3)
  (global (;2;) (mut i32) i32.const 60)
  (global (;3;) v128 v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  (global (;4;) funcref ref.null func)
  (export "memory" (memory 0))
  (export "t0" (table 0))
  (export "f2" (func 5))
  (export "f3" (func 6))
  (export "f4" (func 7))
  (export "__state" (func 8))
  (elem (;0;) (i32.const 0) func 3)
  (elem (;1;) funcref)
  (elem (;2;) funcref (ref.func 1) (ref.func 4) (ref.func 0))
  (elem (;3;) declare func 0 1 2 3 4)
  (func (;2;) (type 5) (param i64 i32 i64) (result f32 f64)
    (local v128 f64 f32)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    ref.func 4
    i32.const 0
    table.grow 0
    drop
    loop (result i64) ;; label = @1
      global.get 2
      i32.eqz
      if ;; label = @2
        unreachable
      end
      global.get 2
      i32.const 1
      i32.sub
      global.set 2
      global.get 0
      local.get 3
      loop (type 2) (param i32 v128) ;; label = @2
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
        drop
      end
      i64.const -128
      i32.const 0
      call_indirect (type 1)
      local.set 2
      local.get 0
    end
    local.set 2
    local.get 4
    drop
    f32.const 0x1p-149 (;=1e-45;)
    f32.const 0x1.81a258p-127 (;=8.853726e-39;)
    local.get 5
    i32.const 35000895
    select (result f32)
    f64.promote_f32
    i32.const 0
    call_indirect (type 3)
    local.tee 4
    i32.const 32
    i32.load16_u offset=8 align=1
    if (type 3) (param f64) (result f64) ;; label = @1
      local.set 4
      local.get 5
      drop
      i32.const 0
      call_indirect (type 4)
      i32.const 517
      local.tee 1
      br_if 0 (;@1;)
      drop
      nop
      f64.const 0x1.dap-1067 (;=1.17e-321;)
    else
      drop
      f32.const -0x1p+0 (;=-1.0;)
      i32.const 60
      f64.load offset=424699 align=1
      ref.func 2
      ref.is_null
      if (result f64) ;; label = @2
        v128.const i32x4 0x00000000 0x43f00000 0x00000000 0x00000000
        local.set 3
        local.get 1
        v128.const i32x4 0x0002337f 0x00000000 0x00000000 0x00000000
        v128.store64_lane offset=4 align=4 1
        local.get 3
        drop
        f64.const -0x1p+31 (;=-2147483648.0;)
      else
        f32.const 0x1.fffffcp-127 (;=1.1754942e-38;)
        drop
        local.get 4
      end
      f64.copysign
      br 1 (;@0;)
    end
    i32.const 0
    br_table 0 0 0 0 0
  )
  (func (;3;) (type 6) (param v128)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    nop
  )
  (func (;4;) (type 12) (param v128 f64 i32) (result i32)
    (local i64 v128 i32 f64)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    i32.const 0
    global.get 3
    i32.const 0
    call_indirect (type 7)
    if (result funcref) ;; label = @1
      f64.const nan:0x1
      f64.const 0x1.fffffffffffffp-2 (;=0.49999999999999994;)
      i32.const 59
      select (result f64)
      loop (type 8) (param f64) ;; label = @2
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
        i32.const 54
        local.get 3
        i64.store8 offset=4194303
        i32.const -16
        local.get 2
        i32.store8 offset=732
        f64.const -inf
        drop
      end
      block (type 9) (result f64 v128) ;; label = @2
        local.get 1
        v128.const i32x4 0xffffff80 0xffffffff 0x0002101c 0x00000000
      end
      local.get 4
      local.get 3
      loop (type 10) (param v128 i64) (result i32) ;; label = @2
        global.get 2
        i32.eqz
        if ;; label = @3
          unreachable
        end
        global.get 2
        i32.const 1
        i32.sub
        global.set 2
        local.set 3
        drop
        local.get 2
        local.set 5
        local.get 3
        local.set 3
        i32.const -1
      end
      if (type 11) (param f64 v128) ;; label = @2
        drop
        drop
        local.get 2
        drop
        i32.const 18
        local.get 2
        i32.store8 offset=8
        local.get 1
        local.set 6
        br 0 (;@2;)
      else
        drop
        drop
        i32.const 63
        i64.const 128
        i64.store offset=2
      end
      i32.const 0
      table.get 0
    else
      v128.const i32x4 0x68b16f4e 0x00000054 0x00000000 0x00000000
      local.get 0
      i32x4.ge_s
      i32.const 13
      f64.load offset=8
      i32.const 2
      memory.grow
      i32.const 0
      call_indirect (type 12)
      drop
      elem.drop 1
      nop
      global.get 0
      return
    end
    table.set 0
    block ;; label = @1
    end
    i32.const 127
    local.get 5
    i32.lt_u
  )
  (func (;5;) (type 13) (param i64 i32 i64) (result i32 i64)
    (local f32 f64)
    i32.const 60
    global.set 2
    local.get 0
    local.get 1
    local.get 2
    call 2
    local.set 4
    local.set 3
    local.get 3
    i32.reinterpret_f32
    local.get 4
    i64.reinterpret_f64
  )
  (func (;6;) (type 14) (param i64 i64)
    i32.const 60
    global.set 2
    local.get 0
    i64x2.splat
    local.get 1
    i64x2.replace_lane 1
    call 3
  )
  (func (;7;) (type 15) (param i64 i64 i64 i32) (result i32)
    (local i32)
    i32.const 60
    global.set 2
    local.get 0
    i64x2.splat
    local.get 1
    i64x2.replace_lane 1
    local.get 2
    f64.reinterpret_i64
    local.get 3
    call 4
    local.set 4
    local.get 4
  )
  (func (;8;) (type 16) (result i32 i64 i32 i64 i64 i32)
    global.get 0
    global.get 1
    global.get 2
    global.get 3
    i64x2.extract_lane 0
    global.get 3
    i64x2.extract_lane 1
    global.get 4
    ref.is_null
  )
  (data (;0;) (i32.const 15768) "Ac\1a")
  (data (;1;) (i32.const 131072) "")
)
