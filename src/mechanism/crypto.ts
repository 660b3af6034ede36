/**
 * The cryptography CURVE needs, from audited code: NaCl's `crypto_box`
 * (X25519 + XSalsa20-Poly1305) as CurveZMQ (RFC 26) uses it.
 *
 * - XSalsa20-Poly1305 ("secretbox") and HSalsa20 come from `./secretbox.ts`
 *   (fused and allocation-free, checked against NaCl's vectors and
 *   `@noble/ciphers`); X25519 from `@noble/curves`.
 *   `crypto_box_beforenm` is the X25519 shared point run through HSalsa20
 *   with a zero nonce, exactly as NaCl defines it.
 * - X25519 during handshakes runs on WebCrypto when the runtime has it
 *   (Deno does): about 0.18 ms per key agreement against 0.55 ms for noble
 *   (`deno run -A bench/curve_primitives.ts`). Synchronous callers
 *   ({@link x25519PublicKey}, used by `curveKeyPair()` and option checks)
 *   use noble.
 *
 * Only this module imports the crypto package, at a pinned version.
 *
 * @module
 */

// Pinned inline on purpose: this is the library's only runtime dependency
// and this is the only module allowed to import it.
// deno-lint-ignore no-import-prefix
import { x25519 } from "npm:@noble/curves@2.4.0/ed25519.js";
import { hsalsa20, openWithSubkey, sealWithSubkey } from "./secretbox.ts";
import { secretboxWasm } from "./secretbox_wasm.ts";

/** Bytes in an X25519 key. */
export const KEY_SIZE = 32;
/** Bytes a box adds to its plaintext (the Poly1305 MAC). */
export const MAC_SIZE = 16;

/** A key pair as raw bytes. */
export interface RawKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

/** `n` bytes from the system's secure random source. */
export function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** The public key of an X25519 secret key (synchronous: noble). */
export function x25519PublicKey(secretKey: Uint8Array): Uint8Array {
  return x25519.getPublicKey(secretKey);
}

/** Key agreement, in one of two implementations that give identical results. */
export interface X25519Backend {
  /** `webcrypto` or `noble`. */
  readonly name: string;
  /** A fresh key pair. */
  generate(): Promise<RawKeyPair>;
  /** The public key of a secret key. */
  publicKey(secretKey: Uint8Array): Promise<Uint8Array>;
  /** The raw X25519 shared point; rejects a low-order (all-zero) result. */
  agree(secretKey: Uint8Array, publicKey: Uint8Array): Promise<Uint8Array>;
}

/** X25519 in JavaScript, from `@noble/curves`. */
export const nobleX25519: X25519Backend = {
  name: "noble",
  generate() {
    const secretKey = randomBytes(KEY_SIZE);
    return Promise.resolve({ publicKey: x25519.getPublicKey(secretKey), secretKey });
  },
  publicKey(secretKey) {
    return Promise.resolve(x25519.getPublicKey(secretKey));
  },
  agree(secretKey, publicKey) {
    try {
      return Promise.resolve(x25519.getSharedSecret(secretKey, publicKey));
    } catch (err) {
      return Promise.reject(err);
    }
  },
};

/** DER prefix of a PKCS #8 X25519 private key; the 32 key bytes follow. */
const PKCS8_X25519 = [
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x6e,
  0x04,
  0x22,
  0x04,
  0x20,
];
const X25519_ALGORITHM = { name: "X25519" };

function importSecret(secretKey: Uint8Array, extractable: boolean): Promise<CryptoKey> {
  const der = new Uint8Array(PKCS8_X25519.length + KEY_SIZE);
  der.set(PKCS8_X25519);
  der.set(secretKey, PKCS8_X25519.length);
  return crypto.subtle.importKey("pkcs8", der, X25519_ALGORITHM, extractable, ["deriveBits"]);
}

async function webPublicKey(secretKey: Uint8Array): Promise<Uint8Array> {
  const key = await importSecret(secretKey, true);
  const jwk = await crypto.subtle.exportKey("jwk", key);
  return fromBase64Url(jwk.x!);
}

