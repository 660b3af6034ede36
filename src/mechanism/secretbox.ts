/**
 * XSalsa20-Poly1305 (NaCl's `crypto_secretbox`), fused and allocation-free:
 * the one cipher CURVE boxes every frame with.
 *
 * Why our own: `@noble/ciphers` builds a cipher object, a Poly1305 instance
 * and copies per call, and its Poly1305 multiplies in 13-bit limbs (100
 * products per 16 bytes). Here the Salsa20 core runs on local variables, the
 * keystream is XORed a word at a time into the caller's buffer, and Poly1305
 * keeps its accumulator in six 22-bit limbs held in doubles: every product
 * and every sum of six is an integer below 2^53, so float arithmetic is exact
 * (the bound is worked out at {@link poly1305}); 36 products per block.
 * Poly1305 over doubles is how Bernstein first implemented it (poly1305-53).
 * Checked against NaCl's and RFC 8439's vectors and, on random and extreme
 * inputs, against `@noble/ciphers` (tests/mechanism/secretbox_test.ts).
 *
 * Layout, as NaCl's `crypto_secretbox`: the box is worked in a buffer whose
 * first 32 bytes are scratch (zeros on entry): the keystream's first 32 bytes
 * there become the Poly1305 key, the message follows from byte 32. Buffers
 * must start at a 4-byte aligned offset (fresh buffers do).
 *
 * @module
 */

/** Little-endian words are read through `Uint32Array` views. */
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error("CURVE needs a little-endian platform");
}

/** Bytes of the Poly1305 tag. */
export const TAG_SIZE = 16;

// "expand 32-byte k"
const S0 = 0x61707865;
const S1 = 0x3320646e;
const S2 = 0x79622d32;
const S3 = 0x6b206574;

/** One keystream block (or, when `hsalsa`, its HSalsa20 words), reused. */
const block = new Uint32Array(16);
const blockBytes = new Uint8Array(block.buffer);

/**
 * The Salsa20/20 core over key `k` (8 words) with input words 6–9 given: the
 * nonce and block counter for Salsa20, the 16-byte nonce for HSalsa20. Writes
 * the 16 output words to `block`, or for HSalsa20 the 8 words of its subkey.
 */
