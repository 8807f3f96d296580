(module
  (type (;0;) (func (param i32 i32) (result i32)))
  (type (;1;) (func (param i64) (result i64)))
  (type (;2;) (func (result funcref funcref)))
  (type (;3;) (func (param v128 i32 i64) (result funcref funcref)))
  (type (;4;) (func (result f64 v128)))
  (type (;5;) (func (param i32) (result i32)))
  (type (;6;) (func (param v128) (result i32)))
  (type (;7;) (func (param f64 v128)))
  (type (;8;) (func (result v128 i32 f32)))
  (type (;9;) (func (param v128 i64 f32) (result i64 i64 f32)))
  (type (;10;) (func (result f64 i32 v128)))
  (type (;11;) (func (param i64 i64 i32 i64) (result i32 i32)))
  (type (;12;) (func (result i64 i64 i32 i32)))
  (type (;13;) (func (param i64 i64 i64 i32) (result i64 i64 i32)))
  (type (;14;) (func (result i64 i32 i64 i64)))
  (type (;15;) (func (result i32 i64 i32 i32)))
  (import "env" "h0" (func (;0;) (type 0) (param i32 i32) (result i32)))
  (import "env" "h1" (func (;1;) (type 1) (param i64) (result i64)))
  (import "env" "gi32" (global (;0;) i32))
  (import "env" "gi64" (global (;1;) i64))
  (table (;0;) 0 0 funcref)
  (memory (;0;) 2)
  (global (;2;) (mut i32) i32.const 60)
  (global (;3;) (mut f32) f32.const nan:0x400001)
  (export "memory" (memory 0))
  (export "t0" (table 0))
  (export "f2" (func 6))
  (export "f3" (func 7))
  (export "f4" (func 8))
  (export "f5" (func 9))
  (export "__state" (func 10))
  (elem (;0;) funcref (ref.func 4))
  (elem (;1;) funcref (ref.func 0) (ref.func 3) (ref.null func) (ref.func 5))
  (elem (;2;) declare func 0 1 2 3 4 5)
  (func (;2;) (type 3) (param v128 i32 i64) (result funcref funcref)
    (local funcref)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    block (type 2) (result funcref funcref) ;; label = @1
      ref.func 2
      local.tee 3
      ref.func 0
    end
  )
  (func (;3;) (type 8) (result v128 i32 f32)
    (local i32 funcref i32 v128 i32 i32 i32 funcref i32 i32 i32)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    block (type 4) (result f64 v128) ;; label = @1
      local.get 0
      loop (type 5) (param i32) (result i32) ;; label = @2
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
        ref.null func
        local.set 1
        local.get 0
      end
      local.get 0
      global.get 0
      select (result i32)
      local.get 0
      local.get 2
      i32.rem_s
      call 0
      drop
      i32.const 65535
      drop
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      loop (type 6) (param v128) (result i32) ;; label = @2
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
        i32.const 0
        local.get 4
        i32.store offset=2 align=1
        i32.const 0
        local.set 5
        i32.const 0
      end
      i32.eqz
      local.set 6
      block (type 4) (result f64 v128) ;; label = @2
        f64.const 0x0p+0 (;=0.0;)
        f64.const -inf
        f64.min
        f64.const 0x0p+0 (;=0.0;)
        f64.sub
        v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      end
    end
    block (result i32) ;; label = @1
      ref.func 0
      local.set 7
      local.get 6
    end
    if (type 7) (param f64 v128) ;; label = @1
      drop
      drop
      i32.const 0
      local.set 8
      i32.const 0
      local.set 0
    else
      drop
      drop
      table.size 0
      local.set 9
    end
    global.get 0
    local.set 0
    local.get 10
    drop
    v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
    i32.const 1
    f32.const inf
  )
  (func (;4;) (type 9) (param v128 i64 f32) (result i64 i64 f32)
    (local i64)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    local.get 3
    local.get 1
    i64.ctz
    f32.const 0x0p+0 (;=0.0;)
  )
  (func (;5;) (type 10) (result f64 i32 v128)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    f32.const 0x1.8p-148 (;=4e-45;)
    drop
    f64.const 0x0p+0 (;=0.0;)
    i32.const 1
    v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
  )
  (func (;6;) (type 11) (param i64 i64 i32 i64) (result i32 i32)
    (local funcref funcref)
    i32.const 60
    global.set 2
    local.get 0
    i64x2.splat
    local.get 1
    i64x2.replace_lane 1
    local.get 2
    local.get 3
    call 2
    local.set 5
    local.set 4
    local.get 4
    ref.is_null
    local.get 5
    ref.is_null
  )
  (func (;7;) (type 12) (result i64 i64 i32 i32)
    (local v128 i32 f32)
    i32.const 60
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
    i32.reinterpret_f32
  )
  (func (;8;) (type 13) (param i64 i64 i64 i32) (result i64 i64 i32)
    (local i64 i64 f32)
    i32.const 60
    global.set 2
    local.get 0
    i64x2.splat
    local.get 1
    i64x2.replace_lane 1
    local.get 2
    local.get 3
    f32.reinterpret_i32
    call 4
    local.set 6
    local.set 5
    local.set 4
    local.get 4
    local.get 5
    local.get 6
    i32.reinterpret_f32
  )
  (func (;9;) (type 14) (result i64 i32 i64 i64)
    (local f64 i32 v128)
    i32.const 60
    global.set 2
    call 5
    local.set 2
    local.set 1
    local.set 0
    local.get 0
    i64.reinterpret_f64
    local.get 1
    local.get 2
    i64x2.extract_lane 0
    local.get 2
    i64x2.extract_lane 1
  )
  (func (;10;) (type 15) (result i32 i64 i32 i32)
    global.get 0
    global.get 1
    global.get 2
    global.get 3
    i32.reinterpret_f32
  )
  (data (;0;) (i32.const 213) "\12\ae")
  (data (;1;) "\81\bb\01\d0C)\e6\18C\f6=\d9")
)
