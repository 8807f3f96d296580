;; Float kernels: the Mandelbrot set on a size x size grid over [-2, 0.5] x [-1.25, 1.25] with at
;; most 50 iterations per point, once in f64 (`mandelbrot`) and once in f32 (`mandelbrot_f32`).
;; Each returns the total iteration count, which depends on every rounding step, so any f32/f64
;; arithmetic difference between engines changes the result.
(module $float
  (func (export "mandelbrot") (param $size i32) (result i32)
    (local $px i32) (local $py i32) (local $i i32) (local $total i32)
    (local $cx f64) (local $cy f64) (local $x f64) (local $y f64) (local $xx f64) (local $yy f64)
    (local $step f64)
    (local.set $step (f64.div (f64.const 2.5) (f64.convert_i32_u (local.get $size))))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $py) (local.get $size)))
        (local.set $cy (f64.sub (f64.mul (f64.convert_i32_u (local.get $py)) (local.get $step))
                                (f64.const 1.25)))
        (local.set $px (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $px) (local.get $size)))
            (local.set $cx (f64.sub (f64.mul (f64.convert_i32_u (local.get $px)) (local.get $step))
                                    (f64.const 2.0)))
            (local.set $x (f64.const 0)) (local.set $y (f64.const 0)) (local.set $i (i32.const 0))
            (block $escaped
              (loop $iterate
                (local.set $xx (f64.mul (local.get $x) (local.get $x)))
                (local.set $yy (f64.mul (local.get $y) (local.get $y)))
                (br_if $escaped (f64.gt (f64.add (local.get $xx) (local.get $yy)) (f64.const 4)))
                (br_if $escaped (i32.ge_u (local.get $i) (i32.const 50)))
                (local.set $y (f64.add (f64.mul (f64.mul (f64.const 2) (local.get $x)) (local.get $y))
                                       (local.get $cy)))
                (local.set $x (f64.add (f64.sub (local.get $xx) (local.get $yy)) (local.get $cx)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $iterate)))
            (local.set $total (i32.add (local.get $total) (local.get $i)))
            (local.set $px (i32.add (local.get $px) (i32.const 1)))
            (br $cols)))
        (local.set $py (i32.add (local.get $py) (i32.const 1)))
        (br $rows)))
    (local.get $total))

  (func (export "mandelbrot_f32") (param $size i32) (result i32)
    (local $px i32) (local $py i32) (local $i i32) (local $total i32)
    (local $cx f32) (local $cy f32) (local $x f32) (local $y f32) (local $xx f32) (local $yy f32)
    (local $step f32)
    (local.set $step (f32.div (f32.const 2.5) (f32.convert_i32_u (local.get $size))))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $py) (local.get $size)))
        (local.set $cy (f32.sub (f32.mul (f32.convert_i32_u (local.get $py)) (local.get $step))
                                (f32.const 1.25)))
        (local.set $px (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $px) (local.get $size)))
            (local.set $cx (f32.sub (f32.mul (f32.convert_i32_u (local.get $px)) (local.get $step))
                                    (f32.const 2.0)))
            (local.set $x (f32.const 0)) (local.set $y (f32.const 0)) (local.set $i (i32.const 0))
            (block $escaped
              (loop $iterate
                (local.set $xx (f32.mul (local.get $x) (local.get $x)))
                (local.set $yy (f32.mul (local.get $y) (local.get $y)))
                (br_if $escaped (f32.gt (f32.add (local.get $xx) (local.get $yy)) (f32.const 4)))
                (br_if $escaped (i32.ge_u (local.get $i) (i32.const 50)))
                (local.set $y (f32.add (f32.mul (f32.mul (f32.const 2) (local.get $x)) (local.get $y))
                                       (local.get $cy)))
                (local.set $x (f32.add (f32.sub (local.get $xx) (local.get $yy)) (local.get $cx)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $iterate)))
            (local.set $total (i32.add (local.get $total) (local.get $i)))
            (local.set $px (i32.add (local.get $px) (i32.const 1)))
            (br $cols)))
        (local.set $py (i32.add (local.get $py) (i32.const 1)))
        (br $rows)))
    (local.get $total)))
