(module
  (type (;0;) (func (param i32 i32) (result i32)))
  (type (;1;) (func (param i64) (result i64)))
  (type (;2;) (func (result f64)))
  (type (;3;) (func (param i64) (result i32)))
  (type (;4;) (func (param f32)))
  (type (;5;) (func (result i64 i64 i64)))
  (type (;6;) (func (param f64 f32) (result i64 i32)))
  (type (;7;) (func (param i64 f32)))
  (type (;8;) (func (param f32) (result i32)))
  (type (;9;) (func (param funcref externref externref) (result f32 i32)))
  (type (;10;) (func (result i64)))
  (type (;11;) (func (result i32 i32)))
  (type (;12;) (func (result i32 i64 i32 i64 i32 i32 i64)))
  (import "env" "h0" (func (;0;) (type 0) (param i32 i32) (result i32)))
  (import "env" "h1" (func (;1;) (type 1) (param i64) (result i64)))
  (import "env" "gi32" (global (;0;) i32))
  (import "env" "gi64" (global (;1;) i64))
  (table (;0;) 8 12 funcref)
  (memory (;0;) 0)
  (global (;2;) (mut i32) i32.const 10)
  (global (;3;) (mut f64) f64.const 0x1p+63)
  (global (;4;) i32 i32.const 1531246712)
  (global (;5;) (mut externref) ref.null extern)
  (global (;6;) i64 i64.const 38354)
  (export "memory" (memory 0))
  (export "t0" (table 0))
  (export "f2" (func 5))
  (export "f3" (func 6))
  (export "f4" (func 7))
  (export "__state" (func 8))
  (elem (;0;) funcref (ref.func 4) (ref.func 3) (ref.func 0) (ref.func 2))
  (elem (;1;) declare func 0 1 2 3 4)
  (func (;2;) (type 2) (result f64)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    i32.const 5
    call_indirect (type 2)
    drop
    call 2
    return
  )
  (func (;3;) (type 5) (result i64 i64 i64)
    (local i64 i32 i32 f32)
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
      nop
      local.get 0
      call 1
      local.get 0
      local.get 0
      local.get 1
      select (result i64)
      i64.rotr
      local.get 2
      call_indirect (type 3)
      drop
      local.get 3
      loop (type 4) (param f32) ;; label = @2
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
      end
    end
    i64.const 2147483647
    i64.const -9223372036854775808
    i64.const 1166739542
  )
  (func (;4;) (type 9) (param funcref externref externref) (result f32 i32)
    (local f32 i32 i64 i32 i32)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    call 2
    local.get 3
    i32.const 0
    call_indirect (type 6)
    drop
    drop
    nop
    f32.const 0x1.9e6ca8p-127 (;=9.514718e-39;)
    f32.const 0x1.071d86p-126 (;=1.2081663e-38;)
    i32.const 64
    local.tee 4
    local.tee 4
    if (result f32) ;; label = @1
      elem.drop 0
      local.get 5
      local.get 3
      block (type 7) (param i64 f32) ;; label = @2
        local.set 3
        drop
        local.get 6
        local.set 4
        i32.const 55
        f32.const 0x0p+0 (;=0.0;)
        f32.store offset=2 align=1
        i32.const 37
        i32.const 65535
        i32.store16 offset=2 align=1
      end
      i32.const 64
      i32.const 27998
      i32.store16 offset=4
      local.get 3
    else
      f32.const 0x1.098p-139 (;=1.488e-42;)
    end
    local.get 4
    select
    block (type 8) (param f32) (result i32) ;; label = @1
      drop
      local.get 7
    end
    i32.const 1
    br_table 0
  )
  (func (;5;) (type 10) (result i64)
    (local f64)
    i32.const 10
    global.set 2
    call 2
    local.set 0
    local.get 0
    i64.reinterpret_f64
  )
  (func (;6;) (type 5) (result i64 i64 i64)
    (local i64 i64 i64)
    i32.const 10
    global.set 2
    call 3
    local.set 2
    local.set 1
    local.set 0
    local.get 0
    local.get 1
    local.get 2
  )
  (func (;7;) (type 11) (result i32 i32)
    (local f32 i32)
    i32.const 10
    global.set 2
    ref.null func
    ref.null extern
    ref.null extern
    call 4
    local.set 1
    local.set 0
    local.get 0
    i32.reinterpret_f32
    local.get 1
  )
  (func (;8;) (type 12) (result i32 i64 i32 i64 i32 i32 i64)
    global.get 0
    global.get 1
    global.get 2
    global.get 3
    i64.reinterpret_f64
    global.get 4
    global.get 5
    ref.is_null
    global.get 6
  )
  (data (;0;) "\cb2\d2\ff\d4")
  (data (;1;) "&\dc\8f8\00\b6\04\8c\f6G\c6\09")
  (data (;2;) (i32.const 0) "")
)
