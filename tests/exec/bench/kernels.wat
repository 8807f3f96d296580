(module
  (func $fib (export "fib") (param i32) (result i32)
    local.get 0
    i32.const 2
    i32.lt_s
    if (result i32)
      local.get 0
    else
      local.get 0
      i32.const 1
      i32.sub
      call $fib
      local.get 0
      i32.const 2
      i32.sub
      call $fib
      i32.add
    end)
  (func (export "loop") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    block $done
      loop $top
        local.get $i
        local.get $n
        i32.ge_s
        br_if $done
        local.get $acc
        local.get $i
        i32.xor
        local.get $i
        i32.const 3
        i32.mul
        i32.add
        local.set $acc
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        br $top
      end
    end
    local.get $acc)
  (func (export "floats") (param $n i32) (result f64)
    (local $i i32) (local $x f64) (local $s f64)
    f64.const 0.5
    local.set $x
    block $done
      loop $top
        local.get $i
        local.get $n
        i32.ge_s
        br_if $done
        local.get $s
        local.get $x
        local.get $x
        f64.mul
        f64.add
        local.set $s
        local.get $x
        f64.const 1.0001
        f64.mul
        local.set $x
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        br $top
      end
    end
    local.get $s)
)
