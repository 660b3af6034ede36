;; RFC 6455 masking in WebAssembly SIMD, for payloads from 1 KiB on
;; (src/wire/mask_wasm.ts drives it; applyMask in websocket.ts is the
;; reference and the fallback). Hand-written; `deno task wasm` assembles it
;; into mask_wasm_bytes.ts, and tests/wire/mask_wasm_test.ts fails when the
;; two drift.
;;
;; Memory: one page that never grows. The driver copies a chunk of at most
;; 16 KiB to offset 0, calls $xor, and copies it out; $xor works in 64-byte
;; steps past the chunk's end (up to 63 bytes of scratch), so the page has
;; room to spare.
(module
  (memory (export "memory") 1 1)

  ;; XORs [p, p + len rounded up to 64) with the little-endian word $word
  ;; repeated (the 4-byte mask as it lines up at p).
  (func (export "xor") (param $p i32) (param $len i32) (param $word i32)
    (local $end i32)
    (local $key v128)
    (local.set $key (i32x4.splat (local.get $word)))
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (v128.store (local.get $p)
          (v128.xor (v128.load (local.get $p)) (local.get $key)))
        (v128.store offset=16 (local.get $p)
          (v128.xor (v128.load offset=16 (local.get $p)) (local.get $key)))
        (v128.store offset=32 (local.get $p)
          (v128.xor (v128.load offset=32 (local.get $p)) (local.get $key)))
        (v128.store offset=48 (local.get $p)
          (v128.xor (v128.load offset=48 (local.get $p)) (local.get $key)))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $next)))))
