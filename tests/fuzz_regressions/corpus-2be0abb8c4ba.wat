(module
  (type (;0;) (func (param i32 i32) (result i32)))
  (type (;1;) (func (param i64) (result i64)))
  (type (;2;) (func))
  (type (;3;) (func (param f32 i32) (result i64)))
  (type (;4;) (func (param f32 i32 i64) (result i64)))
  (type (;5;) (func (param funcref externref funcref) (result f64)))
  (type (;6;) (func (param f64) (result i64)))
  (type (;7;) (func (param i32)))
  (type (;8;) (func (param i32 f32 f32) (result i32 f32)))
  (type (;9;) (func (param i32 i32 i64) (result i64)))
  (type (;10;) (func (result i64)))
  (type (;11;) (func (param i32 i32 i32) (result i32 i32)))
  (type (;12;) (func (result i32 i64 i32 i32 i64)))
  (import "env" "h0" (func (;0;) (type 0) (param i32 i32) (result i32)))
  (import "env" "h1" (func (;1;) (type 1) (param i64) (result i64)))
  (import "env" "gi32" (global (;0;) i32))
  (import "env" "gi64" (global (;1;) i64))
  (table (;0;) 1 funcref)
  (memory (;0;) 2 3)
  (global (;2;) (mut i32) i32.const 10)
  (global (;3;) f32 f32.const nan:0x200000)
  (global (;4;) (mut i64) global.get 1)
  (export "memory" (memory 0))
  (export "t0" (table 0))
  (export "f2" (func 6))
  (export "f3" (func 7))
  (export "f4" (func 8))
  (export "f5" (func 9))
  (export "__state" (func 10))
  (start 2)
  (elem (;0;) (i32.const 0) func 3)
  (elem (;1;) declare func 0 1 2 3 4 5)
  (func (;2;) (type 2)
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
  (func (;3;) (type 4) (param f32 i32 i64) (result i64)
    (local externref funcref i64)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    global.get 3
    f32.const -0x1p-1 (;=-0.5;)
    f32.sqrt
    local.get 3
    ref.is_null
    select (result f32)
    i32.const 7
    loop (type 3) (param f32 i32) (result i64) ;; label = @1
      global.get 2
      i32.eqz
      if ;; label = @2
        unreachable
      end
      global.get 2
      i32.const 1
      i32.sub
      global.set 2
      drop
      drop
      local.get 4
      local.tee 4
      local.set 4
      i32.const 52
      local.get 2
      call 1
      i64.store16 offset=16
      i64.const 128
      local.tee 5
    end
    global.set 4
    elem.drop 1
    i64.const 2147483647
  )
  (func (;4;) (type 5) (param funcref externref funcref) (result f64)
    (local i32 f64 f64 f64)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    block ;; label = @1
      i32.const 0
      table.get 0
      ref.is_null
      local.set 3
      loop ;; label = @2
        global.get 2
        i32.eqz
        if ;; label = @3
          unreachable
        end
        global.get 2
        i32.const 1
        i32.sub
        global.set 2
        i32.const 127
        local.set 3
        i64.const -2
        drop
      end
      data.drop 0
      br 0 (;@1;)
    end
    local.get 4
    i32.const 3
    br_if 0 (;@0;)
    drop
    local.get 5
    i32.const 2
    br_if 0 (;@0;)
    drop
    local.get 6
  )
  (func (;5;) (type 8) (param i32 f32 f32) (result i32 f32)
    (local i64 funcref f64)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    block ;; label = @1
      global.get 1
      local.get 3
      i32.wrap_i64
      local.tee 0
      call_indirect (type 1)
      drop
    end
    block ;; label = @1
      i32.const 63
      local.get 4
      ref.func 0
      i32.const -2
      select (result funcref)
      ref.is_null
      i32.store16 offset=8 align=1
      nop
      memory.size
      f32.const -inf
      f32.const 0x0p+0 (;=0.0;)
      f32.max
      i32.const 3
      br_table 1 1 1
    end
    block ;; label = @1
      f64.const 0x1.9p-1069 (;=2.47e-322;)
      i32.const 8454801
      i32.const 5353003
      local.get 0
      select
      if (type 6) (param f64) (result i64) ;; label = @2
        local.set 5
        local.get 3
      else
        drop
        local.get 3
      end
      global.set 4
      local.get 2
      local.set 1
      local.get 0
      block (type 7) (param i32) ;; label = @2
        drop
      end
    end
    i32.const 63
    local.get 1
  )
  (func (;6;) (type 2)
    i32.const 10
    global.set 2
    call 2
  )
  (func (;7;) (type 9) (param i32 i32 i64) (result i64)
    (local i64)
    i32.const 10
    global.set 2
    local.get 0
    f32.reinterpret_i32
    local.get 1
    local.get 2
    call 3
    local.set 3
    local.get 3
  )
  (func (;8;) (type 10) (result i64)
    (local f64)
    i32.const 10
    global.set 2
    ref.null func
    ref.null extern
    ref.null func
    call 4
    local.set 0
    local.get 0
    i64.reinterpret_f64
  )
  (func (;9;) (type 11) (param i32 i32 i32) (result i32 i32)
    (local i32 f32)
    i32.const 10
    global.set 2
    local.get 0
    local.get 1
    f32.reinterpret_i32
    local.get 2
    f32.reinterpret_i32
    call 5
    local.set 4
    local.set 3
    local.get 3
    local.get 4
    i32.reinterpret_f32
  )
  (func (;10;) (type 12) (result i32 i64 i32 i32 i64)
    global.get 0
    global.get 1
    global.get 2
    global.get 3
    i32.reinterpret_f32
    global.get 4
  )
  (data (;0;) "\f2w>\a6%")
)
