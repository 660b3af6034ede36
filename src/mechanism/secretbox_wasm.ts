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
 * The box is worked in WebAssembly memory a chunk at a time: copied in,
 * encrypted and MACed there while it sits in cache (Salsa20 and Poly1305 in
 * one loop), copied out. Opening MACs and decrypts in the same pass; when
 * the tag does not match, the
 * decrypted bytes written back are encrypted again, so a refused box leaves
 * the buffer as it was (as the JavaScript path does).
 *
 * @module
 */

import { SECRETBOX_WASM } from "./secretbox_wasm_bytes.ts";

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
/** Bytes boxed per pass: a multiple of 256 (Salsa20 groups), small enough to stay in L1/L2. */
const CHUNK = 16384;

/** Seals and opens as `sealWithSubkey`/`openWithSubkey` do (see `./secretbox.ts`). */
export interface SecretboxWasm {
  /** Seals `buffer[32..)` in place; the tag lands at `buffer[16..32)`, zeros at `[0..16)`. */
  seal(subkey: Uint32Array, n0: number, n1: number, buffer: Uint8Array): void;
  /** Opens in place; false (buffer as it was) when the tag does not authenticate. */
  open(subkey: Uint32Array, n0: number, n1: number, buffer: Uint8Array): boolean;
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
  try {
    if (typeof WebAssembly !== "object" || !WebAssembly.validate(bytes)) return null;
    const module = new WebAssembly.Module(bytes);
    return driver(new WebAssembly.Instance(module).exports as unknown as Exports);
  } catch {
    return null;
  }
}

function driver(wasm: Exports): SecretboxWasm {
  // One page that never grows, so these views stay valid.
  const memory = new Uint8Array(wasm.memory.buffer);
  const words = new Uint32Array(wasm.memory.buffer);

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

  /** Runs the Salsa20 keystream over `buffer[32..)` again, chunk by chunk. */
  function xorAll(buffer: Uint8Array): void {
    for (let at = 0; at < buffer.length; at += CHUNK) {
      const end = Math.min(buffer.length, at + CHUNK);
      const skip = at === 0 ? 32 : 0;
      memory.set(buffer.subarray(at + skip, end), DATA + skip);
      wasm.xor(DATA, end - at, at >>> 6);
      buffer.set(memory.subarray(DATA + skip, DATA + end - at), at + skip);
    }
  }

  return {
    seal(subkey, n0, n1, buffer) {
      setKey(subkey, n0, n1);
      for (let at = 0; at < buffer.length; at += CHUNK) {
        const end = Math.min(buffer.length, at + CHUNK);
        const skip = at === 0 ? 32 : 0;
        // In the first chunk, zeros whose keystream becomes the Poly1305 key.
        if (at === 0) memory.fill(0, DATA, DATA + 32);
        memory.set(buffer.subarray(at + skip, end), DATA + skip);
        wasm.seal(DATA, end - at, at >>> 6, at === 0 ? 1 : 0);
        buffer.set(memory.subarray(DATA + skip, DATA + end - at), at + skip);
      }
      wasm.polyFinish(TAG);
      buffer.fill(0, 0, 16);
      buffer.set(memory.subarray(TAG, TAG + 16), 16);
      forget();
    },

    open(subkey, n0, n1, buffer) {
      setKey(subkey, n0, n1);
      for (let at = 0; at < buffer.length; at += CHUNK) {
        const end = Math.min(buffer.length, at + CHUNK);
        const skip = at === 0 ? 32 : 0;
        memory.set(buffer.subarray(at + skip, end), DATA + skip);
        wasm.open(DATA, end - at, at >>> 6, at === 0 ? 1 : 0);
        buffer.set(memory.subarray(DATA + skip, DATA + end - at), at + skip);
      }
      wasm.polyFinish(TAG);
      let diff = 0;
      for (let i = 0; i < 16; i++) diff |= memory[TAG + i] ^ buffer[16 + i];
      if (diff !== 0) xorAll(buffer);
      forget();
      return diff === 0;
    },

    poly1305Tag(key, message) {
      memory.set(key, ONE_TIME_KEY);
      wasm.polyInit(ONE_TIME_KEY);
      for (let at = 0; at < message.length; at += CHUNK) {
        const chunk = message.subarray(at, at + CHUNK);
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

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}
