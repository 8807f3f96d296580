;; Memory traffic: `memops(rounds)` does, per round, a 4 KiB memory.fill, a 4 KiB memory.copy, an
;; overlapping 2 KiB memory.copy (shifted 1..7 bytes), a 256-byte byte-loop memset (a ramp) and a
;; 256-byte byte-loop memcpy, then folds 128 words of the results into a 32-bit checksum.
(module $memops
  (memory (export "memory") 1)
  (func (export "memops") (param $rounds i32) (result i32)
    (local $r i32) (local $i i32) (local $sum i32)
    (block $done
      (loop $round
        (br_if $done (i32.ge_u (local.get $r) (local.get $rounds)))
        (memory.fill (i32.const 0) (local.get $r) (i32.const 4096))
        (local.set $i (i32.const 0))
        (loop $ramp
          (i32.store8 (i32.add (i32.and (local.get $r) (i32.const 63)) (local.get $i))
                      (i32.add (local.get $i) (local.get $r)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $ramp (i32.lt_u (local.get $i) (i32.const 256))))
        (memory.copy (i32.const 8192) (i32.const 0) (i32.const 4096))
        (memory.copy (i32.add (i32.const 8193) (i32.rem_u (local.get $r) (i32.const 7)))
                     (i32.const 8192) (i32.const 2048))
        (local.set $i (i32.const 0))
        (loop $copy
          (i32.store8 (i32.add (i32.const 16384) (local.get $i))
                      (i32.load8_u (i32.add (i32.const 8292) (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $copy (i32.lt_u (local.get $i) (i32.const 256))))
        (local.set $i (i32.const 0))
        (loop $fold
          (local.set $sum
            (i32.add (i32.rotl (local.get $sum) (i32.const 3))
                     (i32.xor (i32.load (i32.add (i32.const 16384) (i32.shl (local.get $i) (i32.const 2))))
                              (i32.load (i32.add (i32.const 8192) (i32.shl (local.get $i) (i32.const 5)))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $fold (i32.lt_u (local.get $i) (i32.const 64))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $round)))
    (local.get $sum)))
