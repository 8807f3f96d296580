(module
  (type (;0;) (func (param i32 i32) (result i32)))
  (type (;1;) (func (param i64) (result i64)))
  (type (;2;) (func (param f32)))
  (type (;3;) (func (param i32 f64 v128) (result i32)))
  (type (;4;) (func))
  (type (;5;) (func (result f64 i64)))
  (type (;6;) (func (result i32 i32)))
  (type (;7;) (func (param f64 i64)))
  (type (;8;) (func (param i32)))
  (type (;9;) (func (param i32 i64 i64 i64) (result i32)))
  (type (;10;) (func (result i32 i64 i32 i64 i32 i64 i64 i32)))
  (import "env" "h0" (func (;0;) (type 0) (param i32 i32) (result i32)))
  (import "env" "h1" (func (;1;) (type 1) (param i64) (result i64)))
  (import "env" "gi32" (global (;0;) i32))
  (import "env" "gi64" (global (;1;) i64))
  (table (;0;) 0 funcref)
  (table (;1;) 1 externref)
  (memory (;0;) 1)
  (global (;2;) (mut i32) i32.const 60)
  (global (;3;) f64 f64.const 0x1.4678p-1059)
  (global (;4;) funcref ref.func 3)
  (global (;5;) i64 i64.const 10227)
  (global (;6;) (mut f64) f64.const 0x1.872ep-1058)
  (global (;7;) funcref ref.func 2)
  (export "memory" (memory 0))
  (export "t0" (table 0))
  (export "t1" (table 1))
  (export "f2" (func 6))
  (export "f3" (func 7))
  (export "f4" (func 8))
  (export "f5" (func 9))
  (export "__state" (func 10))
  (elem (;0;) declare func 0 1 2 3 4 5)
  (func (;2;) (type 2) (param f32)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    i32.const -2147483648
    global.get 0
    i32.const 65536
    memory.fill
    i32.const 0
    ref.null extern
    i32.const 4
    table.fill 1
  )
  (func (;3;) (type 3) (param i32 f64 v128) (result i32)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    global.get 2
  )
  (func (;4;) (type 4)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
  )
  (func (;5;) (type 4)
    (local i32 v128 f64 i64 i32)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    loop ;; label = @1
      global.get 2
      i32.eqz
      if ;; label = @2
        unreachable
      end
      global.get 2
      i32.const 1
      i32.sub
      global.set 2
      memory.size
      local.tee 0
      br_if 1 (;@0;)
      v128.const i32x4 0x0001ae28 0x00000000 0x00000000 0x00000000
      v128.const i32x4 0x000008d8 0x00000000 0x00000000 0x00000000
      v128.const i32x4 0x0000011b 0x00000000 0x00001ad2 0x00000000
      i32.const 8
      select (result v128)
      i16x8.extmul_high_i8x16_s
      local.set 1
      call 4
    end
    block (type 5) (result f64 i64) ;; label = @1
      block (type 6) (result i32 i32) ;; label = @2
        block (result i32) ;; label = @3
          local.get 2
          local.get 3
          i32.const -32768
          br_table 2 2
        end
        global.get 0
      end
      call 0
      drop
      block (type 5) (result f64 i64) ;; label = @2
        i32.const 65537
        i32.const 3020095
        local.get 1
        v128.load16_lane offset=16 1
        v128.store offset=2 align=8
        loop ;; label = @3
          global.get 2
          i32.eqz
          if ;; label = @4
            unreachable
          end
          global.get 2
          i32.const 1
          i32.sub
          global.set 2
          local.get 0
          v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
          v128.store8_lane offset=3 7
          i32.const -1
          local.set 0
        end
        local.get 2
        local.get 3
      end
    end
    local.get 4
    if (type 7) (param f64 i64) ;; label = @1
      local.set 3
      local.set 2
    else
      drop
      local.set 2
    end
    elem.drop 0
  )
  (func (;6;) (type 8) (param i32)
    i32.const 60
    global.set 2
    local.get 0
    f32.reinterpret_i32
    call 2
  )
  (func (;7;) (type 9) (param i32 i64 i64 i64) (result i32)
    (local i32)
    i32.const 60
    global.set 2
    local.get 0
    local.get 1
    f64.reinterpret_i64
    local.get 2
    i64x2.splat
    local.get 3
    i64x2.replace_lane 1
    call 3
    local.set 4
    local.get 4
  )
  (func (;8;) (type 4)
    i32.const 60
    global.set 2
    call 4
  )
  (func (;9;) (type 4)
    i32.const 60
    global.set 2
    call 5
  )
  (func (;10;) (type 10) (result i32 i64 i32 i64 i32 i64 i64 i32)
    global.get 0
    global.get 1
    global.get 2
    global.get 3
    i64.reinterpret_f64
    global.get 4
    ref.is_null
    global.get 5
    global.get 6
    i64.reinterpret_f64
    global.get 7
    ref.is_null
  )
)
