(module
  (type (;0;) (func (param i32 i32) (result i32)))
  (type (;1;) (func (param i64) (result i64)))
  (type (;2;) (func (result i64 i32)))
  (type (;3;) (func (param i64 i32) (result i64)))
  (type (;4;) (func (result i64)))
  (type (;5;) (func (result funcref)))
  (type (;6;) (func (result i32)))
  (type (;7;) (func (result i32 i64 i32)))
  (import "env" "h0" (func (;0;) (type 0) (param i32 i32) (result i32)))
  (import "env" "h1" (func (;1;) (type 1) (param i64) (result i64)))
  (import "env" "gi32" (global (;0;) i32))
  (import "env" "gi64" (global (;1;) i64))
  (table (;0;) 0 funcref)
  (table (;1;) 2 externref)
  (memory (;0;) 2 3)
  (global (;2;) (mut i32) i32.const 60)
  (export "memory" (memory 0))
  (export "t0" (table 0))
  (export "t1" (table 1))
  (export "f2" (func 4))
  (export "f3" (func 5))
  (export "__state" (func 6))
  (elem (;0;) declare func 0 1 2 3)
  (func (;2;) (type 4) (result i64)
    (local i32 funcref funcref funcref f32 f32 f32 i64)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    block (type 2) (result i64 i32) ;; label = @1
      i64.const 0
      i32.const 65536
    end
    local.get 0
    if (type 3) (param i64 i32) (result i64) ;; label = @1
      drop
      drop
      i64.const 1
    else
      drop
      drop
      ref.null func
      local.set 1
      local.get 2
      local.set 3
      f32.const -0x0p+0 (;=-0.0;)
      local.set 4
      i64.const 0
    end
    local.get 5
    local.get 6
    f32.ge
    i32.const 0
    call_indirect (type 3)
    call 1
    i64.const 1
    global.get 0
    select (result i64)
    local.tee 7
  )
  (func (;3;) (type 5) (result funcref)
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
    local.get 0
  )
  (func (;4;) (type 4) (result i64)
    (local i64)
    i32.const 60
    global.set 2
    call 2
    local.set 0
    local.get 0
  )
  (func (;5;) (type 6) (result i32)
    (local funcref)
    i32.const 60
    global.set 2
    call 3
    local.set 0
    local.get 0
    ref.is_null
  )
  (func (;6;) (type 7) (result i32 i64 i32)
    global.get 0
    global.get 1
    global.get 2
  )
  (data (;0;) "\00gC\13AYz")
  (data (;1;) "\00gC\13AYz")
  (data (;2;) (i32.const 65537) "\bb!")
)
