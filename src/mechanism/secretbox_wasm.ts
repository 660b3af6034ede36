/**
 * XSalsa20-Poly1305 for large boxes on WebAssembly SIMD: the same
 * `sealWithSubkey`/`openWithSubkey` contract as `./secretbox.ts`, with the
 * two inner loops (Salsa20 four blocks at a time in i32x4 lanes, Poly1305 in
 * 26-bit limbs with 64-bit products) in `./secretbox.wat`.
 *
 * The module is 4.8 KB, compiled and instantiated synchronously on first
 * use (no async init; Chromium compiles it synchronously on a page's main
 * thread, tests/browser/bundle_test.ts), and only where
 * `WebAssembly.validate` accepts it: without WebAssembly or SIMD,
 * {@link secretboxWasm} is null and callers keep the JavaScript path.
 *
 * A box is worked in WebAssembly memory a span at a time (a whole CURVE
 * message up to 1 MiB is one span): copied in, encrypted and MACed there
 * (Salsa20 and Poly1305 in one loop), copied out. `sealInto` reads the
 * message straight from the caller's bytes and `openInto` writes the
 * plaintext straight into the caller's buffer, so neither side copies a box
 * in JavaScript first. Opening MACs and decrypts in the same pass; a
 * one-span box is written out only once its tag matched, and when a longer
 * box's tag does not match, the decrypted bytes already written are
 * encrypted again, so a refused box leaves no plaintext behind (and an
 * in-place box as it was, as the JavaScript path does).
 *
 * @module
 */

import { SECRETBOX_WASM } from "./secretbox_wasm_bytes.ts";
import { decodeBase64, instantiateWasm } from "../wasm.ts";

/** What secretbox.wat exports. */
interface Exports {
  memory: WebAssembly.Memory;
  xor(p: number, len: number, counter: number): void;
  polyInit(key: number): void;
  polyUpdate(p: number, len: number): void;
  polyFinish(out: number): void;
  seal(p: number, len: number, counter: number, first: number): void;
  open(p: number, len: number, counter: number, first: number): void;
}

// Memory layout, as secretbox.wat documents it: [0, 40) key and nonce, [256,
// 528) the module's scratch; the rest is ours.
const NONCE = 32;
const ONE_TIME_KEY = 576;
const TAG = 640;
const DATA = 1024;
/**
 * Most bytes of a box worked per call (a multiple of 256, Salsa20's group):
 * a 64 KiB CURVE message is one span, copied in once, boxed there and copied
 * out once. Larger boxes go a span at a time: measured per 1 MiB box, spans
 * of 16 or 64 KiB cost the same, 256 KiB 3 % more and a whole 1 MiB span 13
 * % more (the span no longer stays in the core's cache between the copy in,
 * the cipher and the copy out). The memory grows once, to hold one span.
 */
export const SPAN = 64 * 1024 + 256;
const PAGE = 65536;

/** Seals and opens as `sealWithSubkey`/`openWithSubkey` do (see `./secretbox.ts`). */
export interface SecretboxWasm {
  /** Seals `buffer[32..)` in place; the tag lands at `buffer[16..32)`, zeros at `[0..16)`. */
  seal(subkey: Uint32Array, n0: number, n1: number, buffer: Uint8Array): void;
  /**
   * Seals the message `dest[32..from)` followed by `source` into `dest`
   * (`dest.length` is `from + source.length`): the ciphertext at
   * `dest[32..)`, the tag at `[16..32)`, zeros at `[0..16)`. `source` is read
   * straight into the module's memory, never copied into `dest` first.
   */
  sealInto(
    subkey: Uint32Array,
    n0: number,
    n1: number,
    dest: Uint8Array,
    from: number,
    source: Uint8Array,
  ): void;
  /** Opens in place; false (buffer as it was) when the tag does not authenticate. */
  open(subkey: Uint32Array, n0: number, n1: number, buffer: Uint8Array): boolean;
  /**
   * Opens `box` (tag at `[16..32)`, ciphertext from 32) into `dest` (as
   * long as `box`, or `box` itself): true with the message at `dest[32..)`;
   * false when the tag does not authenticate, with no decrypted byte left in
   * `dest` and `box` as it was.
   */
  openInto(subkey: Uint32Array, n0: number, n1: number, box: Uint8Array, dest: Uint8Array): boolean;
  /** Poly1305 of `message` under a 32-byte one-time key (for the tests' vectors). */
  poly1305Tag(key: Uint8Array, message: Uint8Array): Uint8Array;
}

let instance: SecretboxWasm | null | undefined;

/** The WebAssembly secretbox, or null where WebAssembly SIMD is unavailable. */
export function secretboxWasm(): SecretboxWasm | null {
  if (instance === undefined) instance = loadSecretboxWasm(decodeBase64(SECRETBOX_WASM));
  return instance;
}

/** A secretbox on the module `bytes`, or null when this runtime cannot run them. */
export function loadSecretboxWasm(bytes: Uint8Array<ArrayBuffer>): SecretboxWasm | null {
  const exports = instantiateWasm<Exports>(bytes);
  return exports === null ? null : driver(exports);
}

