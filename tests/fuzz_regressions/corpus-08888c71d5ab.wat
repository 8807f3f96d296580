(module
  (type (;0;) (func (param i32 i32) (result i32)))
  (type (;1;) (func (param i64) (result i64)))
  (type (;2;) (func (result i64 i64)))
  (type (;3;) (func (param i64 i64) (result i64)))
  (type (;4;) (func (param i32 i64 i64) (result i32 i32 externref)))
  (type (;5;) (func (result i32 i32 f64)))
  (type (;6;) (func (param f64 f32 f64) (result i32 i32 f64)))
  (type (;7;) (func (param i32 i64 i64) (result i32 i32 i32)))
  (type (;8;) (func (param i64 i32 i64) (result i32 i32 i64)))
  (type (;9;) (func (result i32 i64 i32 i32 i32 i32)))
  (import "env" "h0" (func (;0;) (type 0) (param i32 i32) (result i32)))
  (import "env" "h1" (func (;1;) (type 1) (param i64) (result i64)))
  (import "env" "gi32" (global (;0;) i32))
  (import "env" "gi64" (global (;1;) i64))
  (table (;0;) 4 4 funcref)
  (memory (;0;) 1 2)
  (global (;2;) (mut i32) i32.const 60)
  (global (;3;) (mut i32) i32.const 23860452)
  (global (;4;) (mut i32) i32.const 64)
  (global (;5;) (mut i32) i32.const 1)
  (export "memory" (memory 0))
  (export "t0" (table 0))
  (export "f2" (func 4))
  (export "f3" (func 5))
  (export "__state" (func 6))
  (elem (;0;) (i32.const 2) func 0 2)
  (elem (;1;) funcref (ref.func 3) (ref.func 2) (ref.func 1) (ref.func 2))
  (elem (;2;) declare func 0 1 2 3)
  (func (;2;) (type 4) (param i32 i64 i64) (result i32 i32 externref)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    i32.const 28
    local.tee 0
    i64.load offset=4 align=2
    local.get 1
    i64.rem_s
    local.set 1
    i64.const -2147483648
    call 1
    drop
    local.get 2
    i64.const 0
    i64.extend8_s
    local.tee 2
    i64.shr_u
    call 1
    f64.const 0x1.8p+0 (;=1.5;)
    i64.trunc_f64_s
    block (type 2) (result i64 i64) ;; label = @1
      i32.const 3
      memory.grow
      i32.const 1
      local.tee 0
      ref.null extern
      i32.const 3
      br_table 1 1 1 1 1
    end
    block (type 3) (param i64 i64) (result i64) ;; label = @1
      drop
      drop
      i64.const -1
    end
    i64.mul
    i64.eq
    i32.const -2147483648
    ref.null extern
  )
  (func (;3;) (type 6) (param f64 f32 f64) (result i32 i32 f64)
    (local i32)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    block (type 5) (result i32 i32 f64) ;; label = @1
      local.get 3
      block (result i32) ;; label = @2
        i32.const 2
        i32.const 0
        call 0
        if (result i32) ;; label = @3
          i32.const 0
        else
          local.get 3
        end
      end
      f64.const 0x0p+0 (;=0.0;)
    end
    br 0 (;@0;)
  )
  (func (;4;) (type 7) (param i32 i64 i64) (result i32 i32 i32)
    (local i32 i32 externref)
    i32.const 60
    global.set 2
    local.get 0
    local.get 1
    local.get 2
    call 2
    local.set 5
    local.set 4
    local.set 3
    local.get 3
    local.get 4
    local.get 5
    ref.is_null
  )
  (func (;5;) (type 8) (param i64 i32 i64) (result i32 i32 i64)
    (local i32 i32 f64)
    i32.const 60
    global.set 2
    local.get 0
    f64.reinterpret_i64
    local.get 1
    f32.reinterpret_i32
    local.get 2
    f64.reinterpret_i64
    call 3
    local.set 5
    local.set 4
    local.set 3
    local.get 3
    local.get 4
    local.get 5
    i64.reinterpret_f64
  )
  (func (;6;) (type 9) (result i32 i64 i32 i32 i32 i32)
    global.get 0
    global.get 1
    global.get 2
    global.get 3
    global.get 4
    global.get 5
  )
  (data (;0;) (i32.const 65534) "-}")
  (data (;1;) "~\8d\14S]\fc")
  (data (;2;) (i32.const 65529) "\02\da\d4\fd\14\01\e4")
)
