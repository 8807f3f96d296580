;; An integer kernel: `checksum(n)` runs n steps of a 64-bit xorshift generator and folds each
;; output into a 32-bit checksum (rotate, xor, multiply).  No calls and no memory: it measures
;; the interpreter's dispatch of plain i32/i64 arithmetic, locals and branches.
(module $loop
  (func (export "checksum") (param $n i32) (result i32)
    (local $x i64) (local $sum i32)
    (local.set $x (i64.const 0x9E3779B97F4A7C15))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        ;; xorshift64: x ^= x << 13; x ^= x >> 7; x ^= x << 17
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 13))))
        (local.set $x (i64.xor (local.get $x) (i64.shr_u (local.get $x) (i64.const 7))))
        (local.set $x (i64.xor (local.get $x) (i64.shl (local.get $x) (i64.const 17))))
        ;; sum = rotl(sum, 5) ^ low32(x) ^ high32(x), times an odd constant
        (local.set $sum
          (i32.mul
            (i32.xor
              (i32.xor (i32.rotl (local.get $sum) (i32.const 5)) (i32.wrap_i64 (local.get $x)))
              (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 32))))
            (i32.const 0x01000193)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