function core(k: Uint32Array, i6: number, i7: number, i8: number, i9: number, hsalsa: boolean) {
  const j1 = k[0], j2 = k[1], j3 = k[2], j4 = k[3];
  const j11 = k[4], j12 = k[5], j13 = k[6], j14 = k[7];
  let x0 = S0, x1 = j1, x2 = j2, x3 = j3, x4 = j4, x5 = S1, x6 = i6, x7 = i7;
  let x8 = i8, x9 = i9, x10 = S2, x11 = j11, x12 = j12, x13 = j13, x14 = j14, x15 = S3;
  let u: number;
  for (let round = 0; round < 20; round += 2) {
    // columns
    u = (x0 + x12) | 0, x4 ^= (u << 7) | (u >>> 25);
    u = (x4 + x0) | 0, x8 ^= (u << 9) | (u >>> 23);
    u = (x8 + x4) | 0, x12 ^= (u << 13) | (u >>> 19);
    u = (x12 + x8) | 0, x0 ^= (u << 18) | (u >>> 14);
    u = (x5 + x1) | 0, x9 ^= (u << 7) | (u >>> 25);
    u = (x9 + x5) | 0, x13 ^= (u << 9) | (u >>> 23);
    u = (x13 + x9) | 0, x1 ^= (u << 13) | (u >>> 19);
    u = (x1 + x13) | 0, x5 ^= (u << 18) | (u >>> 14);
    u = (x10 + x6) | 0, x14 ^= (u << 7) | (u >>> 25);
    u = (x14 + x10) | 0, x2 ^= (u << 9) | (u >>> 23);
    u = (x2 + x14) | 0, x6 ^= (u << 13) | (u >>> 19);
    u = (x6 + x2) | 0, x10 ^= (u << 18) | (u >>> 14);
    u = (x15 + x11) | 0, x3 ^= (u << 7) | (u >>> 25);
    u = (x3 + x15) | 0, x7 ^= (u << 9) | (u >>> 23);
    u = (x7 + x3) | 0, x11 ^= (u << 13) | (u >>> 19);
    u = (x11 + x7) | 0, x15 ^= (u << 18) | (u >>> 14);
    // rows
    u = (x0 + x3) | 0, x1 ^= (u << 7) | (u >>> 25);
    u = (x1 + x0) | 0, x2 ^= (u << 9) | (u >>> 23);
    u = (x2 + x1) | 0, x3 ^= (u << 13) | (u >>> 19);
    u = (x3 + x2) | 0, x0 ^= (u << 18) | (u >>> 14);
    u = (x5 + x4) | 0, x6 ^= (u << 7) | (u >>> 25);
    u = (x6 + x5) | 0, x7 ^= (u << 9) | (u >>> 23);
    u = (x7 + x6) | 0, x4 ^= (u << 13) | (u >>> 19);
    u = (x4 + x7) | 0, x5 ^= (u << 18) | (u >>> 14);
    u = (x10 + x9) | 0, x11 ^= (u << 7) | (u >>> 25);
    u = (x11 + x10) | 0, x8 ^= (u << 9) | (u >>> 23);
    u = (x8 + x11) | 0, x9 ^= (u << 13) | (u >>> 19);
    u = (x9 + x8) | 0, x10 ^= (u << 18) | (u >>> 14);
    u = (x15 + x14) | 0, x12 ^= (u << 7) | (u >>> 25);
    u = (x12 + x15) | 0, x13 ^= (u << 9) | (u >>> 23);
    u = (x13 + x12) | 0, x14 ^= (u << 13) | (u >>> 19);
    u = (x14 + x13) | 0, x15 ^= (u << 18) | (u >>> 14);
  }
  const out = block;
  if (hsalsa) {
    out[0] = x0, out[1] = x5, out[2] = x10, out[3] = x15;
    out[4] = x6, out[5] = x7, out[6] = x8, out[7] = x9;
    return;
  }
  out[0] = x0 + S0, out[1] = x1 + j1, out[2] = x2 + j2, out[3] = x3 + j3;
  out[4] = x4 + j4, out[5] = x5 + S1, out[6] = x6 + i6, out[7] = x7 + i7;
  out[8] = x8 + i8, out[9] = x9 + i9, out[10] = x10 + S2, out[11] = x11 + j11;
  out[12] = x12 + j12, out[13] = x13 + j13, out[14] = x14 + j14, out[15] = x15 + S3;
}

/**
 * HSalsa20: the 32-byte subkey of `key` (8 words) and a 16-byte nonce (4
 * words), as 8 words. XSalsa20 with a 24-byte nonce is Salsa20 keyed with
 * this subkey over the nonce's last 8 bytes.
 */
export function hsalsa20(key: Uint32Array, nonce: Uint32Array, out: Uint32Array): void {
  core(key, nonce[0], nonce[1], nonce[2], nonce[3], true);
  out.set(block.subarray(0, 8));
  block.fill(0);
}

/**
 * XORs the Salsa20 keystream of `subkey` and nonce words `n0, n1` into
 * `bytes[from..)` (`words` views the same bytes), starting at keystream
 * byte `from`, a multiple of 64.
 */
function xorKeystream(
  subkey: Uint32Array,
  n0: number,
  n1: number,
  words: Uint32Array,
  bytes: Uint8Array,
  from: number,
): void {
  const end = bytes.length;
  const wholeWords = end >>> 2;
  let counter = Math.floor(from / 64);
  let w = from >>> 2;
  while (w < wholeWords) {
    core(subkey, n0, n1, counter >>> 0, (counter / 0x100000000) >>> 0, false);
    counter++;
    const stop = Math.min(wholeWords, (w & ~15) + 16);
    for (let i = w & 15; w < stop; w++, i++) words[w] ^= block[i];
  }
  let b = w << 2;
  if (b < end) {
    if ((b & 63) === 0) {
      core(subkey, n0, n1, counter >>> 0, (counter / 0x100000000) >>> 0, false);
    }
    for (; b < end; b++) bytes[b] ^= blockBytes[b & 63];
  }
  block.fill(0);
}

const M22 = 0x3fffff;
const TWO22 = 4194304;
const INV22 = 1 / TWO22;
/** x + ROUND − ROUND is x rounded to a multiple of 2^22, for |x| < 2^73. */
const ROUND = 3 * 2 ** 73;

