;; An indirect-call dispatcher: `dispatch(n)` makes n call_indirect calls through an 8-entry table,
;; the target chosen from the running value (a byte-code interpreter's inner loop in miniature).
(module $dispatch
  (type $op (func (param i32) (result i32)))
  (table 8 funcref)
  (elem (i32.const 0) $inc $dbl $mix $rot $mul $sub $not $shr)
  (func $inc (type $op) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $op) (i32.add (local.get 0) (local.get 0)))
  (func $mix (type $op) (i32.xor (local.get 0) (i32.const 0x5bd1e995)))
  (func $rot (type $op) (i32.rotl (local.get 0) (i32.const 7)))
  (func $mul (type $op) (i32.mul (local.get 0) (i32.const 0x01000193)))
  (func $sub (type $op) (i32.sub (local.get 0) (i32.const 12345)))
  (func $not (type $op) (i32.xor (local.get 0) (i32.const -1)))
  (func $shr (type $op) (i32.add (local.get 0) (i32.shr_u (local.get 0) (i32.const 3))))
  (func (export "dispatch") (param $n i32) (result i32)
    (local $acc i32) (local $i i32)
    (local.set $acc (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc
          (call_indirect (type $op)
            (i32.add (local.get $acc) (local.get $i))
            (i32.and (i32.xor (local.get $acc) (i32.shr_u (local.get $acc) (i32.const 11)))
                     (i32.const 7))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
