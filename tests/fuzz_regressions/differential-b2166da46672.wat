(module
  (type (;0;) (func (param i32 i32) (result i32)))
  (type (;1;) (func (param i64) (result i64)))
  (type (;2;) (func))
  (type (;3;) (func (param i32)))
  (type (;4;) (func (param f32) (result i64)))
  (type (;5;) (func (result i32 i32 i64)))
  (type (;6;) (func (result i32 i64 i32 i32 i32 i32)))
  (import "env" "h0" (func (;0;) (type 0) (param i32 i32) (result i32)))
  (import "env" "h1" (func (;1;) (type 1) (param i64) (result i64)))
  (import "env" "gi32" (global (;0;) i32))
  (import "env" "gi64" (global (;1;) i64))
  (import "env" "memory" (memory (;0;) 1))
  (import "env" "table" (table (;0;) 4 funcref))
  (table (;1;) 0 externref)
  (tag (;0;) (type 2))
  (tag (;1;) (type 3) (param i32))
  (tag (;2;) (type 2))
  (global (;2;) (mut i32) i32.const 60)
  (global (;3;) i32 global.get 0)
  (global (;4;) externref ref.null extern)
  (global (;5;) i32 global.get 0)
  (export "memory" (memory 0))
  (export "t0" (table 0))
  (export "t1" (table 1))
  (export "f2" (func 6))
  (export "f3" (func 7))
  (export "f4" (func 8))
  (export "f5" (func 9))
  (export "__state" (func 10))
  (start 3)
  (elem (;0;) funcref)
  (elem (;1;) funcref (ref.null func) (ref.null func) (ref.null func) (ref.null func))
  (elem (;2;) declare func 0 1 2 3 4 5)
  (func (;2;) (type 5) (result i32 i32 i64)
    (local f32 f32 i32 i32 i32 f32 i64 i32 i64 i64 externref i64 i64)
    global.get 2
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 2
    i32.const 1
    i32.sub
    global.set 2
    f32.const 0x0p+0 (;=0.0;)
    block (result f32) ;; label = @1
      block ;; label = @2
        try_table (result f32) (catch_all 0) (catch 0 0) ;; label = @3
          local.get 0
          local.set 1
          local.get 2
          local.set 3
          local.get 4
          drop
          f32.const 0x0p+0 (;=0.0;)
        end
        br 1 (;@1;)
      end
      f32.const 0x0p+0 (;=0.0;)
    end
    f32.min
    local.tee 5
    i32.const 0
    if (type 4) (param f32) (result i64) ;; label = @1
      drop
      block ;; label = @2
        block ;; label = @3
          try_table (catch_all 0) (catch 0 0) ;; label = @4
            i32.const 0
            local.get 6
            i64.store align=1
            i32.const 0
            local.get 7
            local.get 8
            local.tee 9
            return
          end
          br 1 (;@2;)
        end
      end
      block (result i64) ;; label = @2
        ref.null extern
        local.set 10
        i64.const 0
      end
    else
      drop
      i32.const 0
      i64.load align=1
      local.tee 11
    end
    local.set 12
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
      br 0 (;@1;)
    end
    block (type 5) (result i32 i32 i64) ;; label = @1
      i32.const 0
      i32.const 1
      i64.const 0
    end
  )
  (func (;3;) (type 2)
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
  (func (;4;) (type 2)
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
  (func (;5;) (type 2)
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
  (func (;6;) (type 5) (result i32 i32 i64)
    (local i32 i32 i64)
    i32.const 60
    global.set 2
    call 2
    local.set 2
    local.set 1
    local.set 0
    local.get 0
    local.get 1
    local.get 2
  )
  (func (;7;) (type 2)
    i32.const 60
    global.set 2
    call 3
  )
  (func (;8;) (type 2)
    i32.const 60
    global.set 2
    call 4
  )
  (func (;9;) (type 2)
    i32.const 60
    global.set 2
    call 5
  )
  (func (;10;) (type 6) (result i32 i64 i32 i32 i32 i32)
    global.get 0
    global.get 1
    global.get 2
    global.get 3
    global.get 4
    ref.is_null
    global.get 5
  )
  (data (;0;) (i32.const 0) "")
  (data (;1;) (i32.const 0) "")
  (data (;2;) "")
)