/** Poly1305 tag words, reused. */
const tag = new Uint32Array(4);
/**
 * Poly1305 state: h0..h5, r0..r5, s1..s5 (s_j = 20·r_j), then the same limbs
 * of r² (signed, |limb| < 2^22) and its s: r² lets two blocks share one carry.
 */
const poly = new Float64Array(34);
/** The last, partial block: its bytes, then 1, then zeros. */
const pad = new Uint32Array(4);
const padBytes = new Uint8Array(pad.buffer);

/**
 * Poly1305 of `bytes[from..)` (`words` views the same bytes; `from` is a
 * multiple of 4) under the one-time key in `key[0..8)`; the tag lands in
 * `tag`.
 *
 * The accumulator h and r are six limbs of 22 bits (h = Σ h_i·2^(22i), 132
 * bits); 2^132 ≡ 20 (mod 2^130 − 5), so s_j = 20·r_j folds the high
 * products back. Carrying rounds each column to the nearest multiple of 2^22
 * (adding and subtracting 3·2^73 does that exactly in a double), so the limbs
 * are signed. Exactness: clamped r < 2^124, so r_0..r_4 < 2^22, r_5 < 2^14,
 * s_j < 2^26.33. After two carry rounds |h_i| ≤ 2^21 + 2^12.4; with a
 * message limb (< 2^22) added, −2^21.01 < h_i < 2^22.6. Each product is
 * then below 2^48.93 in size and each column sum of six below 2^51.6: exact
 * in a double, as is every carry.
 */
function poly1305(key: Uint32Array, words: Uint32Array, bytes: Uint8Array, from: number): void {
  const t0 = key[0] & 0x0fffffff, t1 = key[1] & 0x0ffffffc;
  const t2 = key[2] & 0x0ffffffc, t3 = key[3] & 0x0ffffffc;
  const r0 = t0 & M22;
  const r1 = ((t0 >>> 22) | (t1 << 10)) & M22;
  const r2 = ((t1 >>> 12) | (t2 << 20)) & M22;
  const r3 = (t2 >>> 2) & M22;
  const r4 = ((t2 >>> 24) | (t3 << 8)) & M22;
  const r5 = t3 >>> 14;
  const p = poly;
  p.fill(0, 0, 6);
  p[6] = r0, p[7] = r1, p[8] = r2, p[9] = r3, p[10] = r4, p[11] = r5;
  p[12] = 20 * r1, p[13] = 20 * r2, p[14] = 20 * r3, p[15] = 20 * r4, p[16] = 20 * r5;
  const end = bytes.length;
  const whole = from + ((end - from) & ~15);
  let w = from >>> 2;
  if (whole - from >= PAIRS_FROM) {
    squareR();
    const pairsEnd = w + ((((whole - from) >>> 5) << 5) >>> 2);
    polyPairs(words, w, pairsEnd);
    w = pairsEnd;
  }
  polyBlocks(words, w, whole >>> 2, 1 << 18);
  if (whole < end) {
    for (let i = whole; i < end; i++) padBytes[i - whole] = bytes[i];
    padBytes[end - whole] = 1;
    polyBlocks(pad, 0, 4, 0);
    pad.fill(0);
  }
  polyFinish(key);
  p.fill(0);
}

