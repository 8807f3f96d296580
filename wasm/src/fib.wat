;; Recursive Fibonacci: call-heavy (two calls per step), the classic interpreter benchmark.
;; fib(20) = 6765 takes 21891 calls; fib(25) = 75025 takes 242785.
(module $fib
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2))))))))
