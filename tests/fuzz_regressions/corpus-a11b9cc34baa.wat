(module
  (type (;0;) (func (param i32 i32) (result i32)))
  (type (;1;) (func (param i64) (result i64)))
  (type (;2;) (func (param f32)))
  (type (;3;) (func (param i32 f32 f64) (result i32)))
  (type (;4;) (func))
  (type (;5;) (func (param i64 i32)))
  (type (;6;) (func (param i32)))
  (type (;7;) (func (param i32 i32 i64) (result i32)))
  (type (;8;) (func (result i32 i64 i32 i32 i32 i64 i32 i32)))
  (import "env" "h0" (func (;0;) (type 0) (param i32 i32) (result i32)))
  (import "env" "h1" (func (;1;) (type 1) (param i64) (result i64)))
  (import "env" "gi32" (global (;0;) i32))
  (import "env" "gi64" (global (;1;) i64))
  (table (;0;) 0 funcref)
  (table (;1;) 1 externref)
  (memory (;0;) 1)
  (global (;2;) (mut i32) i32.const 60)
  (global (;3;) f32 f32.const 0x1.897p-136)
  (global (;4;) funcref ref.func 3)
  (global (;5;) i64 i64.const 10227)
  (global (;6;) (mut f32) f32.const 0x1.7424p-135)
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
  (func (;3;) (type 3) (param i32 f32 f64) (result i32)
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
    (local i32 f64 i64 i64 funcref externref)
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
      local.get 1
      f64.ceil
      local.get 1
      local.tee 1
      f64.min
      local.set 1
      local.get 0
      if (result i64) ;; label = @2
        br 1 (;@1;)
      else
        f32.const nan:0x12345
        drop
        i64.const 63
        local.set 2
        local.get 3
      end
      block (result i64) ;; label = @2
        local.get 4
        local.set 4
        i32.const 46
        local.get 0
        i32.store16 offset=65535 align=1
        local.get 0
        i32.const 64
        i32.store8 offset=2
        local.get 3
      end
      i64.shr_u
      local.get 4
      ref.is_null
      loop (type 5) (param i64 i32) ;; label = @2
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
    end
    i32.const 65536
    f32.const -0x1p+0 (;=-1.0;)
    f64.const 0x1.6p-1071 (;=5.4e-323;)
    call 3
    drop
    ref.null extern
    local.set 5
  )
  (func (;6;) (type 6) (param i32)
    i32.const 60
    global.set 2
    local.get 0
    f32.reinterpret_i32
    call 2
  )
  (func (;7;) (type 7) (param i32 i32 i64) (result i32)
    (local i32)
    i32.const 60
    global.set 2
    local.get 0
    local.get 1
    f32.reinterpret_i32
    local.get 2
    f64.reinterpret_i64
    call 3
    local.set 3
    local.get 3
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
  (func (;10;) (type 8) (result i32 i64 i32 i32 i32 i64 i32 i32)
    global.get 0
    global.get 1
    global.get 2
    global.get 3
    i32.reinterpret_f32
    global.get 4
    ref.is_null
    global.get 5
    global.get 6
    i32.reinterpret_f32
    global.get 7
    ref.is_null
  )
)
