(module
  (type (;0;) (func (param i32 i32) (result i32)))
  (type (;1;) (func (param i64) (result i64)))
  (type (;2;) (func))
  (type (;3;) (func (result i32 i64 i32)))
  (import "env" "h0" (func (;0;) (type 0) (param i32 i32) (result i32)))
  (import "env" "h1" (func (;1;) (type 1) (param i64) (result i64)))
  (import "env" "gi32" (global (;0;) i32))
  (import "env" "gi64" (global (;1;) i64))
  (table (;0;) 4 funcref)
  (global (;2;) (mut i32) i32.const 60)
  (export "t0" (table 0))
  (export "f2" (func 3))
  (export "__state" (func 4))
  (start 2)
  (elem (;0;) declare func 0 1 2)
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
  (func (;3;) (type 2)
    i32.const 60
    global.set 2
    call 2
  )
  (func (;4;) (type 3) (result i32 i64 i32)
    global.get 0
    global.get 1
    global.get 2
  )
)
