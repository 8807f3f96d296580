;; Exception-heavy benchmark: throw through call frames, catch with try_table, rethrow.
(module
  (tag $found (param i32))
  (tag $error (param i32 i64))

  ;; recurses `depth` frames, then throws $found with a value derived from `x`
  (func $dive (param $depth i32) (param $x i32)
    (if (i32.eqz (local.get $depth))
      (then (throw $found (i32.xor (local.get $x) (i32.const 0x5a5a)))))
    (call $dive (i32.sub (local.get $depth) (i32.const 1)) (i32.add (local.get $x) (i32.const 7))))

  ;; catches $error only: $found passes through it (a handler that does not match)
  (func $filter (param $depth i32) (param $x i32) (result i32)
    (block $caught (result i32 i64)
      (try_table (catch $error $caught)
        (call $dive (local.get $depth) (local.get $x)))
      (return (i32.const -1)))
    (drop) (return))  ;; the i32 of $error

  ;; n throws, each unwinding 22 frames to a try_table in the loop; every fourth
  ;; exception is caught as an exnref and rethrown with throw_ref to an outer handler
  (func (export "throws") (param $n i32) (result i32)
    (local $i i32) (local $sum i32) (local $depth i32)
    (local.set $depth (i32.const 20))
    (loop $again
      (local.set $sum (i32.add (local.get $sum)
        (block $outer (result i32)
          (try_table (catch $found $outer)
            (block $inner (result i32 exnref)
              (try_table (catch_ref $found $inner)
                (drop (call $filter (local.get $depth) (local.get $i))))
              (unreachable))
            (if (param i32 exnref) (i32.and (local.get $i) (i32.const 3))
              (then (drop) (br $outer))
              (else (throw_ref))))
          (unreachable))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))
)
