;; XSalsa20-Poly1305's two inner loops in WebAssembly SIMD, for CURVE's boxes
;; from 96 bytes on (src/mechanism/secretbox_wasm.ts drives them; secretbox.ts
;; is the reference and the fallback). Hand-written; `deno task wasm` assembles it
;; into secretbox_wasm_bytes.ts, and tests/mechanism/secretbox_wasm_test.ts
;; fails when the two drift.
;;
;; - Salsa20 ($group): four 64-byte blocks at once, each i32x4 holding one
;;   state word of four consecutive blocks, the keystream XORed into memory.
;; - Poly1305 ($polyBlock): five 26-bit limbs with 64-bit products
;;   (poly1305-donna-32's arithmetic), the state in globals.
;; - $seal/$open: a chunk of a box, each 256-byte group encrypted while 16
;;   blocks are MACed in the same loop, so Poly1305's scalar multiplies run
;;   beside Salsa20's vector rounds (the CPU overlaps them; one after the other
;;   they cost the sum). $xor and $polyInit/$polyUpdate/$polyFinish do the
;;   pieces the driver needs alone (the one-time key, tails, test vectors).
;;
;; Memory (one page), fixed by the driver:
;;   [0, 32)     Salsa20 key: XSalsa20's subkey, 8 little-endian words
;;   [32, 40)    Salsa20 nonce: the XSalsa20 nonce's last 8 bytes
;;   [256, 512)  keystream of a group made apart: a partial last one, or
;;               the first one of a box being opened (wiped after use)
;;   [512, 528)  Poly1305's padded partial last block (wiped after use)
;;   the rest    the driver's: the one-time key, the tag, the data chunk
;; All data is little-endian, as WebAssembly's memory is.
(module
  (memory (export "memory") 1)

  (global $SCRATCH i32 (i32.const 256))
  (global $PAD i32 (i32.const 512))

  ;; ---- Salsa20 -------------------------------------------------------------

  ;; XORs the keystream from block `counter` on into [p, p + len). Only the
  ;; last call of a message may have a `len` that is not a multiple of 256.
  ;; Block counters stay below 2^32 (the driver keeps boxes under 2 GiB).
  (func $xor (export "xor") (param $p i32) (param $len i32) (param $counter i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (block $whole
      (loop $groups
        (br_if $whole (i32.gt_u (i32.add (local.get $p) (i32.const 256)) (local.get $end)))
        (call $group (local.get $p) (local.get $counter) (i32.const 0) (i32.const 0))
        (local.set $p (i32.add (local.get $p) (i32.const 256)))
        (local.set $counter (i32.add (local.get $counter) (i32.const 4)))
        (br $groups)))
    (if (i32.lt_u (local.get $p) (local.get $end))
      (then
        ;; The keystream of one more group, into zeros, then as many bytes as remain.
        (memory.fill (global.get $SCRATCH) (i32.const 0) (i32.const 256))
        (call $group (global.get $SCRATCH) (local.get $counter) (i32.const 0) (i32.const 0))
        (call $xorBytes (local.get $p) (global.get $SCRATCH) (i32.sub (local.get $end) (local.get $p)))
        (memory.fill (global.get $SCRATCH) (i32.const 0) (i32.const 256)))))

  ;; Seals [p, p + len) in place: the keystream from block `counter` on XORed
  ;; in, the result MACed. In a box's first chunk (`first` ≠ 0) [p, p + 32)
  ;; holds zeros whose keystream becomes the Poly1305 key, and the MAC starts
  ;; at p + 32. Each group is MACed while the next one is encrypted. Only a
  ;; box's last chunk may have a `len` that is not a multiple of 256.
  (func $seal (export "seal") (param $p i32) (param $len i32) (param $counter i32) (param $first i32)
    (local $end i32) (local $m i32) (local $pending i32)
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (local.set $m (local.get $p))
    (block $whole
      (loop $groups
        (br_if $whole (i32.gt_u (i32.add (local.get $p) (i32.const 256)) (local.get $end)))
        (call $group (local.get $p) (local.get $counter)
          (local.get $m) (i32.shr_u (local.get $pending) (i32.const 4)))
        (local.set $m (local.get $p))
        (local.set $pending (i32.const 256))
        (if (local.get $first)
          (then
            (call $polyInit (local.get $p))
            (local.set $m (i32.add (local.get $p) (i32.const 32)))
            (local.set $pending (i32.const 224))
            (local.set $first (i32.const 0))))
        (local.set $p (i32.add (local.get $p) (i32.const 256)))
        (local.set $counter (i32.add (local.get $counter) (i32.const 4)))
        (br $groups)))
    (if (i32.lt_u (local.get $p) (local.get $end))
      (then
        (call $xor (local.get $p) (i32.sub (local.get $end) (local.get $p)) (local.get $counter))
        (if (local.get $first)
          (then
            (call $polyInit (local.get $p))
            (local.set $m (i32.add (local.get $p) (i32.const 32)))))))
    (call $polyUpdate (local.get $m) (i32.sub (local.get $end) (local.get $m))))

  ;; Opens [p, p + len) in place: MACs it, then XORs the keystream from block
  ;; `counter` on in, a group at a time. In a box's first chunk (`first` ≠ 0)
  ;; the first group's keystream is made apart: its first 32 bytes key the
  ;; MAC, which starts at p + 32. Only a box's last chunk may have a `len`
  ;; that is not a multiple of 256.
  (func $open (export "open") (param $p i32) (param $len i32) (param $counter i32) (param $first i32)
    (local $end i32) (local $head i32)
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (if (local.get $first)
      (then
        (memory.fill (global.get $SCRATCH) (i32.const 0) (i32.const 256))
        (call $group (global.get $SCRATCH) (local.get $counter) (i32.const 0) (i32.const 0))
        (call $polyInit (global.get $SCRATCH))
        (local.set $head (select (i32.const 256) (local.get $len)
          (i32.ge_u (local.get $len) (i32.const 256))))
        (call $polyUpdate (i32.add (local.get $p) (i32.const 32))
          (i32.sub (local.get $head) (i32.const 32)))
        (call $xorBytes (i32.add (local.get $p) (i32.const 32))
          (i32.add (global.get $SCRATCH) (i32.const 32)) (i32.sub (local.get $head) (i32.const 32)))
        (memory.fill (global.get $SCRATCH) (i32.const 0) (i32.const 256))
        (local.set $p (i32.add (local.get $p) (local.get $head)))
        (local.set $counter (i32.add (local.get $counter) (i32.const 4)))))
    (block $whole
      (loop $groups
        (br_if $whole (i32.gt_u (i32.add (local.get $p) (i32.const 256)) (local.get $end)))
        (call $group (local.get $p) (local.get $counter) (local.get $p) (i32.const 16))
        (local.set $p (i32.add (local.get $p) (i32.const 256)))
        (local.set $counter (i32.add (local.get $counter) (i32.const 4)))
        (br $groups)))
    (if (i32.lt_u (local.get $p) (local.get $end))
      (then
        (call $polyUpdate (local.get $p) (i32.sub (local.get $end) (local.get $p)))
        (call $xor (local.get $p) (i32.sub (local.get $end) (local.get $p)) (local.get $counter)))))

  ;; [p, p + len) ^= [from, from + len), len < 256.
  (func $xorBytes (param $p i32) (param $from i32) (param $len i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (block $done
      (loop $vectors
        (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
        (v128.store (local.get $p)
          (v128.xor (v128.load (local.get $p)) (v128.load (local.get $from))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $from (i32.add (local.get $from) (i32.const 16)))
        (br $vectors)))
    (block $done
      (loop $bytes
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (i32.store8 (local.get $p)
          (i32.xor (i32.load8_u (local.get $p)) (i32.load8_u (local.get $from))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $bytes))))

  ;; Four blocks of keystream (counters counter..counter+3) XORed into [p, p + 256),
  ;; and meanwhile `blocks` (at most 16) Poly1305 blocks from m absorbed: the
  ;; MAC's scalar multiplies run beside Salsa20's vector rounds. [m, m + 16·blocks)
  ;; is read before [p, p + 256) is written, so it may be the same bytes.
  (func $group (param $p i32) (param $counter i32) (param $m i32) (param $blocks i32)
    (local $h0 i64) (local $h1 i64) (local $h2 i64) (local $h3 i64) (local $h4 i64)
    (local $r0 i64) (local $r1 i64) (local $r2 i64) (local $r3 i64) (local $r4 i64)
    (local $s1 i64) (local $s2 i64) (local $s3 i64) (local $s4 i64)
    (local $d0 i64) (local $d1 i64) (local $d2 i64) (local $d3 i64) (local $d4 i64)
    (local $c i64)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $x4 v128) (local $x5 v128) (local $x6 v128) (local $x7 v128)
    (local $x8 v128) (local $x9 v128) (local $x10 v128) (local $x11 v128)
    (local $x12 v128) (local $x13 v128) (local $x14 v128) (local $x15 v128)
    (local $t v128) (local $counters v128) (local $round i32)
    ;; The input words, as the JS core lays them out: "expand 32-byte k" on the
    ;; diagonal, the key, the nonce at 6-7, the block counter at 8-9.
    (local.set $counters
      (i32x4.add (i32x4.splat (local.get $counter)) (v128.const i32x4 0 1 2 3)))
    (local.set $x0 (v128.const i32x4 0x61707865 0x61707865 0x61707865 0x61707865))
    (local.set $x1 (v128.load32_splat offset=0 (i32.const 0)))
    (local.set $x2 (v128.load32_splat offset=4 (i32.const 0)))
    (local.set $x3 (v128.load32_splat offset=8 (i32.const 0)))
    (local.set $x4 (v128.load32_splat offset=12 (i32.const 0)))
    (local.set $x5 (v128.const i32x4 0x3320646e 0x3320646e 0x3320646e 0x3320646e))
    (local.set $x6 (v128.load32_splat offset=32 (i32.const 0)))
    (local.set $x7 (v128.load32_splat offset=36 (i32.const 0)))
    (local.set $x8 (local.get $counters))
    (local.set $x9 (v128.const i32x4 0 0 0 0))
    (local.set $x10 (v128.const i32x4 0x79622d32 0x79622d32 0x79622d32 0x79622d32))
    (local.set $x11 (v128.load32_splat offset=16 (i32.const 0)))
    (local.set $x12 (v128.load32_splat offset=20 (i32.const 0)))
    (local.set $x13 (v128.load32_splat offset=24 (i32.const 0)))
    (local.set $x14 (v128.load32_splat offset=28 (i32.const 0)))
    (local.set $x15 (v128.const i32x4 0x6b206574 0x6b206574 0x6b206574 0x6b206574))
    (local.set $h0 (global.get $h0)) (local.set $h1 (global.get $h1))
    (local.set $h2 (global.get $h2)) (local.set $h3 (global.get $h3))
    (local.set $h4 (global.get $h4))
    (local.set $r0 (global.get $r0)) (local.set $r1 (global.get $r1))
    (local.set $r2 (global.get $r2)) (local.set $r3 (global.get $r3))
    (local.set $r4 (global.get $r4))
    (local.set $s1 (global.get $s1)) (local.set $s2 (global.get $s2))
    (local.set $s3 (global.get $s3)) (local.set $s4 (global.get $s4))
    (loop $doubleRounds
        ;; one MAC block per round while there are any ($polyBlock's
        ;; arithmetic, inlined by hand: V8's inlining budget passes it over)
        (if (local.get $blocks)
          (then
            ;; h += the block, little-endian, in 26-bit limbs
            (local.set $h0 (i64.add (local.get $h0)
              (i64.and (i64.load32_u offset=0 (local.get $m)) (i64.const 0x3ffffff))))
            (local.set $h1 (i64.add (local.get $h1) (i64.and
              (i64.shr_u (i64.load32_u offset=3 (local.get $m)) (i64.const 2)) (i64.const 0x3ffffff))))
            (local.set $h2 (i64.add (local.get $h2) (i64.and
              (i64.shr_u (i64.load32_u offset=6 (local.get $m)) (i64.const 4)) (i64.const 0x3ffffff))))
            (local.set $h3 (i64.add (local.get $h3) (i64.and
              (i64.shr_u (i64.load32_u offset=9 (local.get $m)) (i64.const 6)) (i64.const 0x3ffffff))))
            (local.set $h4 (i64.add (local.get $h4) (i64.or
              (i64.shr_u (i64.load32_u offset=12 (local.get $m)) (i64.const 8)) (i64.const 0x1000000))))
            ;; d = h · r
            (local.set $d0 (i64.add (i64.add (i64.add (i64.add
              (i64.mul (local.get $h0) (local.get $r0)) (i64.mul (local.get $h1) (local.get $s4)))
              (i64.mul (local.get $h2) (local.get $s3))) (i64.mul (local.get $h3) (local.get $s2)))
              (i64.mul (local.get $h4) (local.get $s1))))
            (local.set $d1 (i64.add (i64.add (i64.add (i64.add
              (i64.mul (local.get $h0) (local.get $r1)) (i64.mul (local.get $h1) (local.get $r0)))
              (i64.mul (local.get $h2) (local.get $s4))) (i64.mul (local.get $h3) (local.get $s3)))
              (i64.mul (local.get $h4) (local.get $s2))))
            (local.set $d2 (i64.add (i64.add (i64.add (i64.add
              (i64.mul (local.get $h0) (local.get $r2)) (i64.mul (local.get $h1) (local.get $r1)))
              (i64.mul (local.get $h2) (local.get $r0))) (i64.mul (local.get $h3) (local.get $s4)))
              (i64.mul (local.get $h4) (local.get $s3))))
            (local.set $d3 (i64.add (i64.add (i64.add (i64.add
              (i64.mul (local.get $h0) (local.get $r3)) (i64.mul (local.get $h1) (local.get $r2)))
              (i64.mul (local.get $h2) (local.get $r1))) (i64.mul (local.get $h3) (local.get $r0)))
              (i64.mul (local.get $h4) (local.get $s4))))
            (local.set $d4 (i64.add (i64.add (i64.add (i64.add
              (i64.mul (local.get $h0) (local.get $r4)) (i64.mul (local.get $h1) (local.get $r3)))
              (i64.mul (local.get $h2) (local.get $r2))) (i64.mul (local.get $h3) (local.get $r1)))
              (i64.mul (local.get $h4) (local.get $r0))))
            ;; carry into 26-bit limbs, the top carry folded back times five
            (local.set $c (i64.shr_u (local.get $d0) (i64.const 26)))
            (local.set $h0 (i64.and (local.get $d0) (i64.const 0x3ffffff)))
            (local.set $d1 (i64.add (local.get $d1) (local.get $c)))
            (local.set $c (i64.shr_u (local.get $d1) (i64.const 26)))
            (local.set $h1 (i64.and (local.get $d1) (i64.const 0x3ffffff)))
            (local.set $d2 (i64.add (local.get $d2) (local.get $c)))
            (local.set $c (i64.shr_u (local.get $d2) (i64.const 26)))
            (local.set $h2 (i64.and (local.get $d2) (i64.const 0x3ffffff)))
            (local.set $d3 (i64.add (local.get $d3) (local.get $c)))
            (local.set $c (i64.shr_u (local.get $d3) (i64.const 26)))
            (local.set $h3 (i64.and (local.get $d3) (i64.const 0x3ffffff)))
            (local.set $d4 (i64.add (local.get $d4) (local.get $c)))
            (local.set $c (i64.shr_u (local.get $d4) (i64.const 26)))
            (local.set $h4 (i64.and (local.get $d4) (i64.const 0x3ffffff)))
            (local.set $h0 (i64.add (local.get $h0) (i64.mul (local.get $c) (i64.const 5))))
            (local.set $c (i64.shr_u (local.get $h0) (i64.const 26)))
            (local.set $h0 (i64.and (local.get $h0) (i64.const 0x3ffffff)))
            (local.set $h1 (i64.add (local.get $h1) (local.get $c)))
            (local.set $m (i32.add (local.get $m) (i32.const 16)))
            (local.set $blocks (i32.sub (local.get $blocks) (i32.const 1)))))
        ;; columns
        (local.set $t (i32x4.add (local.get $x0) (local.get $x12)))
        (local.set $x4 (v128.xor (local.get $x4) (v128.or
          (i32x4.shl (local.get $t) (i32.const 7)) (i32x4.shr_u (local.get $t) (i32.const 25)))))
        (local.set $t (i32x4.add (local.get $x4) (local.get $x0)))
        (local.set $x8 (v128.xor (local.get $x8) (v128.or
          (i32x4.shl (local.get $t) (i32.const 9)) (i32x4.shr_u (local.get $t) (i32.const 23)))))
        (local.set $t (i32x4.add (local.get $x8) (local.get $x4)))
        (local.set $x12 (v128.xor (local.get $x12) (v128.or
          (i32x4.shl (local.get $t) (i32.const 13)) (i32x4.shr_u (local.get $t) (i32.const 19)))))
        (local.set $t (i32x4.add (local.get $x12) (local.get $x8)))
        (local.set $x0 (v128.xor (local.get $x0) (v128.or
          (i32x4.shl (local.get $t) (i32.const 18)) (i32x4.shr_u (local.get $t) (i32.const 14)))))
        (local.set $t (i32x4.add (local.get $x5) (local.get $x1)))
        (local.set $x9 (v128.xor (local.get $x9) (v128.or
          (i32x4.shl (local.get $t) (i32.const 7)) (i32x4.shr_u (local.get $t) (i32.const 25)))))
        (local.set $t (i32x4.add (local.get $x9) (local.get $x5)))
        (local.set $x13 (v128.xor (local.get $x13) (v128.or
          (i32x4.shl (local.get $t) (i32.const 9)) (i32x4.shr_u (local.get $t) (i32.const 23)))))
        (local.set $t (i32x4.add (local.get $x13) (local.get $x9)))
        (local.set $x1 (v128.xor (local.get $x1) (v128.or
          (i32x4.shl (local.get $t) (i32.const 13)) (i32x4.shr_u (local.get $t) (i32.const 19)))))
        (local.set $t (i32x4.add (local.get $x1) (local.get $x13)))
        (local.set $x5 (v128.xor (local.get $x5) (v128.or
          (i32x4.shl (local.get $t) (i32.const 18)) (i32x4.shr_u (local.get $t) (i32.const 14)))))
        (local.set $t (i32x4.add (local.get $x10) (local.get $x6)))
        (local.set $x14 (v128.xor (local.get $x14) (v128.or
          (i32x4.shl (local.get $t) (i32.const 7)) (i32x4.shr_u (local.get $t) (i32.const 25)))))
        (local.set $t (i32x4.add (local.get $x14) (local.get $x10)))
        (local.set $x2 (v128.xor (local.get $x2) (v128.or
          (i32x4.shl (local.get $t) (i32.const 9)) (i32x4.shr_u (local.get $t) (i32.const 23)))))
        (local.set $t (i32x4.add (local.get $x2) (local.get $x14)))
        (local.set $x6 (v128.xor (local.get $x6) (v128.or
          (i32x4.shl (local.get $t) (i32.const 13)) (i32x4.shr_u (local.get $t) (i32.const 19)))))
        (local.set $t (i32x4.add (local.get $x6) (local.get $x2)))
        (local.set $x10 (v128.xor (local.get $x10) (v128.or
          (i32x4.shl (local.get $t) (i32.const 18)) (i32x4.shr_u (local.get $t) (i32.const 14)))))
        (local.set $t (i32x4.add (local.get $x15) (local.get $x11)))
        (local.set $x3 (v128.xor (local.get $x3) (v128.or
          (i32x4.shl (local.get $t) (i32.const 7)) (i32x4.shr_u (local.get $t) (i32.const 25)))))
        (local.set $t (i32x4.add (local.get $x3) (local.get $x15)))
        (local.set $x7 (v128.xor (local.get $x7) (v128.or
          (i32x4.shl (local.get $t) (i32.const 9)) (i32x4.shr_u (local.get $t) (i32.const 23)))))
        (local.set $t (i32x4.add (local.get $x7) (local.get $x3)))
        (local.set $x11 (v128.xor (local.get $x11) (v128.or
          (i32x4.shl (local.get $t) (i32.const 13)) (i32x4.shr_u (local.get $t) (i32.const 19)))))
        (local.set $t (i32x4.add (local.get $x11) (local.get $x7)))
        (local.set $x15 (v128.xor (local.get $x15) (v128.or
          (i32x4.shl (local.get $t) (i32.const 18)) (i32x4.shr_u (local.get $t) (i32.const 14)))))
        ;; one MAC block per round while there are any ($polyBlock's
        ;; arithmetic, inlined by hand: V8's inlining budget passes it over)
        (if (local.get $blocks)
          (then
            ;; h += the block, little-endian, in 26-bit limbs
            (local.set $h0 (i64.add (local.get $h0)
              (i64.and (i64.load32_u offset=0 (local.get $m)) (i64.const 0x3ffffff))))
            (local.set $h1 (i64.add (local.get $h1) (i64.and
              (i64.shr_u (i64.load32_u offset=3 (local.get $m)) (i64.const 2)) (i64.const 0x3ffffff))))
            (local.set $h2 (i64.add (local.get $h2) (i64.and
              (i64.shr_u (i64.load32_u offset=6 (local.get $m)) (i64.const 4)) (i64.const 0x3ffffff))))
            (local.set $h3 (i64.add (local.get $h3) (i64.and
              (i64.shr_u (i64.load32_u offset=9 (local.get $m)) (i64.const 6)) (i64.const 0x3ffffff))))
            (local.set $h4 (i64.add (local.get $h4) (i64.or
              (i64.shr_u (i64.load32_u offset=12 (local.get $m)) (i64.const 8)) (i64.const 0x1000000))))
            ;; d = h · r
            (local.set $d0 (i64.add (i64.add (i64.add (i64.add
              (i64.mul (local.get $h0) (local.get $r0)) (i64.mul (local.get $h1) (local.get $s4)))
              (i64.mul (local.get $h2) (local.get $s3))) (i64.mul (local.get $h3) (local.get $s2)))
              (i64.mul (local.get $h4) (local.get $s1))))
            (local.set $d1 (i64.add (i64.add (i64.add (i64.add
              (i64.mul (local.get $h0) (local.get $r1)) (i64.mul (local.get $h1) (local.get $r0)))
              (i64.mul (local.get $h2) (local.get $s4))) (i64.mul (local.get $h3) (local.get $s3)))
              (i64.mul (local.get $h4) (local.get $s2))))
            (local.set $d2 (i64.add (i64.add (i64.add (i64.add
              (i64.mul (local.get $h0) (local.get $r2)) (i64.mul (local.get $h1) (local.get $r1)))
              (i64.mul (local.get $h2) (local.get $r0))) (i64.mul (local.get $h3) (local.get $s4)))
              (i64.mul (local.get $h4) (local.get $s3))))
            (local.set $d3 (i64.add (i64.add (i64.add (i64.add
              (i64.mul (local.get $h0) (local.get $r3)) (i64.mul (local.get $h1) (local.get $r2)))
              (i64.mul (local.get $h2) (local.get $r1))) (i64.mul (local.get $h3) (local.get $r0)))
              (i64.mul (local.get $h4) (local.get $s4))))
            (local.set $d4 (i64.add (i64.add (i64.add (i64.add
              (i64.mul (local.get $h0) (local.get $r4)) (i64.mul (local.get $h1) (local.get $r3)))
              (i64.mul (local.get $h2) (local.get $r2))) (i64.mul (local.get $h3) (local.get $r1)))
              (i64.mul (local.get $h4) (local.get $r0))))
            ;; carry into 26-bit limbs, the top carry folded back times five
            (local.set $c (i64.shr_u (local.get $d0) (i64.const 26)))
            (local.set $h0 (i64.and (local.get $d0) (i64.const 0x3ffffff)))
            (local.set $d1 (i64.add (local.get $d1) (local.get $c)))
            (local.set $c (i64.shr_u (local.get $d1) (i64.const 26)))
            (local.set $h1 (i64.and (local.get $d1) (i64.const 0x3ffffff)))
            (local.set $d2 (i64.add (local.get $d2) (local.get $c)))
            (local.set $c (i64.shr_u (local.get $d2) (i64.const 26)))
            (local.set $h2 (i64.and (local.get $d2) (i64.const 0x3ffffff)))
            (local.set $d3 (i64.add (local.get $d3) (local.get $c)))
            (local.set $c (i64.shr_u (local.get $d3) (i64.const 26)))
            (local.set $h3 (i64.and (local.get $d3) (i64.const 0x3ffffff)))
            (local.set $d4 (i64.add (local.get $d4) (local.get $c)))
            (local.set $c (i64.shr_u (local.get $d4) (i64.const 26)))
            (local.set $h4 (i64.and (local.get $d4) (i64.const 0x3ffffff)))
            (local.set $h0 (i64.add (local.get $h0) (i64.mul (local.get $c) (i64.const 5))))
            (local.set $c (i64.shr_u (local.get $h0) (i64.const 26)))
            (local.set $h0 (i64.and (local.get $h0) (i64.const 0x3ffffff)))
            (local.set $h1 (i64.add (local.get $h1) (local.get $c)))
            (local.set $m (i32.add (local.get $m) (i32.const 16)))
            (local.set $blocks (i32.sub (local.get $blocks) (i32.const 1)))))
        ;; rows
        (local.set $t (i32x4.add (local.get $x0) (local.get $x3)))
        (local.set $x1 (v128.xor (local.get $x1) (v128.or
          (i32x4.shl (local.get $t) (i32.const 7)) (i32x4.shr_u (local.get $t) (i32.const 25)))))
        (local.set $t (i32x4.add (local.get $x1) (local.get $x0)))
        (local.set $x2 (v128.xor (local.get $x2) (v128.or
          (i32x4.shl (local.get $t) (i32.const 9)) (i32x4.shr_u (local.get $t) (i32.const 23)))))
        (local.set $t (i32x4.add (local.get $x2) (local.get $x1)))
        (local.set $x3 (v128.xor (local.get $x3) (v128.or
          (i32x4.shl (local.get $t) (i32.const 13)) (i32x4.shr_u (local.get $t) (i32.const 19)))))
        (local.set $t (i32x4.add (local.get $x3) (local.get $x2)))
        (local.set $x0 (v128.xor (local.get $x0) (v128.or
          (i32x4.shl (local.get $t) (i32.const 18)) (i32x4.shr_u (local.get $t) (i32.const 14)))))
        (local.set $t (i32x4.add (local.get $x5) (local.get $x4)))
        (local.set $x6 (v128.xor (local.get $x6) (v128.or
          (i32x4.shl (local.get $t) (i32.const 7)) (i32x4.shr_u (local.get $t) (i32.const 25)))))
        (local.set $t (i32x4.add (local.get $x6) (local.get $x5)))
        (local.set $x7 (v128.xor (local.get $x7) (v128.or
          (i32x4.shl (local.get $t) (i32.const 9)) (i32x4.shr_u (local.get $t) (i32.const 23)))))
        (local.set $t (i32x4.add (local.get $x7) (local.get $x6)))
        (local.set $x4 (v128.xor (local.get $x4) (v128.or
          (i32x4.shl (local.get $t) (i32.const 13)) (i32x4.shr_u (local.get $t) (i32.const 19)))))
        (local.set $t (i32x4.add (local.get $x4) (local.get $x7)))
        (local.set $x5 (v128.xor (local.get $x5) (v128.or
          (i32x4.shl (local.get $t) (i32.const 18)) (i32x4.shr_u (local.get $t) (i32.const 14)))))
        (local.set $t (i32x4.add (local.get $x10) (local.get $x9)))
        (local.set $x11 (v128.xor (local.get $x11) (v128.or
          (i32x4.shl (local.get $t) (i32.const 7)) (i32x4.shr_u (local.get $t) (i32.const 25)))))
        (local.set $t (i32x4.add (local.get $x11) (local.get $x10)))
        (local.set $x8 (v128.xor (local.get $x8) (v128.or
          (i32x4.shl (local.get $t) (i32.const 9)) (i32x4.shr_u (local.get $t) (i32.const 23)))))
        (local.set $t (i32x4.add (local.get $x8) (local.get $x11)))
        (local.set $x9 (v128.xor (local.get $x9) (v128.or
          (i32x4.shl (local.get $t) (i32.const 13)) (i32x4.shr_u (local.get $t) (i32.const 19)))))
        (local.set $t (i32x4.add (local.get $x9) (local.get $x8)))
        (local.set $x10 (v128.xor (local.get $x10) (v128.or
          (i32x4.shl (local.get $t) (i32.const 18)) (i32x4.shr_u (local.get $t) (i32.const 14)))))
        (local.set $t (i32x4.add (local.get $x15) (local.get $x14)))
        (local.set $x12 (v128.xor (local.get $x12) (v128.or
          (i32x4.shl (local.get $t) (i32.const 7)) (i32x4.shr_u (local.get $t) (i32.const 25)))))
        (local.set $t (i32x4.add (local.get $x12) (local.get $x15)))
        (local.set $x13 (v128.xor (local.get $x13) (v128.or
          (i32x4.shl (local.get $t) (i32.const 9)) (i32x4.shr_u (local.get $t) (i32.const 23)))))
        (local.set $t (i32x4.add (local.get $x13) (local.get $x12)))
        (local.set $x14 (v128.xor (local.get $x14) (v128.or
          (i32x4.shl (local.get $t) (i32.const 13)) (i32x4.shr_u (local.get $t) (i32.const 19)))))
        (local.set $t (i32x4.add (local.get $x14) (local.get $x13)))
        (local.set $x15 (v128.xor (local.get $x15) (v128.or
          (i32x4.shl (local.get $t) (i32.const 18)) (i32x4.shr_u (local.get $t) (i32.const 14)))))
        (local.set $round (i32.add (local.get $round) (i32.const 2)))
        (br_if $doubleRounds (i32.lt_u (local.get $round) (i32.const 20))))
    (global.set $h0 (local.get $h0)) (global.set $h1 (local.get $h1))
    (global.set $h2 (local.get $h2)) (global.set $h3 (local.get $h3))
    (global.set $h4 (local.get $h4))
    ;; Add the input words back and XOR each block's 64 bytes into place.
    (call $xorWords (local.get $p)
      (i32x4.add (local.get $x0) (v128.const i32x4 0x61707865 0x61707865 0x61707865 0x61707865))
      (i32x4.add (local.get $x1) (v128.load32_splat offset=0 (i32.const 0)))
      (i32x4.add (local.get $x2) (v128.load32_splat offset=4 (i32.const 0)))
      (i32x4.add (local.get $x3) (v128.load32_splat offset=8 (i32.const 0))))
    (call $xorWords (i32.add (local.get $p) (i32.const 16))
      (i32x4.add (local.get $x4) (v128.load32_splat offset=12 (i32.const 0)))
      (i32x4.add (local.get $x5) (v128.const i32x4 0x3320646e 0x3320646e 0x3320646e 0x3320646e))
      (i32x4.add (local.get $x6) (v128.load32_splat offset=32 (i32.const 0)))
      (i32x4.add (local.get $x7) (v128.load32_splat offset=36 (i32.const 0))))
    (call $xorWords (i32.add (local.get $p) (i32.const 32))
      (i32x4.add (local.get $x8) (local.get $counters))
      (local.get $x9)
      (i32x4.add (local.get $x10) (v128.const i32x4 0x79622d32 0x79622d32 0x79622d32 0x79622d32))
      (i32x4.add (local.get $x11) (v128.load32_splat offset=16 (i32.const 0))))
    (call $xorWords (i32.add (local.get $p) (i32.const 48))
      (i32x4.add (local.get $x12) (v128.load32_splat offset=20 (i32.const 0)))
      (i32x4.add (local.get $x13) (v128.load32_splat offset=24 (i32.const 0)))
      (i32x4.add (local.get $x14) (v128.load32_splat offset=28 (i32.const 0)))
      (i32x4.add (local.get $x15) (v128.const i32x4 0x6b206574 0x6b206574 0x6b206574 0x6b206574))))

  ;; Words w..w+3 of four blocks (lane j of a, b, c, d is block j's) XORed
  ;; into [p + 64j, p + 64j + 16): a 4×4 transpose by shuffles.
  (func $xorWords (param $p i32) (param $a v128) (param $b v128) (param $c v128) (param $d v128)
    (local $ab01 v128) (local $cd01 v128) (local $ab23 v128) (local $cd23 v128)
    ;; ab01 = a0 b0 a1 b1, cd01 = c0 d0 c1 d1, ab23 = a2 b2 a3 b3, cd23 = c2 d2 c3 d3
    (local.set $ab01 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
      (local.get $a) (local.get $b)))
    (local.set $cd01 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
      (local.get $c) (local.get $d)))
    (local.set $ab23 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
      (local.get $a) (local.get $b)))
    (local.set $cd23 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
      (local.get $c) (local.get $d)))
    ;; block 0: a0 b0 c0 d0
    (v128.store offset=0 (local.get $p) (v128.xor (v128.load offset=0 (local.get $p))
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $ab01) (local.get $cd01))))
    ;; block 1: a1 b1 c1 d1
    (v128.store offset=64 (local.get $p) (v128.xor (v128.load offset=64 (local.get $p))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ab01) (local.get $cd01))))
    ;; block 2: a2 b2 c2 d2
    (v128.store offset=128 (local.get $p) (v128.xor (v128.load offset=128 (local.get $p))
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $ab23) (local.get $cd23))))
    ;; block 3: a3 b3 c3 d3
    (v128.store offset=192 (local.get $p) (v128.xor (v128.load offset=192 (local.get $p))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ab23) (local.get $cd23)))))

  ;; ---- Poly1305 ------------------------------------------------------------

  ;; h (the accumulator), r (clamped) and 5r, in 26-bit limbs; the key's second half.
  (global $h0 (mut i64) (i64.const 0)) (global $h1 (mut i64) (i64.const 0))
  (global $h2 (mut i64) (i64.const 0)) (global $h3 (mut i64) (i64.const 0))
  (global $h4 (mut i64) (i64.const 0))
  (global $r0 (mut i64) (i64.const 0)) (global $r1 (mut i64) (i64.const 0))
  (global $r2 (mut i64) (i64.const 0)) (global $r3 (mut i64) (i64.const 0))
  (global $r4 (mut i64) (i64.const 0))
  (global $s1 (mut i64) (i64.const 0)) (global $s2 (mut i64) (i64.const 0))
  (global $s3 (mut i64) (i64.const 0)) (global $s4 (mut i64) (i64.const 0))
  (global $pad0 (mut i64) (i64.const 0)) (global $pad1 (mut i64) (i64.const 0))
  (global $pad2 (mut i64) (i64.const 0)) (global $pad3 (mut i64) (i64.const 0))

  ;; Starts a MAC under the one-time key at [k, k + 32), then wipes the key there.
  (func $polyInit (export "polyInit") (param $k i32)
    ;; r clamped as RFC 8439 says, split into 26-bit limbs
    (global.set $r0 (i64.and (i64.load32_u offset=0 (local.get $k)) (i64.const 0x3ffffff)))
    (global.set $r1 (i64.and (i64.shr_u (i64.load32_u offset=3 (local.get $k)) (i64.const 2))
      (i64.const 0x3ffff03)))
    (global.set $r2 (i64.and (i64.shr_u (i64.load32_u offset=6 (local.get $k)) (i64.const 4))
      (i64.const 0x3ffc0ff)))
    (global.set $r3 (i64.and (i64.shr_u (i64.load32_u offset=9 (local.get $k)) (i64.const 6))
      (i64.const 0x3f03fff)))
    (global.set $r4 (i64.and (i64.shr_u (i64.load32_u offset=12 (local.get $k)) (i64.const 8))
      (i64.const 0x00fffff)))
    ;; 2^130 ≡ 5: the products that pass 2^130 come back times five
    (global.set $s1 (i64.mul (global.get $r1) (i64.const 5)))
    (global.set $s2 (i64.mul (global.get $r2) (i64.const 5)))
    (global.set $s3 (i64.mul (global.get $r3) (i64.const 5)))
    (global.set $s4 (i64.mul (global.get $r4) (i64.const 5)))
    (global.set $h0 (i64.const 0)) (global.set $h1 (i64.const 0)) (global.set $h2 (i64.const 0))
    (global.set $h3 (i64.const 0)) (global.set $h4 (i64.const 0))
    (global.set $pad0 (i64.load32_u offset=16 (local.get $k)))
    (global.set $pad1 (i64.load32_u offset=20 (local.get $k)))
    (global.set $pad2 (i64.load32_u offset=24 (local.get $k)))
    (global.set $pad3 (i64.load32_u offset=28 (local.get $k)))
    (memory.fill (local.get $k) (i32.const 0) (i32.const 32)))

  ;; Absorbs [m, m + len): whole 16-byte blocks, then (only in a message's
  ;; last call) a partial block padded with 1 and zeros.
  (func $polyUpdate (export "polyUpdate") (param $m i32) (param $len i32)
    (local $whole i32) (local $rest i32)
    (local.set $whole (i32.add (local.get $m) (i32.and (local.get $len) (i32.const -16))))
    (call $blocks (local.get $m) (local.get $whole) (i64.const 0x1000000))
    (local.set $rest (i32.and (local.get $len) (i32.const 15)))
    (if (local.get $rest)
      (then
        (memory.fill (global.get $PAD) (i32.const 0) (i32.const 16))
        (memory.copy (global.get $PAD) (local.get $whole) (local.get $rest))
        (i32.store8 (i32.add (global.get $PAD) (local.get $rest)) (i32.const 1))
        (call $blocks (global.get $PAD) (i32.add (global.get $PAD) (i32.const 16)) (i64.const 0))
        (memory.fill (global.get $PAD) (i32.const 0) (i32.const 16)))))

  ;; Absorbs each 16-byte block in [m, end), with hibit (2^24 or 0) as its bit 128.
  (func $blocks (param $m i32) (param $end i32) (param $hibit i64)
    (local $h0 i64) (local $h1 i64) (local $h2 i64) (local $h3 i64) (local $h4 i64)
    (local.set $h0 (global.get $h0)) (local.set $h1 (global.get $h1))
    (local.set $h2 (global.get $h2)) (local.set $h3 (global.get $h3))
    (local.set $h4 (global.get $h4))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $m) (local.get $end)))
        (call $polyBlock (local.get $m) (local.get $hibit)
          (local.get $h0) (local.get $h1) (local.get $h2) (local.get $h3) (local.get $h4))
        (local.set $h4) (local.set $h3) (local.set $h2) (local.set $h1) (local.set $h0)
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (br $each)))
    (global.set $h0 (local.get $h0)) (global.set $h1 (local.get $h1))
    (global.set $h2 (local.get $h2)) (global.set $h3 (local.get $h3))
    (global.set $h4 (local.get $h4)))

  ;; One block: returns (h + block at m + hibit·2^128)·r mod 2^130 − 5, partly
  ;; reduced. Limbs stay below 2^27 and 5r's below 2^29, so each column of five
  ;; products sums below 2^59: no 64-bit overflow.
  (func $polyBlock (param $m i32) (param $hibit i64)
    (param $h0 i64) (param $h1 i64) (param $h2 i64) (param $h3 i64) (param $h4 i64)
    (result i64 i64 i64 i64 i64)
    (local $r0 i64) (local $r1 i64) (local $r2 i64) (local $r3 i64) (local $r4 i64)
    (local $s1 i64) (local $s2 i64) (local $s3 i64) (local $s4 i64)
    (local $d0 i64) (local $d1 i64) (local $d2 i64) (local $d3 i64) (local $d4 i64)
    (local $c i64)
    (local.set $r0 (global.get $r0)) (local.set $r1 (global.get $r1))
    (local.set $r2 (global.get $r2)) (local.set $r3 (global.get $r3))
    (local.set $r4 (global.get $r4))
    (local.set $s1 (global.get $s1)) (local.set $s2 (global.get $s2))
    (local.set $s3 (global.get $s3)) (local.set $s4 (global.get $s4))
    ;; h += the block, little-endian, in 26-bit limbs
    (local.set $h0 (i64.add (local.get $h0)
      (i64.and (i64.load32_u offset=0 (local.get $m)) (i64.const 0x3ffffff))))
    (local.set $h1 (i64.add (local.get $h1) (i64.and
      (i64.shr_u (i64.load32_u offset=3 (local.get $m)) (i64.const 2)) (i64.const 0x3ffffff))))
    (local.set $h2 (i64.add (local.get $h2) (i64.and
      (i64.shr_u (i64.load32_u offset=6 (local.get $m)) (i64.const 4)) (i64.const 0x3ffffff))))
    (local.set $h3 (i64.add (local.get $h3) (i64.and
      (i64.shr_u (i64.load32_u offset=9 (local.get $m)) (i64.const 6)) (i64.const 0x3ffffff))))
    (local.set $h4 (i64.add (local.get $h4) (i64.or
      (i64.shr_u (i64.load32_u offset=12 (local.get $m)) (i64.const 8)) (local.get $hibit))))
    ;; d = h · r
    (local.set $d0 (i64.add (i64.add (i64.add (i64.add
      (i64.mul (local.get $h0) (local.get $r0)) (i64.mul (local.get $h1) (local.get $s4)))
      (i64.mul (local.get $h2) (local.get $s3))) (i64.mul (local.get $h3) (local.get $s2)))
      (i64.mul (local.get $h4) (local.get $s1))))
    (local.set $d1 (i64.add (i64.add (i64.add (i64.add
      (i64.mul (local.get $h0) (local.get $r1)) (i64.mul (local.get $h1) (local.get $r0)))
      (i64.mul (local.get $h2) (local.get $s4))) (i64.mul (local.get $h3) (local.get $s3)))
      (i64.mul (local.get $h4) (local.get $s2))))
    (local.set $d2 (i64.add (i64.add (i64.add (i64.add
      (i64.mul (local.get $h0) (local.get $r2)) (i64.mul (local.get $h1) (local.get $r1)))
      (i64.mul (local.get $h2) (local.get $r0))) (i64.mul (local.get $h3) (local.get $s4)))
      (i64.mul (local.get $h4) (local.get $s3))))
    (local.set $d3 (i64.add (i64.add (i64.add (i64.add
      (i64.mul (local.get $h0) (local.get $r3)) (i64.mul (local.get $h1) (local.get $r2)))
      (i64.mul (local.get $h2) (local.get $r1))) (i64.mul (local.get $h3) (local.get $r0)))
      (i64.mul (local.get $h4) (local.get $s4))))
    (local.set $d4 (i64.add (i64.add (i64.add (i64.add
      (i64.mul (local.get $h0) (local.get $r4)) (i64.mul (local.get $h1) (local.get $r3)))
      (i64.mul (local.get $h2) (local.get $r2))) (i64.mul (local.get $h3) (local.get $r1)))
      (i64.mul (local.get $h4) (local.get $r0))))
    ;; carry into 26-bit limbs, the top carry folded back times five
    (local.set $c (i64.shr_u (local.get $d0) (i64.const 26)))
    (local.set $h0 (i64.and (local.get $d0) (i64.const 0x3ffffff)))
    (local.set $d1 (i64.add (local.get $d1) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $d1) (i64.const 26)))
    (local.set $h1 (i64.and (local.get $d1) (i64.const 0x3ffffff)))
    (local.set $d2 (i64.add (local.get $d2) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $d2) (i64.const 26)))
    (local.set $h2 (i64.and (local.get $d2) (i64.const 0x3ffffff)))
    (local.set $d3 (i64.add (local.get $d3) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $d3) (i64.const 26)))
    (local.set $h3 (i64.and (local.get $d3) (i64.const 0x3ffffff)))
    (local.set $d4 (i64.add (local.get $d4) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $d4) (i64.const 26)))
    (local.set $h4 (i64.and (local.get $d4) (i64.const 0x3ffffff)))
    (local.set $h0 (i64.add (local.get $h0) (i64.mul (local.get $c) (i64.const 5))))
    (local.set $c (i64.shr_u (local.get $h0) (i64.const 26)))
    (local.set $h0 (i64.and (local.get $h0) (i64.const 0x3ffffff)))
    (local.set $h1 (i64.add (local.get $h1) (local.get $c)))
    (local.get $h0) (local.get $h1) (local.get $h2) (local.get $h3) (local.get $h4))

  ;; Writes the tag, (h mod 2^130 − 5) + the key's second half mod 2^128, to
  ;; [out, out + 16) and forgets the state.
  (func $polyFinish (export "polyFinish") (param $out i32)
    (local $h0 i64) (local $h1 i64) (local $h2 i64) (local $h3 i64) (local $h4 i64)
    (local $g0 i64) (local $g1 i64) (local $g2 i64) (local $g3 i64) (local $g4 i64)
    (local $c i64) (local $keep i64) (local $f i64)
    (local.set $h0 (global.get $h0)) (local.set $h1 (global.get $h1))
    (local.set $h2 (global.get $h2)) (local.set $h3 (global.get $h3))
    (local.set $h4 (global.get $h4))
    ;; fully carry h
    (local.set $c (i64.shr_u (local.get $h1) (i64.const 26)))
    (local.set $h1 (i64.and (local.get $h1) (i64.const 0x3ffffff)))
    (local.set $h2 (i64.add (local.get $h2) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $h2) (i64.const 26)))
    (local.set $h2 (i64.and (local.get $h2) (i64.const 0x3ffffff)))
    (local.set $h3 (i64.add (local.get $h3) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $h3) (i64.const 26)))
    (local.set $h3 (i64.and (local.get $h3) (i64.const 0x3ffffff)))
    (local.set $h4 (i64.add (local.get $h4) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $h4) (i64.const 26)))
    (local.set $h4 (i64.and (local.get $h4) (i64.const 0x3ffffff)))
    (local.set $h0 (i64.add (local.get $h0) (i64.mul (local.get $c) (i64.const 5))))
    (local.set $c (i64.shr_u (local.get $h0) (i64.const 26)))
    (local.set $h0 (i64.and (local.get $h0) (i64.const 0x3ffffff)))
    (local.set $h1 (i64.add (local.get $h1) (local.get $c)))
    ;; g = h + 5 − 2^130: negative exactly when h < p
    (local.set $g0 (i64.add (local.get $h0) (i64.const 5)))
    (local.set $c (i64.shr_u (local.get $g0) (i64.const 26)))
    (local.set $g0 (i64.and (local.get $g0) (i64.const 0x3ffffff)))
    (local.set $g1 (i64.add (local.get $h1) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $g1) (i64.const 26)))
    (local.set $g1 (i64.and (local.get $g1) (i64.const 0x3ffffff)))
    (local.set $g2 (i64.add (local.get $h2) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $g2) (i64.const 26)))
    (local.set $g2 (i64.and (local.get $g2) (i64.const 0x3ffffff)))
    (local.set $g3 (i64.add (local.get $h3) (local.get $c)))
    (local.set $c (i64.shr_u (local.get $g3) (i64.const 26)))
    (local.set $g3 (i64.and (local.get $g3) (i64.const 0x3ffffff)))
    (local.set $g4 (i64.sub (i64.add (local.get $h4) (local.get $c)) (i64.const 0x4000000)))
    ;; keep h (mask all ones) when g < 0, else g: no branch on secrets
    (local.set $keep (i64.shr_s (local.get $g4) (i64.const 63)))
    (local.set $h0 (i64.or (i64.and (local.get $h0) (local.get $keep))
      (i64.and (local.get $g0) (i64.xor (local.get $keep) (i64.const -1)))))
    (local.set $h1 (i64.or (i64.and (local.get $h1) (local.get $keep))
      (i64.and (local.get $g1) (i64.xor (local.get $keep) (i64.const -1)))))
    (local.set $h2 (i64.or (i64.and (local.get $h2) (local.get $keep))
      (i64.and (local.get $g2) (i64.xor (local.get $keep) (i64.const -1)))))
    (local.set $h3 (i64.or (i64.and (local.get $h3) (local.get $keep))
      (i64.and (local.get $g3) (i64.xor (local.get $keep) (i64.const -1)))))
    (local.set $h4 (i64.or (i64.and (local.get $h4) (local.get $keep))
      (i64.and (local.get $g4) (i64.xor (local.get $keep) (i64.const -1)))))
    ;; h mod 2^128 as four words, plus the key's second half with carries
    (local.set $f (i64.add (global.get $pad0) (i64.and (i64.const 0xffffffff)
      (i64.or (local.get $h0) (i64.shl (local.get $h1) (i64.const 26))))))
    (i64.store32 offset=0 (local.get $out) (local.get $f))
    (local.set $f (i64.add (i64.add (global.get $pad1) (i64.shr_u (local.get $f) (i64.const 32)))
      (i64.and (i64.const 0xffffffff)
        (i64.or (i64.shr_u (local.get $h1) (i64.const 6)) (i64.shl (local.get $h2) (i64.const 20))))))
    (i64.store32 offset=4 (local.get $out) (local.get $f))
    (local.set $f (i64.add (i64.add (global.get $pad2) (i64.shr_u (local.get $f) (i64.const 32)))
      (i64.and (i64.const 0xffffffff)
        (i64.or (i64.shr_u (local.get $h2) (i64.const 12)) (i64.shl (local.get $h3) (i64.const 14))))))
    (i64.store32 offset=8 (local.get $out) (local.get $f))
    (local.set $f (i64.add (i64.add (global.get $pad3) (i64.shr_u (local.get $f) (i64.const 32)))
      (i64.and (i64.const 0xffffffff)
        (i64.or (i64.shr_u (local.get $h3) (i64.const 18)) (i64.shl (local.get $h4) (i64.const 8))))))
    (i64.store32 offset=12 (local.get $out) (local.get $f))
    (global.set $h0 (i64.const 0)) (global.set $h1 (i64.const 0)) (global.set $h2 (i64.const 0))
    (global.set $h3 (i64.const 0)) (global.set $h4 (i64.const 0))
    (global.set $r0 (i64.const 0)) (global.set $r1 (i64.const 0)) (global.set $r2 (i64.const 0))
    (global.set $r3 (i64.const 0)) (global.set $r4 (i64.const 0))
    (global.set $s1 (i64.const 0)) (global.set $s2 (i64.const 0))
    (global.set $s3 (i64.const 0)) (global.set $s4 (i64.const 0))
    (global.set $pad0 (i64.const 0)) (global.set $pad1 (i64.const 0))
    (global.set $pad2 (i64.const 0)) (global.set $pad3 (i64.const 0))))
