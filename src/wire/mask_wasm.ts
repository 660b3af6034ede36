/**
 * RFC 6455 masking of large payloads on WebAssembly SIMD (`./mask.wat`):
 * sixteen bytes per XOR instead of the four a JavaScript `Int32Array` loop
 * does. The payload goes through the module's memory a 16 KiB chunk at a
 * time (copied in, XORed while it sits in cache, copied out), which is still
 * about twice as fast as the JavaScript loop at 64 KiB (bench/PROFILE.md, "ws 64 KiB bind");
 * below {@link WASM_MASK_FROM} the two copies cost more than they save.
 *
 * The module is 155 bytes, compiled and instantiated synchronously on first
 * use, and only where `WebAssembly.validate` accepts it: without WebAssembly
 * or SIMD, {@link maskWasm} is null and `applyMask` keeps the JavaScript path.
 *
 * @module
 */

import { MASK_WASM } from "./mask_wasm_bytes.ts";
import { decodeBase64, instantiateWasm } from "../wasm.ts";

/** Payloads from this many bytes on are masked here (below, JavaScript is faster). */
export const WASM_MASK_FROM = 1024;

/** Bytes masked per call: a multiple of 4, so every chunk starts at the same mask phase. */
const CHUNK = 16384;

/** What mask.wat exports. */
interface Exports {
  memory: WebAssembly.Memory;
  xor(p: number, len: number, word: number): void;
}

/** Masks with the WebAssembly module. */
export interface MaskWasm {
  /**
   * Writes `src[start..end)` XORed with the 4-byte `mask` (big-endian in a
   * 32-bit number) to `dst` from `at` on, mask byte `phase` applying to
   * `src[start]`. `dst` may be `src` with `at === start` (in place).
   */
  maskInto(
    src: Uint8Array,
    start: number,
    end: number,
    mask: number,
    phase: number,
    dst: Uint8Array,
    at: number,
  ): void;
}

let instance: MaskWasm | null | undefined;

/** The WebAssembly masking, or null where WebAssembly SIMD is unavailable. */
export function maskWasm(): MaskWasm | null {
  if (instance === undefined) instance = loadMaskWasm(decodeBase64(MASK_WASM));
  return instance;
}

/** Masking on the module `bytes`, or null when this runtime cannot run them. */
export function loadMaskWasm(bytes: Uint8Array<ArrayBuffer>): MaskWasm | null {
  const exports = instantiateWasm<Exports>(bytes);
  return exports === null ? null : driver(exports);
}

function driver(wasm: Exports): MaskWasm {
  // One page that never grows, so this view stays valid.
  const memory = new Uint8Array(wasm.memory.buffer);
  const xor = wasm.xor;
  return {
    maskInto(src, start, end, mask, phase, dst, at) {
      // The mask's bytes in memory order from `phase` on, as a little-endian word.
      const lined = phase === 0 ? mask : (mask << (phase * 8)) | (mask >>> (32 - phase * 8));
      const word = (lined >>> 24) | (lined >>> 8 & 0xff00) | (lined << 8 & 0xff0000) |
        (lined << 24);
      for (let from = start; from < end; from += CHUNK) {
        const length = Math.min(CHUNK, end - from);
        memory.set(src.subarray(from, from + length));
        xor(0, length, word);
        dst.set(memory.subarray(0, length), at);
        at += length;
      }
    },
  };
}