/** X25519 on the runtime's WebCrypto (native code). */
export const webCryptoX25519: X25519Backend = {
  name: "webcrypto",
  async generate() {
    const secretKey = randomBytes(KEY_SIZE);
    return { publicKey: await webPublicKey(secretKey), secretKey };
  },
  publicKey: webPublicKey,
  async agree(secretKey, publicKey) {
    const [secret, peer] = await Promise.all([
      importSecret(secretKey, false),
      crypto.subtle.importKey("raw", new Uint8Array(publicKey), X25519_ALGORITHM, false, []),
    ]);
    return new Uint8Array(
      await crypto.subtle.deriveBits({ name: "X25519", public: peer }, secret, 256),
    );
  },
};

let chosen: Promise<X25519Backend> | undefined;

/** WebCrypto's X25519 when this runtime has it, otherwise noble's; decided once. */
export function x25519Backend(): Promise<X25519Backend> {
  chosen ??= probeWebCrypto().then((ok) => ok ? webCryptoX25519 : nobleX25519);
  return chosen;
}

/** True when WebCrypto computes X25519 and agrees with noble on one sample. */
async function probeWebCrypto(): Promise<boolean> {
  try {
    const a = randomBytes(KEY_SIZE);
    const b = randomBytes(KEY_SIZE);
    const fromWeb = await webCryptoX25519.agree(a, x25519.getPublicKey(b));
    return equalBytes(fromWeb, x25519.getSharedSecret(b, x25519.getPublicKey(a)));
  } catch {
    return false;
  }
}

const ZERO_NONCE = new Uint32Array(4);

/**
 * NaCl's `crypto_box_beforenm`: the key both sides of a box share, from one
 * side's secret key and the other's public key. Computed once per key pair
 * and then used for every box between them.
 */
export async function boxKey(
  publicKey: Uint8Array,
  secretKey: Uint8Array,
  backend?: X25519Backend,
): Promise<Uint8Array> {
  const shared = await (backend ?? await x25519Backend()).agree(secretKey, publicKey);
  const words = wordsOf(shared);
  const key = new Uint32Array(8);
  hsalsa20(words, ZERO_NONCE, key);
  shared.fill(0);
  words.fill(0);
  return new Uint8Array(key.buffer);
}

/**
 * Encrypts in place: `buffer[32..]` holds the plaintext on entry and the
 * ciphertext on return, `buffer[16..32)` the MAC, `buffer[0..16)` zeros.
 * So a caller that lays out its wire format around the box copies nothing
 * after encryption. `buffer` must start at a 4-byte aligned offset.
 */
export function sealInPlace(key: Uint8Array, nonce: Uint8Array, buffer: Uint8Array): void {
  const box = new PrefixedBoxKey(key, nonce.subarray(0, 16));
  box.seal(nonce.subarray(16, 24), buffer);
  box.wipe();
}

/**
 * Opens a box (MAC followed by ciphertext). Returns a view of the plaintext
 * inside a fresh buffer, or null when the box was not made with this key and
 * nonce or was altered.
 */
export function openBox(key: Uint8Array, nonce: Uint8Array, box: Uint8Array): Uint8Array | null {
  const boxKey = new PrefixedBoxKey(key, nonce.subarray(0, 16));
  const plain = boxKey.open(nonce.subarray(16, 24), box);
  boxKey.wipe();
  return plain;
}

/**
 * Boxes with one key and nonces that share their first 16 bytes (CURVE's
 * MESSAGE nonces: a fixed prefix and an 8-byte counter), computing the same
 * XSalsa20-Poly1305 boxes as {@link sealInPlace} and {@link openBox}.
 *
 * XSalsa20 with a 24-byte nonce is Salsa20 keyed with HSalsa20(key, the
 * nonce's first 16 bytes) over its last 8 bytes. With the prefix fixed, that
 * subkey is computed once here instead of for every message; what remains
 * per message is one pass of Salsa20 and one of Poly1305.
 */
export class PrefixedBoxKey {
  private readonly subkey = new Uint32Array(8);

  /**
   * @param key the box key (as from {@link boxKey})
   * @param prefix the first 16 bytes of every nonce used with it
   */
  constructor(key: Uint8Array, prefix: Uint8Array) {
    const keyWords = wordsOf(key);
    const prefixWords = wordsOf(prefix);
    hsalsa20(keyWords, prefixWords, this.subkey);
    keyWords.fill(0);
  }

  /**
   * Encrypts in place, as {@link sealInPlace}: `buffer[32..]` holds the
   * plaintext on entry and the ciphertext on return, `buffer[16..32)` the
   * MAC, `buffer[0..16)` zeros. `counter` is the nonce's last 8 bytes.
   */
  seal(counter: Uint8Array, buffer: Uint8Array): void {
    this.sealInto(counter, buffer, buffer.length, EMPTY);
  }