function driver(wasm: Exports): SecretboxWasm {
  // Views of the memory, made again when it grows (growing detaches them).
  let memory = new Uint8Array(wasm.memory.buffer);
  let words = new Uint32Array(wasm.memory.buffer);

  /** Bytes per call for a box of `length`: the memory grows (once) to hold up to SPAN. */
  function spanFor(length: number): number {
    const span = Math.min(length, SPAN);
    if (DATA + span > memory.length) {
      wasm.memory.grow(Math.ceil((DATA + span - memory.length) / PAGE));
      memory = new Uint8Array(wasm.memory.buffer);
      words = new Uint32Array(wasm.memory.buffer);
    }
    return SPAN;
  }

  function setKey(subkey: Uint32Array, n0: number, n1: number): void {
    words.set(subkey, 0);
    words[NONCE >>> 2] = n0;
    words[(NONCE >>> 2) + 1] = n1;
  }

  function forget(): void {
    memory.fill(0, 0, NONCE + 8);
    memory.fill(0, TAG, TAG + 16);
    memory.fill(0, DATA, DATA + 32);
  }

  /** True when the tag just made at TAG is the one at `box[16..32)`. */
  function tagMatches(box: Uint8Array): boolean {
    let diff = 0;
    for (let i = 0; i < 16; i++) diff |= memory[TAG + i] ^ box[16 + i];
    return diff === 0;
  }

  /** Runs the Salsa20 keystream over `buffer[32..)` again, a span at a time. */
  function xorAll(buffer: Uint8Array, span: number): void {
    for (let at = 0; at < buffer.length; at += span) {
      const end = Math.min(buffer.length, at + span);
      const skip = at === 0 ? 32 : 0;
      memory.set(buffer.subarray(at + skip, end), DATA + skip);
      wasm.xor(DATA, end - at, at >>> 6);
      buffer.set(memory.subarray(DATA + skip, DATA + end - at), at + skip);
    }
  }

  function sealInto(
    subkey: Uint32Array,
    n0: number,
    n1: number,
    dest: Uint8Array,
    from: number,
    source: Uint8Array,
  ): void {
    const length = dest.length;
    const span = spanFor(length);
    setKey(subkey, n0, n1);
    for (let at = 0; at < length; at += span) {
      const end = Math.min(length, at + span);
      const skip = at === 0 ? 32 : 0;
      // In the first span, zeros whose keystream becomes the Poly1305 key.
      if (at === 0) memory.fill(0, DATA, DATA + 32);
      // The message's bytes [at, end): those before `from` are dest's, the rest source's.
      const split = Math.max(at + skip, Math.min(end, from));
      if (split - at - skip > 8) memory.set(dest.subarray(at + skip, split), DATA + skip);
      else for (let i = at + skip; i < split; i++) memory[DATA + i - at] = dest[i]; // (a flags byte)
      if (end > split) memory.set(source.subarray(split - from, end - from), DATA + split - at);
      wasm.seal(DATA, end - at, at >>> 6, at === 0 ? 1 : 0);
      dest.set(memory.subarray(DATA + skip, DATA + end - at), at + skip);
    }
    wasm.polyFinish(TAG);
    dest.fill(0, 0, 16);
    dest.set(memory.subarray(TAG, TAG + 16), 16);
    forget();
  }

  function openInto(
    subkey: Uint32Array,
    n0: number,
    n1: number,
    box: Uint8Array,
    dest: Uint8Array,
  ): boolean {
    const length = box.length;
    const span = spanFor(length);
    setKey(subkey, n0, n1);
    if (length <= span) {
      // One span: the tag is checked before anything is written out.
      memory.set(box.subarray(32), DATA + 32);
      wasm.open(DATA, length, 0, 1);
      wasm.polyFinish(TAG);
      const authentic = tagMatches(box);
      if (authentic) dest.set(memory.subarray(DATA + 32, DATA + length), 32);
      forget();
      return authentic;
    }
    for (let at = 0; at < length; at += span) {
      const end = Math.min(length, at + span);
      const skip = at === 0 ? 32 : 0;
      memory.set(box.subarray(at + skip, end), DATA + skip);
      wasm.open(DATA, end - at, at >>> 6, at === 0 ? 1 : 0);
      dest.set(memory.subarray(DATA + skip, DATA + end - at), at + skip);
    }
    wasm.polyFinish(TAG);
    const authentic = tagMatches(box);
    // Refused: encrypting again takes every decrypted byte back out of dest.
    if (!authentic) xorAll(dest, span);
    forget();
    return authentic;
  }

  return {
    seal: (subkey, n0, n1, buffer) => sealInto(subkey, n0, n1, buffer, buffer.length, EMPTY),
    sealInto,
    open: (subkey, n0, n1, buffer) => openInto(subkey, n0, n1, buffer, buffer),
    openInto,

    poly1305Tag(key, message) {
      const span = spanFor(message.length);
      memory.set(key, ONE_TIME_KEY);
      wasm.polyInit(ONE_TIME_KEY);
      for (let at = 0; at < message.length; at += span) {
        const chunk = message.subarray(at, at + span);
        memory.set(chunk, DATA);
        wasm.polyUpdate(DATA, chunk.length);
      }
      wasm.polyFinish(TAG);
      const tag = memory.slice(TAG, TAG + 16);
      forget();
      return tag;
    },
  };
}

const EMPTY = new Uint8Array(0);
