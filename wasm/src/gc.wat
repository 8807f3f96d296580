;; GC-heavy benchmark: allocation, field access and casts on structs and arrays.
(module
  (rec
    (type $shape (sub (struct (field $id i32))))
    (type $node (sub final $shape (struct (field $id i32)
                                          (field $left (ref null $node))
                                          (field $right (ref null $node))))))
  (type $vec (array (mut f64)))

  ;; a complete binary tree of the given depth; ids number the nodes
  (func $build (param $depth i32) (param $id i32) (result (ref $node))
    (if (result (ref $node)) (i32.eqz (local.get $depth))
      (then (struct.new $node (local.get $id) (ref.null $node) (ref.null $node)))
      (else
        (struct.new $node
          (local.get $id)
          (call $build (i32.sub (local.get $depth) (i32.const 1))
                       (i32.mul (local.get $id) (i32.const 2)))
          (call $build (i32.sub (local.get $depth) (i32.const 1))
                       (i32.add (i32.mul (local.get $id) (i32.const 2)) (i32.const 1)))))))

  ;; walks the tree through the supertype: every node goes through anyref and ref.cast
  (func $check (param $r anyref) (result i32)
    (local $n (ref null $node))
    (local.set $n (ref.cast (ref null $node) (local.get $r)))
    (if (result i32) (ref.is_null (struct.get $node $left (local.get $n)))
      (then (struct.get $shape $id (local.get $n)))
      (else
        (i32.add
          (i32.xor (struct.get $shape $id (local.get $n))
                   (call $check (struct.get $node $left (local.get $n))))
          (call $check (struct.get $node $right (local.get $n)))))))

  ;; binary-trees: `rounds` trees of depth `depth`, each built, checked and dropped
  (func (export "trees") (param $depth i32) (result i32)
    (local $round i32) (local $sum i32)
    (loop $again
      (local.set $sum (i32.add (local.get $sum)
        (call $check (call $build (local.get $depth) (i32.add (local.get $round) (i32.const 1))))))
      (local.set $round (i32.add (local.get $round) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $round) (i32.const 4))))
    (local.get $sum))

  ;; arrays: a f64 vector filled, scaled and summed element by element, plus i31 boxing
  (func (export "arrays") (param $n i32) (result f64)
    (local $v (ref $vec)) (local $i i32) (local $sum f64) (local $boxed (ref i31))
    (local.set $v (array.new $vec (f64.const 0.5) (local.get $n)))
    (loop $fill
      (local.set $boxed (ref.i31 (i32.mul (local.get $i) (i32.const 3))))
      (array.set $vec (local.get $v) (local.get $i)
        (f64.add (array.get $vec (local.get $v) (local.get $i))
                 (f64.convert_i32_s (i31.get_s (local.get $boxed)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $sum
      (local.set $sum (f64.add (local.get $sum)
        (f64.mul (array.get $vec (local.get $v) (local.get $i)) (f64.const 0.25))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $sum (i32.lt_u (local.get $i) (array.len (local.get $v)))))
    (local.get $sum))
)