  /**
   * Seals the message `dest[32..from)` followed by `source` into `dest`
   * (`dest.length` is `from + source.length`, `from` ≥ 32): as
   * {@link seal} on `dest` with `source` copied to `dest[from..)`, without
   * that copy where WebAssembly boxes it (`source` goes straight into the
   * module's memory). `dest` must start at a 4-byte aligned offset.
   */
  sealInto(counter: Uint8Array, dest: Uint8Array, from: number, source: Uint8Array): void {
    const n0 = readLE32(counter, 0), n1 = readLE32(counter, 4);
    const wasm = viaWasm(dest);
    if (wasm !== null) return wasm.sealInto(this.subkey, n0, n1, dest, from, source);
    if (source.length > 0) dest.set(source, from);
    sealWithSubkey(this.subkey, n0, n1, dest);
  }

  /**
   * Opens a box (MAC followed by ciphertext), as {@link openBox}: a view of
   * the plaintext in a fresh buffer, or null when the box does not
   * authenticate.
   */
  open(counter: Uint8Array, box: Uint8Array): Uint8Array | null {
    if (box.length < MAC_SIZE) return null;
    const out = new Uint8Array(box.length + 16);
    out.set(box, 16);
    return this.openInPlace(counter, out) ? out.subarray(32) : null;
  }

  /**
   * Opens in place, without allocating: `buffer[16..32)` holds the MAC and
   * `buffer[32..)` the ciphertext; true with the plaintext at `buffer[32..)`,
   * false (nothing decrypted) when the box does not authenticate. `buffer`
   * must start at a 4-byte aligned offset.
   */
  openInPlace(counter: Uint8Array, buffer: Uint8Array): boolean {
    return this.openInto(counter, buffer, buffer);
  }

  /**
   * Opens `box` (MAC at `box[16..32)`, ciphertext from 32; any offset) into
   * `dest`, as long as `box` (or `box` itself): true with the plaintext at
   * `dest[32..)`; false when the box does not authenticate, with no
   * plaintext in `dest` and `box` as it was. Where WebAssembly opens it the
   * box goes straight into the module's memory and the plaintext straight
   * into `dest`; otherwise `box` is copied into `dest` and opened there.
   * `dest` must start at a 4-byte aligned offset.
   */
  openInto(counter: Uint8Array, box: Uint8Array, dest: Uint8Array): boolean {
    const n0 = readLE32(counter, 0), n1 = readLE32(counter, 4);
    const wasm = viaWasm(box);
    if (wasm !== null) return wasm.openInto(this.subkey, n0, n1, box, dest);
    if (dest !== box) dest.set(box);
    return openWithSubkey(this.subkey, n0, n1, dest);
  }

  /** Forgets the subkey. */
  wipe(): void {
    this.subkey.fill(0);
  }
}

/**
 * Boxes of this many bytes (the 32 of NaCl's layout included: a CURVE
 * MESSAGE with a 64-byte body is a 97-byte box) and more are worked in
 * WebAssembly, where it is available. Measured crossover, CPU time per box:
 * 64 bytes 0.52 µs in JavaScript against 0.63 µs, 97 bytes 0.77 against
 * 0.66, 1057 bytes 4.3 against 2.1 (a WebAssembly call and its copies cost
 * about as much as 40 bytes of JavaScript Salsa20). `deno run -A
 * bench/curve_primitives.ts --boxes` measures both paths by size.
 */
export const WASM_FROM = 96;

const EMPTY = new Uint8Array(0);

function viaWasm(buffer: Uint8Array) {
  return buffer.length >= WASM_FROM && buffer.length < 2 ** 31 ? secretboxWasm() : null;
}

/** Boxes a plaintext: returns MAC followed by ciphertext. */
export function sealBox(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const buffer = new Uint8Array(plaintext.length + 32);
  buffer.set(plaintext, 32);
  sealInPlace(key, nonce, buffer);
  return buffer.subarray(16);
}

/** Constant-time comparison of two byte arrays of equal length. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

function readLE32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

/** Little-endian words of `bytes` (a copy: `bytes` may sit at any offset). */
function wordsOf(bytes: Uint8Array): Uint32Array {
  const words = new Uint32Array(bytes.length >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = readLE32(bytes, i * 4);
  return words;
}

function fromBase64Url(text: string): Uint8Array {
  const raw = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}
