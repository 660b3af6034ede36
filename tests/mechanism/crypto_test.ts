import assert from "node:assert/strict";
import {
  boxKey,
  nobleX25519,
  openBox,
  PrefixedBoxKey,
  randomBytes,
  sealBox,
  webCryptoX25519,
  x25519Backend,
} from "../../src/mechanism/crypto.ts";

const hex = (s: string) => new Uint8Array(s.match(/../g)!.map((h) => parseInt(h, 16)));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

// NaCl's crypto_box test (tests/box.c, box7.c): Alice's secret, Bob's public key.
const ALICE_SECRET = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
const BOB_PUBLIC = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
const BEFORENM = "1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389";
const NONCE = hex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
const MESSAGE = hex(
  "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc" +
    "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31" +
    "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde" +
    "048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f93776384864" +
    "5e0705",
);
const BOX_START = "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce";

Deno.test("boxKey is NaCl's crypto_box_beforenm, with either X25519 backend", async () => {
  assert.equal(toHex(await boxKey(BOB_PUBLIC, ALICE_SECRET, nobleX25519)), BEFORENM);
  assert.equal(toHex(await boxKey(BOB_PUBLIC, ALICE_SECRET, webCryptoX25519)), BEFORENM);
});

Deno.test("sealBox gives NaCl's crypto_box output: MAC then ciphertext", () => {
  const box = sealBox(hex(BEFORENM), NONCE, MESSAGE);
  assert.equal(box.length, MESSAGE.length + 16);
  assert.equal(toHex(box.subarray(0, 32)), BOX_START);
});

Deno.test("openBox returns the plaintext of an intact box", () => {
  const box = sealBox(hex(BEFORENM), NONCE, MESSAGE);
  assert.deepEqual(openBox(hex(BEFORENM), NONCE, box), MESSAGE);
});

Deno.test("openBox refuses an altered box, a wrong nonce and a short box", () => {
  const key = hex(BEFORENM);
  const box = sealBox(key, NONCE, MESSAGE);
  for (const at of [0, 15, 16, box.length - 1]) {
    const altered = box.slice();
    altered[at] ^= 1;
    assert.equal(openBox(key, NONCE, altered), null, `byte ${at} altered`);
  }
  const otherNonce = NONCE.slice();
  otherNonce[23] ^= 1;
  assert.equal(openBox(key, otherNonce, box), null);
  assert.equal(openBox(key, NONCE, box.subarray(0, 15)), null);
});

Deno.test("WebCrypto and noble agree on X25519 for fresh keys", async () => {
  for (let i = 0; i < 5; i++) {
    const a = await webCryptoX25519.generate();
    const b = await nobleX25519.generate();
    assert.deepEqual(await nobleX25519.publicKey(a.secretKey), a.publicKey);
    assert.deepEqual(await webCryptoX25519.publicKey(b.secretKey), b.publicKey);
    assert.deepEqual(
      await webCryptoX25519.agree(a.secretKey, b.publicKey),
      await nobleX25519.agree(b.secretKey, a.publicKey),
    );
  }
});

Deno.test("Deno gets the WebCrypto X25519 backend", async () => {
  assert.equal((await x25519Backend()).name, "webcrypto");
});

Deno.test("both backends refuse a low-order public key", async () => {
  const secret = randomBytes(32);
  for (const backend of [nobleX25519, webCryptoX25519]) {
    await assert.rejects(() => backend.agree(secret, new Uint8Array(32)), backend.name);
  }
});

Deno.test("PrefixedBoxKey seals NaCl's crypto_box output (the NaCl test vector)", () => {
  const boxer = new PrefixedBoxKey(hex(BEFORENM), NONCE.subarray(0, 16));
  const buffer = new Uint8Array(MESSAGE.length + 32);
  buffer.set(MESSAGE, 32);
  boxer.seal(NONCE.subarray(16), buffer);
  assert.deepEqual(buffer.subarray(16), sealBox(hex(BEFORENM), NONCE, MESSAGE));
  assert.equal(toHex(buffer.subarray(16, 48)), BOX_START);
});

Deno.test("PrefixedBoxKey and sealBox/openBox make and open the same boxes, any length", () => {
  const key = randomBytes(32);
  const nonce = randomBytes(24);
  const boxer = new PrefixedBoxKey(key, nonce.subarray(0, 16));
  for (const length of [0, 1, 31, 32, 33, 63, 64, 65, 200, 1000, 4096]) {
    const plain = randomBytes(length);
    const buffer = new Uint8Array(length + 32);
    buffer.set(plain, 32);
    boxer.seal(nonce.subarray(16), buffer);
    const box = buffer.subarray(16);
    assert.deepEqual(box, sealBox(key, nonce, plain), `seal, ${length} bytes`);
    assert.deepEqual(boxer.open(nonce.subarray(16), box), plain, `open, ${length} bytes`);
    assert.deepEqual(openBox(key, nonce, box), plain);
  }
});

Deno.test("PrefixedBoxKey sealInto/openInto: the same boxes from a split message, opened into another buffer", () => {
  const key = randomBytes(32);
  const nonce = randomBytes(24);
  const boxer = new PrefixedBoxKey(key, nonce.subarray(0, 16));
  const counter = nonce.subarray(16);
  // below WASM_FROM in JavaScript, above it in WebAssembly where there is one
  for (const length of [0, 1, 30, 63, 64, 65, 1000, 60_000]) {
    const plain = randomBytes(length);
    const head = Math.min(length, 3);
    const dest = new Uint8Array(length + 32);
    dest.set(plain.subarray(0, head), 32);
    boxer.sealInto(counter, dest, 32 + head, plain.slice(head));
    const box = dest.subarray(16);
    assert.deepEqual(box, sealBox(key, nonce, plain), `sealInto, ${length} bytes`);
    const opened = new Uint8Array(length + 32);
    assert.ok(boxer.openInto(counter, dest, opened), `openInto, ${length} bytes`);
    assert.deepEqual(opened.subarray(32), plain);
    dest[dest.length - 1] ^= 1;
    const refused = new Uint8Array(length + 32);
    assert.equal(boxer.openInto(counter, dest, refused), false, `altered, ${length} bytes`);
  }
});

Deno.test("PrefixedBoxKey refuses an altered box, another counter, another prefix, a short box", () => {
  const key = hex(BEFORENM);
  const box = sealBox(key, NONCE, MESSAGE);
  const boxer = new PrefixedBoxKey(key, NONCE.subarray(0, 16));
  const counter = NONCE.subarray(16);
  for (const at of [0, 15, 16, box.length - 1]) {
    const altered = box.slice();
    altered[at] ^= 1;
    assert.equal(boxer.open(counter, altered), null, `byte ${at} altered`);
  }
  const otherCounter = counter.slice();
  otherCounter[7] ^= 1;
  assert.equal(boxer.open(otherCounter, box), null);
  const otherPrefix = NONCE.slice(0, 16);
  otherPrefix[0] ^= 1;
  assert.equal(new PrefixedBoxKey(key, otherPrefix).open(counter, box), null);
  assert.equal(boxer.open(counter, box.subarray(0, 15)), null);
});
