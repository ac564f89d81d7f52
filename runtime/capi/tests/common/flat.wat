;; The component of the C API's one-crossing paths (tests/flat.rs): all-flat
;; functions of every core type, NaNs, a trap, a deep recursion, a
;; post-return, a string both ways, parameters in memory, and a host import
;; of mixed core types.
(component
  (import "host-mix" (func $mix
    (param "a" u32) (param "b" s64) (param "c" f32) (param "d" f64) (result f64)))
  (core module $libc
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 1024))
    ;; a bump allocator that grows memory as needed
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $ptr i32) (local $end i32) (local $size i32)
      (local.set $ptr
        (i32.and
          (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
          (i32.xor (i32.sub (local.get 2) (i32.const 1)) (i32.const -1))))
      (local.set $end (i32.add (local.get $ptr) (local.get 3)))
      (local.set $size (i32.mul (memory.size) (i32.const 65536)))
      (if (i32.gt_u (local.get $end) (local.get $size))
        (then
          (drop (memory.grow
            (i32.div_u
              (i32.add (i32.sub (local.get $end) (local.get $size)) (i32.const 65535))
              (i32.const 65536))))))
      (global.set $next (local.get $end))
      (local.get $ptr)))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "mem" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))
  (core func $mix_lowered (canon lower (func $mix)))
  (core module $m
    (import "libc" "mem" (memory 1))
    (import "libc" "realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
    (import "host" "mix" (func $mix (param i32 i64 f32 f64) (result f64)))
    (global $posts (mut i32) (i32.const 0))
    (func (export "noop"))
    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1)))
    (func (export "negate") (param i32) (result i32)
      (i32.sub (i32.const 0) (local.get 0)))
    (func (export "wide") (param i64) (result i64)
      (i64.add (local.get 0) (i64.const 1)))
    ;; (x + y) * n
    (func (export "scale") (param f32 f64 i64) (result f64)
      (f64.mul
        (f64.add (f64.promote_f32 (local.get 0)) (local.get 1))
        (f64.convert_i64_s (local.get 2))))
    (func (export "f32-bits") (param f32) (result i32)
      (i32.reinterpret_f32 (local.get 0)))
    (func (export "f64-nan") (result f64)
      (f64.reinterpret_i64 (i64.const 0x7ff4000000000001)))
    (func (export "divide") (param i32 i32) (result i32)
      (i32.div_u (local.get 0) (local.get 1)))
    (func $recurse (export "recurse") (param i32) (result i32)
      (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
    ;; how many post-returns ran before
    (func (export "counted") (result i32) (global.get $posts))
    (func (export "post") (param i32)
      (global.set $posts (i32.add (global.get $posts) (i32.const 1))))
    ;; the text with ASCII letters upper-cased, in a new block; the result
    ;; at 16
    (func (export "upper") (param $p i32) (param $n i32) (result i32)
      (local $out i32) (local $i i32) (local $c i32)
      (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $n)))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $i))))
          (if (i32.and (i32.ge_u (local.get $c) (i32.const 97))
                       (i32.le_u (local.get $c) (i32.const 122)))
            (then (local.set $c (i32.sub (local.get $c) (i32.const 32)))))
          (i32.store8 (i32.add (local.get $out) (local.get $i)) (local.get $c))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (i32.store (i32.const 16) (local.get $out))
      (i32.store (i32.const 20) (local.get $n))
      (i32.const 16))
    ;; the sum of the 17 u32s at p
    (func (export "sum17") (param $p i32) (result i32)
      (local $acc i32) (local $i i32)
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (i32.const 17)))
          (local.set $acc
            (i32.add (local.get $acc)
              (i32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (local.get $acc))
    (func (export "mix") (param i32 i64 f32 f64) (result f64)
      (call $mix (local.get 0) (local.get 1) (local.get 2) (local.get 3))))
  (core instance $i (instantiate $m
    (with "libc" (instance $libc))
    (with "host" (instance (export "mix" (func $mix_lowered))))))
  (func (export "noop") (canon lift (core func $i "noop")))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "add")))
  (func (export "negate") (param "x" s32) (result s32)
    (canon lift (core func $i "negate")))
  (func (export "wide") (param "x" u64) (result u64)
    (canon lift (core func $i "wide")))
  (func (export "scale") (param "x" f32) (param "y" f64) (param "n" s64) (result f64)
    (canon lift (core func $i "scale")))
  (func (export "f32-bits") (param "x" f32) (result u32)
    (canon lift (core func $i "f32-bits")))
  (func (export "f64-nan") (result f64) (canon lift (core func $i "f64-nan")))
  (func (export "divide") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "divide")))
  (func (export "recurse") (param "n" u32) (result u32)
    (canon lift (core func $i "recurse")))
  (func (export "counted") (result u32)
    (canon lift (core func $i "counted") (post-return (core func $i "post"))))
  (func (export "upper") (param "s" string) (result string)
    (canon lift (core func $i "upper") (memory $mem) (realloc $realloc)
      (post-return (core func $i "post"))))
  (func (export "sum17")
    (param "a0" u32) (param "a1" u32) (param "a2" u32) (param "a3" u32)
    (param "a4" u32) (param "a5" u32) (param "a6" u32) (param "a7" u32)
    (param "a8" u32) (param "a9" u32) (param "a10" u32) (param "a11" u32)
    (param "a12" u32) (param "a13" u32) (param "a14" u32) (param "a15" u32)
    (param "a16" u32) (result u32)
    (canon lift (core func $i "sum17") (memory $mem) (realloc $realloc)))
  (func (export "mix") (param "a" u32) (param "b" s64) (param "c" f32) (param "d" f64) (result f64)
    (canon lift (core func $i "mix")))
)