/** Absorbs the 16-byte blocks in `words[from..end)`, each with `hibit` (2^128 or 0). */
function polyBlocks(words: Uint32Array, from: number, end: number, hibit: number): void {
  const p = poly;
  let h0 = p[0], h1 = p[1], h2 = p[2], h3 = p[3], h4 = p[4], h5 = p[5];
  const r0 = p[6], r1 = p[7], r2 = p[8], r3 = p[9], r4 = p[10], r5 = p[11];
  const s1 = p[12], s2 = p[13], s3 = p[14], s4 = p[15], s5 = p[16];
  for (let w = from; w < end; w += 4) {
    const w0 = words[w], w1 = words[w + 1], w2 = words[w + 2], w3 = words[w + 3];
    h0 += w0 & M22;
    h1 += ((w0 >>> 22) | (w1 << 10)) & M22;
    h2 += ((w1 >>> 12) | (w2 << 20)) & M22;
    h3 += (w2 >>> 2) & M22;
    h4 += ((w2 >>> 24) | (w3 << 8)) & M22;
    h5 += (w3 >>> 14) + hibit;

    // Summed as trees (exact integers, so the order is free): shorter chains.
    const d0 = (h0 * r0 + h1 * s5) + (h2 * s4 + h3 * s3) + (h4 * s2 + h5 * s1);
    const d1 = (h0 * r1 + h1 * r0) + (h2 * s5 + h3 * s4) + (h4 * s3 + h5 * s2);
    const d2 = (h0 * r2 + h1 * r1) + (h2 * r0 + h3 * s5) + (h4 * s4 + h5 * s3);
    const d3 = (h0 * r3 + h1 * r2) + (h2 * r1 + h3 * r0) + (h4 * s5 + h5 * s4);
    const d4 = (h0 * r4 + h1 * r3) + (h2 * r2 + h3 * r1) + (h4 * r0 + h5 * s5);
    const d5 = (h0 * r5 + h1 * r4) + (h2 * r3 + h3 * r2) + (h4 * r1 + h5 * r0);

    // Two carry rounds, every column's at once (shorter chains than one
    // sequential pass): after the first |h_i| < 2^21 + 2^34.4, after the second
    // |h_i| ≤ 2^21 + 2^12.4.
    let c0 = (d0 + ROUND) - ROUND, c1 = (d1 + ROUND) - ROUND, c2 = (d2 + ROUND) - ROUND;
    let c3 = (d3 + ROUND) - ROUND, c4 = (d4 + ROUND) - ROUND, c5 = (d5 + ROUND) - ROUND;
    h0 = d0 - c0 + c5 * INV22 * 20, h1 = d1 - c1 + c0 * INV22, h2 = d2 - c2 + c1 * INV22;
    h3 = d3 - c3 + c2 * INV22, h4 = d4 - c4 + c3 * INV22, h5 = d5 - c5 + c4 * INV22;
    c0 = (h0 + ROUND) - ROUND, c1 = (h1 + ROUND) - ROUND, c2 = (h2 + ROUND) - ROUND;
    c3 = (h3 + ROUND) - ROUND, c4 = (h4 + ROUND) - ROUND, c5 = (h5 + ROUND) - ROUND;
    h0 += c5 * INV22 * 20 - c0, h1 += c0 * INV22 - c1, h2 += c1 * INV22 - c2;
    h3 += c2 * INV22 - c3, h4 += c3 * INV22 - c4, h5 += c4 * INV22 - c5;
  }
  p[0] = h0, p[1] = h1, p[2] = h2, p[3] = h3, p[4] = h4, p[5] = h5;
}

/** Below this many bytes, squaring r costs more than pairing blocks saves. */
const PAIRS_FROM = 256;

/** r² into poly[17..34): r times r, carried as a block is (signed limbs). */
function squareR(): void {
  const p = poly;
  const r0 = p[6], r1 = p[7], r2 = p[8], r3 = p[9], r4 = p[10], r5 = p[11];
  const s1 = p[12], s2 = p[13], s3 = p[14], s4 = p[15], s5 = p[16];
  const d0 = (r0 * r0 + r1 * s5) + (r2 * s4 + r3 * s3) + (r4 * s2 + r5 * s1);
  const d1 = (r0 * r1 + r1 * r0) + (r2 * s5 + r3 * s4) + (r4 * s3 + r5 * s2);
  const d2 = (r0 * r2 + r1 * r1) + (r2 * r0 + r3 * s5) + (r4 * s4 + r5 * s3);
  const d3 = (r0 * r3 + r1 * r2) + (r2 * r1 + r3 * r0) + (r4 * s5 + r5 * s4);
  const d4 = (r0 * r4 + r1 * r3) + (r2 * r2 + r3 * r1) + (r4 * r0 + r5 * s5);
  const d5 = (r0 * r5 + r1 * r4) + (r2 * r3 + r3 * r2) + (r4 * r1 + r5 * r0);
  let c0 = (d0 + ROUND) - ROUND, c1 = (d1 + ROUND) - ROUND, c2 = (d2 + ROUND) - ROUND;
  let c3 = (d3 + ROUND) - ROUND, c4 = (d4 + ROUND) - ROUND, c5 = (d5 + ROUND) - ROUND;
  let h0 = d0 - c0 + c5 * INV22 * 20, h1 = d1 - c1 + c0 * INV22, h2 = d2 - c2 + c1 * INV22;
  let h3 = d3 - c3 + c2 * INV22, h4 = d4 - c4 + c3 * INV22, h5 = d5 - c5 + c4 * INV22;
  c0 = (h0 + ROUND) - ROUND, c1 = (h1 + ROUND) - ROUND, c2 = (h2 + ROUND) - ROUND;
  c3 = (h3 + ROUND) - ROUND, c4 = (h4 + ROUND) - ROUND, c5 = (h5 + ROUND) - ROUND;
  h0 += c5 * INV22 * 20 - c0, h1 += c0 * INV22 - c1, h2 += c1 * INV22 - c2;
  h3 += c2 * INV22 - c3, h4 += c3 * INV22 - c4, h5 += c4 * INV22 - c5;
  p[17] = h0, p[18] = h1, p[19] = h2, p[20] = h3, p[21] = h4, p[22] = h5;
  p[23] = 20 * h1, p[24] = 20 * h2, p[25] = 20 * h3, p[26] = 20 * h4, p[27] = 20 * h5;
}

