(module
  (type (;0;) (func (param i32 i32) (result i32)))
  (type (;1;) (func (param i64) (result i64)))
  (type (;2;) (func (result i64)))
  (type (;3;) (func (result i32 i64 i32 i64 i64 i32)))
  (import "env" "h0" (func (;0;) (type 0) (param i32 i32) (result i32)))
  (import "env" "h1" (func (;1;) (type 1) (param i64) (result i64)))
  (import "env" "gi32" (global (;0;) i32))
  (import "env" "gi64" (global (;1;) i64))
  (table (;0;) 1 1 funcref)
  (table (;1;) 1 externref)
  (memory (;0;) 1)
  (global (;2;) (mut i32) i32.const 300)
  (global (;3;) (mut v128) v128.const i32x4 0x00000041 0x00000000 0x00000001 0x43300000)
  (global (;4;) f32 f32.const 0x1.fffffep+30)
  (export "memory" (memory 0))
  (export "t0" (table 0))
  (export "t1" (table 1))
  (export "f2" (func 3))
  (export "__state" (func 4))
  (elem (;0;) externref (ref.null extern))
  (elem (;1;) externref (ref.null extern) (ref.null extern))
  (elem (;2;) declare func 0 1 2)
  (func (;2;) (type 2) (result i64)
    (local i64 i64)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    block (result i64) ;; label = @1
      global.get 3
      v128.const i32x4 0x0000067a 0x00000000 0x00000000 0x00000000
      local.get 0
      local.get 1
      i64.le_s
      select
      global.set 3
      i32.const 1
      table.size 0
      memory.size
      i32.ge_u
      i32.const 3
      table.copy
      call 2
      drop
      local.get 0
      br 0 (;@1;)
    end
  )
  (func (;3;) (type 2) (result i64)
    (local i64)
    i32.const 300
    global.set 2
    call 2
    local.set 0
    local.get 0
  )
  (func (;4;) (type 3) (result i32 i64 i32 i64 i64 i32)
    global.get 0
    global.get 1
    global.get 2
    global.get 3
    i64x2.extract_lane 0
    global.get 3
    i64x2.extract_lane 1
    global.get 4
    i32.reinterpret_f32
  )
  (data (;0;) (i32.const 65535) "\bc")
)
