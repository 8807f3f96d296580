;; Dense matrix multiply C = A x B of two n x n matrices (n >= 1), once in f64 (`matmul_f64`) and
;; once in f32 (`matmul_f32`): A, B and C row-major at 0, n*n*w and 2*n*n*w.  The inputs are built
;; in the call (O(n^2)); the triple loop is O(n^3) loads, multiplies and adds.  The result is a
;; weighted sum of C, which depends on every rounding step.
(module $matmul
  (memory (export "memory") 4)
  (func (export "matmul_f64") (param $n i32) (result f64)
    (local $i i32) (local $j i32) (local $k i32) (local $a i32) (local $col i32) (local $b i32)
    (local $c i32) (local $nn i32) (local $acc f64) (local $sum f64)
    (local.set $nn (i32.mul (local.get $n) (local.get $n)))
    (local.set $b (i32.shl (local.get $nn) (i32.const 3)))
    (local.set $c (i32.shl (local.get $b) (i32.const 1)))
    ;; A[i] = (7i mod 13) / 3 - 1.7 and B[i] = (5i mod 11) / 7 + 0.1 (flat index i): inexact values
    (block $filled
      (loop $fill
        (br_if $filled (i32.ge_u (local.get $i) (local.get $nn)))
        (f64.store (i32.shl (local.get $i) (i32.const 3))
          (f64.sub (f64.div (f64.convert_i32_u (i32.rem_u (i32.mul (local.get $i) (i32.const 7))
                                                           (i32.const 13)))
                            (f64.const 3))
                   (f64.const 1.7)))
        (f64.store (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 3)))
          (f64.add (f64.div (f64.convert_i32_u (i32.rem_u (i32.mul (local.get $i) (i32.const 5))
                                                           (i32.const 11)))
                            (f64.const 7))
                   (f64.const 0.1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
    ;; C = A x B, row by column
    (local.set $i (i32.const 0))
    (loop $rows
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $acc (f64.const 0))
        (local.set $k (i32.const 0))
        (local.set $a (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3)))
        (local.set $col (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
        (loop $dot
          (local.set $acc (f64.add (local.get $acc)
                                   (f64.mul (f64.load (local.get $a)) (f64.load (local.get $col)))))
          (local.set $a (i32.add (local.get $a) (i32.const 8)))
          (local.set $col (i32.add (local.get $col) (i32.shl (local.get $n) (i32.const 3))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $dot (i32.lt_u (local.get $k) (local.get $n))))
        (f64.store (i32.add (local.get $c)
                            (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j))
                                     (i32.const 3)))
                   (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (local.get $n))))
    ;; checksum: sum of C[i] * (i mod 5 + 1), so a permuted result changes it
    (local.set $i (i32.const 0))
    (loop $check
      (local.set $sum (f64.add (local.get $sum)
        (f64.mul (f64.load (i32.add (local.get $c) (i32.shl (local.get $i) (i32.const 3))))
                 (f64.convert_i32_u (i32.add (i32.rem_u (local.get $i) (i32.const 5)) (i32.const 1))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $check (i32.lt_u (local.get $i) (local.get $nn))))
    (local.get $sum))

  (func (export "matmul_f32") (param $n i32) (result f32)
    (local $i i32) (local $j i32) (local $k i32) (local $a i32) (local $col i32) (local $b i32)
    (local $c i32) (local $nn i32) (local $acc f32) (local $sum f32)
    (local.set $nn (i32.mul (local.get $n) (local.get $n)))
    (local.set $b (i32.shl (local.get $nn) (i32.const 2)))
    (local.set $c (i32.shl (local.get $b) (i32.const 1)))
    ;; A[i] = (7i mod 13) / 3 - 1.7 and B[i] = (5i mod 11) / 7 + 0.1 (flat index i): inexact values
    (block $filled
      (loop $fill
        (br_if $filled (i32.ge_u (local.get $i) (local.get $nn)))
        (f32.store (i32.shl (local.get $i) (i32.const 2))
          (f32.sub (f32.div (f32.convert_i32_u (i32.rem_u (i32.mul (local.get $i) (i32.const 7))
                                                           (i32.const 13)))
                            (f32.const 3))
                   (f32.const 1.7)))
        (f32.store (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2)))
          (f32.add (f32.div (f32.convert_i32_u (i32.rem_u (i32.mul (local.get $i) (i32.const 5))
                                                           (i32.const 11)))
                            (f32.const 7))
                   (f32.const 0.1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $fill)))
    ;; C = A x B, row by column
    (local.set $i (i32.const 0))
    (loop $rows
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $acc (f32.const 0))
        (local.set $k (i32.const 0))
        (local.set $a (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2)))
        (local.set $col (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (loop $dot
          (local.set $acc (f32.add (local.get $acc)
                                   (f32.mul (f32.load (local.get $a)) (f32.load (local.get $col)))))
          (local.set $a (i32.add (local.get $a) (i32.const 4)))
          (local.set $col (i32.add (local.get $col) (i32.shl (local.get $n) (i32.const 2))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $dot (i32.lt_u (local.get $k) (local.get $n))))
        (f32.store (i32.add (local.get $c)
                            (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j))
                                     (i32.const 2)))
                   (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (local.get $n))))
    ;; checksum: sum of C[i] * (i mod 5 + 1), so a permuted result changes it
    (local.set $i (i32.const 0))
    (loop $check
      (local.set $sum (f32.add (local.get $sum)
        (f32.mul (f32.load (i32.add (local.get $c) (i32.shl (local.get $i) (i32.const 2))))
                 (f32.convert_i32_u (i32.add (i32.rem_u (local.get $i) (i32.const 5)) (i32.const 1))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $check (i32.lt_u (local.get $i) (local.get $nn))))
    (local.get $sum)))