/**
 * Absorbs pairs of full blocks in `words[from..end)`: h ← (h + m1)·r² + m2·r,
 * one carry per pair. Bound: |(h + m1)·r²| terms < 2^48.93 and m2·r terms <
 * 2^48.33, so a column of twelve stays below 2^52.3: still exact.
 */
function polyPairs(words: Uint32Array, from: number, end: number): void {
  const p = poly;
  let h0 = p[0], h1 = p[1], h2 = p[2], h3 = p[3], h4 = p[4], h5 = p[5];
  const r0 = p[6], r1 = p[7], r2 = p[8], r3 = p[9], r4 = p[10], r5 = p[11];
  const s1 = p[12], s2 = p[13], s3 = p[14], s4 = p[15], s5 = p[16];
  const q0 = p[17], q1 = p[18], q2 = p[19], q3 = p[20], q4 = p[21], q5 = p[22];
  const t1 = p[23], t2 = p[24], t3 = p[25], t4 = p[26], t5 = p[27];
  const hibit = 1 << 18;
  for (let w = from; w < end; w += 8) {
    let w0 = words[w], w1 = words[w + 1], w2 = words[w + 2], w3 = words[w + 3];
    h0 += w0 & M22;
    h1 += ((w0 >>> 22) | (w1 << 10)) & M22;
    h2 += ((w1 >>> 12) | (w2 << 20)) & M22;
    h3 += (w2 >>> 2) & M22;
    h4 += ((w2 >>> 24) | (w3 << 8)) & M22;
    h5 += (w3 >>> 14) + hibit;
    w0 = words[w + 4], w1 = words[w + 5], w2 = words[w + 6], w3 = words[w + 7];
    const m0 = w0 & M22;
    const m1 = ((w0 >>> 22) | (w1 << 10)) & M22;
    const m2 = ((w1 >>> 12) | (w2 << 20)) & M22;
    const m3 = (w2 >>> 2) & M22;
    const m4 = ((w2 >>> 24) | (w3 << 8)) & M22;
    const m5 = (w3 >>> 14) + hibit;

    const d0 = (h0 * q0 + h1 * t5) + (h2 * t4 + h3 * t3) + (h4 * t2 + h5 * t1) +
      ((m0 * r0 + m1 * s5) + (m2 * s4 + m3 * s3) + (m4 * s2 + m5 * s1));
    const d1 = (h0 * q1 + h1 * q0) + (h2 * t5 + h3 * t4) + (h4 * t3 + h5 * t2) +
      ((m0 * r1 + m1 * r0) + (m2 * s5 + m3 * s4) + (m4 * s3 + m5 * s2));
    const d2 = (h0 * q2 + h1 * q1) + (h2 * q0 + h3 * t5) + (h4 * t4 + h5 * t3) +
      ((m0 * r2 + m1 * r1) + (m2 * r0 + m3 * s5) + (m4 * s4 + m5 * s3));
    const d3 = (h0 * q3 + h1 * q2) + (h2 * q1 + h3 * q0) + (h4 * t5 + h5 * t4) +
      ((m0 * r3 + m1 * r2) + (m2 * r1 + m3 * r0) + (m4 * s5 + m5 * s4));
    const d4 = (h0 * q4 + h1 * q3) + (h2 * q2 + h3 * q1) + (h4 * q0 + h5 * t5) +
      ((m0 * r4 + m1 * r3) + (m2 * r2 + m3 * r1) + (m4 * r0 + m5 * s5));
    const d5 = (h0 * q5 + h1 * q4) + (h2 * q3 + h3 * q2) + (h4 * q1 + h5 * q0) +
      ((m0 * r5 + m1 * r4) + (m2 * r3 + m3 * r2) + (m4 * r1 + m5 * r0));

    let c0 = (d0 + ROUND) - ROUND, c1 = (d1 + ROUND) - ROUND, c2 = (d2 + ROUND) - ROUND;
    let c3 = (d3 + ROUND) - ROUND, c4 = (d4 + ROUND) - ROUND, c5 = (d5 + ROUND) - ROUND;
    h0 = d0 - c0 + c5 * INV22 * 20, h1 = d1 - c1 + c0 * INV22, h2 = d2 - c2 + c1 * INV22;
    h3 = d3 - c3 + c2 * INV22, h4 = d4 - c4 + c3 * INV22, h5 = d5 - c5 + c4 * INV22;
    c0 = (h0 + ROUND) - ROUND, c1 = (h1 + ROUND) - ROUND, c2 = (h2 + ROUND) - ROUND;
    c3 = (h3 + ROUND) - ROUND, c4 = (h4 + ROUND) - ROUND, c5 = (h5 + ROUND) - ROUND;
    h0 += c5 * INV22 * 20 - c0, h1 += c0 * INV22 - c1, h2 += c1 * INV22 - c2;
    h3 += c2 * INV22 - c3, h4 += c3 * INV22 - c4, h5 += c4 * INV22 - c5;
  }
  p[0] = h0, p[1] = h1, p[2] = h2, p[3] = h3, p[4] = h4, p[5] = h5;
}

