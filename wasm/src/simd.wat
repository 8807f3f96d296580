;; SIMD kernel: the f32 dot product of a (at 0) and b (at 65536), `bytes` bytes of each (a multiple
;; of 16, at most 64 KiB), with v128.load / f32x4.mul / f32x4.add (`dot_f32x4`), and the same sum
;; in scalar f32 code with one accumulator per lane (`dot_f32`), so both give identical results.
;; `fill(bytes)` writes a[i] = (i mod 17) / 4 - 2 and b[i] = (3i mod 11) / 3.
(module $simd
  (memory (export "memory") 2)
  (func (export "fill") (param $bytes i32)
    (local $p i32) (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $bytes)))
        (f32.store (local.get $p)
          (f32.sub (f32.div (f32.convert_i32_u (i32.rem_u (local.get $i) (i32.const 17))) (f32.const 4))
                   (f32.const 2)))
        (f32.store offset=65536 (local.get $p)
          (f32.div (f32.convert_i32_u (i32.rem_u (i32.mul (local.get $i) (i32.const 3)) (i32.const 11)))
                   (f32.const 3)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $next))))
  (func (export "dot_f32x4") (param $bytes i32) (result f32)
    (local $p i32) (local $acc v128)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $bytes)))
        (local.set $acc (f32x4.add (local.get $acc)
                                   (f32x4.mul (v128.load (local.get $p))
                                              (v128.load offset=65536 (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next)))
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
             (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
  (func (export "dot_f32") (param $bytes i32) (result f32)
    (local $p i32) (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $bytes)))
        (local.set $s0 (f32.add (local.get $s0) (f32.mul (f32.load (local.get $p))
                                                         (f32.load offset=65536 (local.get $p)))))
        (local.set $s1 (f32.add (local.get $s1) (f32.mul (f32.load offset=4 (local.get $p))
                                                         (f32.load offset=65540 (local.get $p)))))
        (local.set $s2 (f32.add (local.get $s2) (f32.mul (f32.load offset=8 (local.get $p))
                                                         (f32.load offset=65544 (local.get $p)))))
        (local.set $s3 (f32.add (local.get $s3) (f32.mul (f32.load offset=12 (local.get $p))
                                                         (f32.load offset=65548 (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next)))
    (f32.add (f32.add (local.get $s0) (local.get $s1)) (f32.add (local.get $s2) (local.get $s3)))))
