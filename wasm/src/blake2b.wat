;; A BLAKE2b kernel: `blake2b(n)` hashes the n-byte message at 1024 (n a positive multiple of
;; 128; `fill(n)` writes byte i = 7i + 3 there first) and returns the first 64-bit word of the
;; unkeyed 64-byte digest, so the result can be checked against hashlib.blake2b.  The state lives
;; in memory and G is a call: 64-bit adds, rotates and xors, byte table look-ups, loads and stores.
(module $blake2b
  (memory (export "memory") 2)
  ;; sigma: the message-word schedule of the ten rounds (one byte per index)
  (data (i32.const 0)
    "\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f"
    "\0e\0a\04\08\09\0f\0d\06\01\0c\00\02\0b\07\05\03"
    "\0b\08\0c\00\05\02\0f\0d\0a\0e\03\06\07\01\09\04"
    "\07\09\03\01\0d\0c\0b\0e\02\06\05\0a\04\00\0f\08"
    "\09\00\05\07\02\04\0a\0f\0e\01\0b\0c\06\08\03\0d"
    "\02\0c\06\0a\00\0b\08\03\04\0d\07\05\0f\0e\01\09"
    "\0c\05\01\0f\0e\0d\04\0a\00\07\06\03\09\02\08\0b"
    "\0d\0b\07\0e\0c\01\03\09\05\00\0f\04\08\06\02\0a"
    "\06\0f\0e\09\0b\03\00\08\0c\02\0d\07\01\04\0a\05"
    "\0a\02\08\04\07\06\01\05\0f\0b\09\0e\03\0c\0d\00")
  ;; the eight initial chaining words
  (data (i32.const 256)
    "\08\c9\bc\f3\67\e6\09\6a"
    "\3b\a7\ca\84\85\ae\67\bb"
    "\2b\f8\94\fe\72\f3\6e\3c"
    "\f1\36\1d\5f\3a\f5\4f\a5"
    "\d1\82\e6\ad\7f\52\0e\51"
    "\1f\6c\3e\2b\8c\68\05\9b"
    "\6b\bd\41\fb\ab\d9\83\1f"
    "\79\21\7e\13\19\cd\e0\5b")
  ;; which state words (a, b, c, d) each of the eight G calls of a round mixes
  (data (i32.const 384)
    "\00\04\08\0c\01\05\09\0d\02\06\0a\0e\03\07\0b\0f\00\05\0a\0f\01\06\0b\0c\02\07\08\0d\03\04\09\0e")

  ;; G: mix state words at byte addresses a, b, c, d with message words x and y
  (func $g (param $a i32) (param $b i32) (param $c i32) (param $d i32) (param $x i64) (param $y i64)
    (i64.store (local.get $a)
      (i64.add (i64.add (i64.load (local.get $a)) (i64.load (local.get $b))) (local.get $x)))
    (i64.store (local.get $d)
      (i64.rotr (i64.xor (i64.load (local.get $d)) (i64.load (local.get $a))) (i64.const 32)))
    (i64.store (local.get $c) (i64.add (i64.load (local.get $c)) (i64.load (local.get $d))))
    (i64.store (local.get $b)
      (i64.rotr (i64.xor (i64.load (local.get $b)) (i64.load (local.get $c))) (i64.const 24)))
    (i64.store (local.get $a)
      (i64.add (i64.add (i64.load (local.get $a)) (i64.load (local.get $b))) (local.get $y)))
    (i64.store (local.get $d)
      (i64.rotr (i64.xor (i64.load (local.get $d)) (i64.load (local.get $a))) (i64.const 16)))
    (i64.store (local.get $c) (i64.add (i64.load (local.get $c)) (i64.load (local.get $d))))
    (i64.store (local.get $b)
      (i64.rotr (i64.xor (i64.load (local.get $b)) (i64.load (local.get $c))) (i64.const 63))))

  ;; one compression: chaining value h at 512, work vector v at 576, 128-byte block at $block,
  ;; $t the byte count so far (messages here stay below 2**32 bytes), $last the final-block flag
  (func $compress (param $block i32) (param $t i64) (param $last i32)
    (local $i i32) (local $r i32) (local $s i32) (local $j i32) (local $q i32) (local $m i32)
    (loop $init
      (i64.store (i32.add (i32.const 576) (local.get $i))
                 (i64.load (i32.add (i32.const 512) (local.get $i))))
      (i64.store (i32.add (i32.const 640) (local.get $i))
                 (i64.load (i32.add (i32.const 256) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $init (i32.lt_u (local.get $i) (i32.const 64))))
    (i64.store (i32.const 672) (i64.xor (i64.load (i32.const 672)) (local.get $t)))
    (if (local.get $last)
      (then (i64.store (i32.const 688) (i64.xor (i64.load (i32.const 688)) (i64.const -1)))))
    (loop $rounds
      (local.set $s (i32.mul (i32.rem_u (local.get $r) (i32.const 10)) (i32.const 16)))
      (local.set $j (i32.const 0))
      (loop $mix
        (local.set $q (i32.add (i32.const 384) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $m (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 1))))
        (call $g
          (i32.add (i32.const 576) (i32.shl (i32.load8_u (local.get $q)) (i32.const 3)))
          (i32.add (i32.const 576) (i32.shl (i32.load8_u offset=1 (local.get $q)) (i32.const 3)))
          (i32.add (i32.const 576) (i32.shl (i32.load8_u offset=2 (local.get $q)) (i32.const 3)))
          (i32.add (i32.const 576) (i32.shl (i32.load8_u offset=3 (local.get $q)) (i32.const 3)))
          (i64.load (i32.add (local.get $block)
                             (i32.shl (i32.load8_u (local.get $m)) (i32.const 3))))
          (i64.load (i32.add (local.get $block)
                             (i32.shl (i32.load8_u offset=1 (local.get $m)) (i32.const 3)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $mix (i32.lt_u (local.get $j) (i32.const 8))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rounds (i32.lt_u (local.get $r) (i32.const 12))))
    (local.set $i (i32.const 0))
    (loop $fold
      (i64.store (i32.add (i32.const 512) (local.get $i))
        (i64.xor (i64.load (i32.add (i32.const 512) (local.get $i)))
                 (i64.xor (i64.load (i32.add (i32.const 576) (local.get $i)))
                          (i64.load (i32.add (i32.const 640) (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $fold (i32.lt_u (local.get $i) (i32.const 64)))))

  (func (export "fill") (param $n i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 (i32.add (i32.const 1024) (local.get $i))
                    (i32.add (i32.mul (local.get $i) (i32.const 7)) (i32.const 3)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  (func (export "blake2b") (param $n i32) (result i64)
    (local $off i32) (local $i i32)
    (loop $init
      (i64.store (i32.add (i32.const 512) (local.get $i))
                 (i64.load (i32.add (i32.const 256) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))
      (br_if $init (i32.lt_u (local.get $i) (i32.const 64))))
    ;; parameter block: digest length 64, no key, fanout 1, depth 1
    (i64.store (i32.const 512) (i64.xor (i64.load (i32.const 512)) (i64.const 0x01010040)))
    (loop $blocks
      (local.set $off (i32.add (local.get $off) (i32.const 128)))
      (call $compress (i32.add (i32.const 896) (local.get $off))
                      (i64.extend_i32_u (local.get $off))
                      (i32.ge_u (local.get $off) (local.get $n)))
      (br_if $blocks (i32.lt_u (local.get $off) (local.get $n))))
    (i64.load (i32.const 512))))