/** h mod 2^130 − 5, plus the key's second half, mod 2^128: the tag. */
function polyFinish(key: Uint32Array): void {
  const p = poly;
  // Make the signed limbs non-negative (floor carries, folding 2^130 ≡ 5):
  // the first pass brings h into [−10, 2^130 + 40), the next two settle it.
  let f0 = p[0], f1 = p[1], f2 = p[2], f3 = p[3], f4 = p[4], f5 = p[5];
  for (let pass = 0; pass < 3; pass++) {
    let c = Math.floor(f0 * INV22);
    f0 -= c * TWO22, f1 += c, c = Math.floor(f1 * INV22), f1 -= c * TWO22, f2 += c;
    c = Math.floor(f2 * INV22), f2 -= c * TWO22, f3 += c, c = Math.floor(f3 * INV22);
    f3 -= c * TWO22, f4 += c, c = Math.floor(f4 * INV22), f4 -= c * TWO22, f5 += c;
    c = Math.floor(f5 / 1048576), f5 -= c * 1048576, f0 += 5 * c;
  }
  let h0 = f0 | 0, h1 = f1 | 0, h2 = f2 | 0, h3 = f3 | 0, h4 = f4 | 0, h5 = f5 | 0;
  // Fully carry (limbs < 2^22, h < 2^132), fold bits 130 and up twice, then
  // subtract p once if h ≥ p: h + 5 reaches 2^130 exactly then.
  let c = h0 >>> 22;
  h0 &= M22, h1 += c, c = h1 >>> 22, h1 &= M22, h2 += c, c = h2 >>> 22, h2 &= M22;
  h3 += c, c = h3 >>> 22, h3 &= M22, h4 += c, c = h4 >>> 22, h4 &= M22, h5 += c;
  for (let fold = 0; fold < 2; fold++) {
    c = h5 >>> 20, h5 &= 0xfffff, h0 += 5 * c;
    c = h0 >>> 22, h0 &= M22, h1 += c, c = h1 >>> 22, h1 &= M22, h2 += c;
    c = h2 >>> 22, h2 &= M22, h3 += c, c = h3 >>> 22, h3 &= M22, h4 += c;
    c = h4 >>> 22, h4 &= M22, h5 += c;
  }
  let g0 = h0 + 5;
  c = g0 >>> 22, g0 &= M22;
  let g1 = h1 + c;
  c = g1 >>> 22, g1 &= M22;
  let g2 = h2 + c;
  c = g2 >>> 22, g2 &= M22;
  let g3 = h3 + c;
  c = g3 >>> 22, g3 &= M22;
  let g4 = h4 + c;
  c = g4 >>> 22, g4 &= M22;
  const g5 = h5 + c;
  // keep h when g < 2^130 (mask all ones), else g (mask zero): no branch on secrets
  const keep = (g5 >>> 20) - 1;
  h0 = (h0 & keep) | (g0 & ~keep), h1 = (h1 & keep) | (g1 & ~keep);
  h2 = (h2 & keep) | (g2 & ~keep), h3 = (h3 & keep) | (g3 & ~keep);
  h4 = (h4 & keep) | (g4 & ~keep), h5 = (h5 & keep) | (g5 & ~keep);
  // h mod 2^128 as words, plus the key's second half
  let f = ((h0 | (h1 << 22)) >>> 0) + key[4];
  tag[0] = f;
  f = (((h1 >>> 10) | (h2 << 12)) >>> 0) + key[5] + (f > 0xffffffff ? 1 : 0);
  tag[1] = f;
  f = (((h2 >>> 20) | (h3 << 2) | (h4 << 24)) >>> 0) + key[6] + (f > 0xffffffff ? 1 : 0);
  tag[2] = f;
  f = (((h4 >>> 8) | (h5 << 14)) >>> 0) + key[7] + (f > 0xffffffff ? 1 : 0);
  tag[3] = f;
}

