;; The component the C API's tests call: numbers, strings, lists, a
;; record, host imports (a string one and a number one), a trap, and a
;; resource the component defines.
(component
  (import "host-decorate" (func $decorate (param "s" string) (result string)))
  (import "host-double" (func $double (param "x" u32) (result u32)))
  (core module $libc
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 1024))
    ;; a bump allocator
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $ptr i32)
      (local.set $ptr
        (i32.and
          (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
          (i32.xor (i32.sub (local.get 2) (i32.const 1)) (i32.const -1))))
      (global.set $next (i32.add (local.get $ptr) (local.get 3)))
      (local.get $ptr)))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "mem" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))
  (core func $decorate_lowered
    (canon lower (func $decorate) (memory $mem) (realloc $realloc)))
  (core func $double_lowered (canon lower (func $double)))
  (core module $m
    (import "libc" "mem" (memory 1))
    (import "libc" "realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
    (import "host" "decorate" (func $decorate (param i32 i32 i32)))
    (import "host" "double" (func $double (param i32) (result i32)))
    (global $posts (mut i32) (i32.const 0))
    (global $drops (mut i32) (i32.const 0))
    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1)))
    ;; the bytes reversed, in a new block; the result at 16
    (func (export "reverse") (param $p i32) (param $n i32) (result i32)
      (local $out i32) (local $i i32)
      (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $n)))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (i32.store8
            (i32.add (local.get $out) (local.get $i))
            (i32.load8_u
              (i32.sub (i32.add (local.get $p) (local.get $n))
                       (i32.add (local.get $i) (i32.const 1)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (i32.store (i32.const 16) (local.get $out))
      (i32.store (i32.const 20) (local.get $n))
      (i32.const 16))
    (func (export "post") (param i32)
      (global.set $posts (i32.add (global.get $posts) (i32.const 1))))
    (func (export "posts") (result i32) (global.get $posts))
    (func (export "boom") unreachable)
    (func (export "sum") (param $p i32) (param $n i32) (result i32)
      (local $acc i32) (local $i i32)
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $acc
            (i32.add (local.get $acc)
              (i32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (local.get $acc))
    ;; 0, 1, ..., n - 1; the result at 24
    (func (export "range") (param $n i32) (result i32)
      (local $out i32) (local $i i32)
      (local.set $out
        (call $realloc (i32.const 0) (i32.const 0) (i32.const 4)
          (i32.shl (local.get $n) (i32.const 2))))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (i32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
            (local.get $i))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (i32.store (i32.const 24) (local.get $out))
      (i32.store (i32.const 28) (local.get $n))
      (i32.const 24))
    ;; the point with x and y swapped; the result at 32
    (func (export "swap") (param i32 i32) (result i32)
      (i32.store (i32.const 32) (local.get 1))
      (i32.store (i32.const 36) (local.get 0))
      (i32.const 32))
    ;; what the host's decorate makes of s; the result at 40
    (func (export "greet") (param i32 i32) (result i32)
      (call $decorate (local.get 0) (local.get 1) (i32.const 40))
      (i32.const 40))
    (func (export "quadruple") (param i32) (result i32)
      (call $double (call $double (local.get 0))))
    (func (export "dtor") (param i32)
      (global.set $drops (i32.add (global.get $drops) (i32.const 1))))
    (func (export "drops") (result i32) (global.get $drops)))
  (core instance $i (instantiate $m
    (with "libc" (instance $libc))
    (with "host" (instance
      (export "decorate" (func $decorate_lowered))
      (export "double" (func $double_lowered))))))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "add")))
  (func (export "reverse") (param "s" string) (result string)
    (canon lift (core func $i "reverse") (memory $mem) (realloc $realloc)
      (post-return (core func $i "post"))))
  (func (export "posts") (result u32) (canon lift (core func $i "posts")))
  (func (export "boom") (canon lift (core func $i "boom")))
  (func (export "sum") (param "l" (list u32)) (result u32)
    (canon lift (core func $i "sum") (memory $mem) (realloc $realloc)))
  (func (export "range") (param "n" u32) (result (list u32))
    (canon lift (core func $i "range") (memory $mem) (realloc $realloc)))
  (type $point (record (field "x" s32) (field "y" s32)))
  (export $point_e "point" (type $point))
  (func (export "swap") (param "p" $point_e) (result $point_e)
    (canon lift (core func $i "swap") (memory $mem)))
  (func (export "greet") (param "s" string) (result string)
    (canon lift (core func $i "greet") (memory $mem) (realloc $realloc)))
  (func (export "quadruple") (param "x" u32) (result u32)
    (canon lift (core func $i "quadruple")))
  (type $counter (resource (rep i32) (dtor (core func $i "dtor"))))
  (core func $new (canon resource.new $counter))
  (core module $r
    (import "" "new" (func $new (param i32) (result i32)))
    (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
    ;; a borrow of its own resource type arrives as the rep
    (func (export "value") (param i32) (result i32) (local.get 0)))
  (core instance $ri (instantiate $r (with "" (instance (export "new" (func $new))))))
  (export $counter_e "counter" (type $counter))
  (func (export "make") (param "rep" u32) (result (own $counter_e))
    (canon lift (core func $ri "make")))
  (func (export "value") (param "c" (borrow $counter_e)) (result u32)
    (canon lift (core func $ri "value")))
  (func (export "drops") (result u32) (canon lift (core func $i "drops")))
)
