(module
  (type (;0;) (func (param i32 i32) (result i32)))
  (type (;1;) (func (param i64) (result i64)))
  (type (;2;) (func (param i64 i32) (result i64)))
  (type (;3;) (func (result i64)))
  (type (;4;) (func (result funcref)))
  (type (;5;) (func (result i32)))
  (type (;6;) (func (result i32 i64 i32)))
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
  (func (;2;) (type 3) (result i64)
    (local i32 f32 i64 i64 i64 i32)
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
    if (result i64) ;; label = @1
      i32.const 65536
      local.set 0
      f64.const 0x1.514p-1064 (;=6.665e-321;)
      drop
      local.get 1
      local.set 1
      local.get 2
      return
    else
      local.get 3
      i32.const -128
      br_table 0 1
    end
    f64.const 0x1.05cp-1064 (;=5.173e-321;)
    i32.trunc_f64_s
    global.get 0
    call_indirect (type 2)
    call 1
    local.get 4
    i64.extend32_s
    local.get 5
    select (result i64)
    local.tee 4
  )
  (func (;3;) (type 4) (result funcref)
    (local f64)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    i32.const -128
    drop
    local.get 0
    drop
    call 3
  )
  (func (;4;) (type 3) (result i64)
    (local i64)
    i32.const 60
    global.set 2
    call 2
    local.set 0
    local.get 0
  )
  (func (;5;) (type 5) (result i32)
    (local funcref)
    i32.const 60
    global.set 2
    call 3
    local.set 0
    local.get 0
    ref.is_null
  )
  (func (;6;) (type 6) (result i32 i64 i32)
    global.get 0
    global.get 1
    global.get 2
  )
  (data (;0;) "")
  (data (;1;) "\00gC\13AYz")
  (data (;2;) (i32.const 65537) "\bb!")
)