function wordsOf(bytes: Uint8Array): Uint32Array {
  if ((bytes.byteOffset & 3) !== 0) throw new RangeError("box buffer is not 4-byte aligned");
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
}

/** Keystream block 0: its first half keys Poly1305, its second encrypts bytes 32..64. */
const first = new Uint32Array(16);
const firstBytes = new Uint8Array(first.buffer);

function startBox(subkey: Uint32Array, n0: number, n1: number): void {
  core(subkey, n0, n1, 0, 0, false);
  first.set(block);
}

/** XORs the whole keystream from byte 32 on into `buffer[32..)`. */
function xorMessage(
  subkey: Uint32Array,
  n0: number,
  n1: number,
  words: Uint32Array,
  buffer: Uint8Array,
): void {
  const firstWords = Math.min(16, words.length);
  for (let i = 8; i < firstWords; i++) words[i] ^= first[i];
  const firstEnd = Math.min(64, buffer.length);
  for (let b = firstWords << 2; b < firstEnd; b++) buffer[b] ^= firstBytes[b];
  if (buffer.length > 64) xorKeystream(subkey, n0, n1, words, buffer, 64);
}

/**
 * Seals in place: on entry `buffer[32..)` holds the message; on return
 * `buffer[32..)` the ciphertext, `buffer[16..32)` the tag and
 * `buffer[0..16)` zeros. `subkey` is XSalsa20's (HSalsa20 of the key and the
 * nonce's first 16 bytes), `n0, n1` the nonce's last 8 bytes as words.
 */
export function sealWithSubkey(subkey: Uint32Array, n0: number, n1: number, buffer: Uint8Array) {
  const words = wordsOf(buffer);
  startBox(subkey, n0, n1);
  xorMessage(subkey, n0, n1, words, buffer);
  poly1305(first, words, buffer, 32);
  first.fill(0);
  words.fill(0, 0, 4);
  words.set(tag, 4);
  tag.fill(0);
}

/**
 * Opens in place: on entry `buffer[16..32)` holds the tag and `buffer[32..)`
 * the ciphertext; returns false (buffer untouched) when they do not
 * authenticate, true with the message in `buffer[32..)` when they do.
 */
export function openWithSubkey(
  subkey: Uint32Array,
  n0: number,
  n1: number,
  buffer: Uint8Array,
): boolean {
  const words = wordsOf(buffer);
  startBox(subkey, n0, n1);
  poly1305(first, words, buffer, 32);
  const diff = (tag[0] ^ words[4]) | (tag[1] ^ words[5]) | (tag[2] ^ words[6]) |
    (tag[3] ^ words[7]);
  tag.fill(0);
  if (diff === 0) xorMessage(subkey, n0, n1, words, buffer);
  first.fill(0);
  return diff === 0;
}

/** Poly1305 of `message` under a 32-byte one-time key (for the tests' vectors). */
export function poly1305Tag(key: Uint8Array, message: Uint8Array): Uint8Array {
  const padded = new Uint8Array(message.length + 32);
  padded.set(key);
  padded.set(message, 32);
  const words = wordsOf(padded);
  poly1305(words.slice(0, 8), words, padded, 32);
  const out = new Uint8Array(tag.buffer.slice(0));
  tag.fill(0);
  return out;
}
