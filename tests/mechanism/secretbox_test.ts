import assert from "node:assert/strict";
// The reference the fused code is checked against (a test-only import).
// deno-lint-ignore no-import-prefix
import { xsalsa20poly1305 } from "npm:@noble/ciphers@2.4.0/salsa.js";
// deno-lint-ignore no-import-prefix
import { poly1305 } from "npm:@noble/ciphers@2.4.0/_poly1305.js";
import {
  hsalsa20,
  openWithSubkey,
  poly1305Tag,
  sealWithSubkey,
} from "../../src/mechanism/secretbox.ts";
import { secretboxWasm } from "../../src/mechanism/secretbox_wasm.ts";

/** The two implementations of one contract; every test below runs through each. */
interface Path {
  name: string;
  seal: typeof sealWithSubkey;
  open: typeof openWithSubkey;
  poly1305Tag: typeof poly1305Tag;
}
const wasm = secretboxWasm();
const PATHS: Path[] = [
  { name: "JavaScript", seal: sealWithSubkey, open: openWithSubkey, poly1305Tag },
  {
    name: "WebAssembly",
    seal: (...args) => wasm!.seal(...args),
    open: (...args) => wasm!.open(...args),
    poly1305Tag: (key, message) => wasm!.poly1305Tag(key, message),
  },
];
/** Skips the WebAssembly path, saying why, where this runtime cannot run it. */
const ignore = (path: Path) => path.name === "WebAssembly" && wasm === null;

const hex = (s: string) => new Uint8Array(s.match(/../g)!.map((h) => parseInt(h, 16)));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const words = (b: Uint8Array) => new Uint32Array(b.slice().buffer);
const zeros = (n: number) => "00".repeat(n);
const ones = (n: number) => "ff".repeat(n);

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let at = 0; at < n; at += 65536) {
    crypto.getRandomValues(out.subarray(at, Math.min(n, at + 65536)));
  }
  return out;
}

/** NaCl's secretbox through one path's functions: MAC then ciphertext. */
function seal(path: Path, key: Uint8Array, nonce: Uint8Array, message: Uint8Array): Uint8Array {
  const subkey = new Uint32Array(8);
  hsalsa20(words(key), words(nonce.subarray(0, 16)), subkey);
  const [n0, n1] = words(nonce.subarray(16));
  const buffer = new Uint8Array(message.length + 32);
  buffer.set(message, 32);
  path.seal(subkey, n0, n1, buffer);
  assert.deepEqual(buffer.subarray(0, 16), new Uint8Array(16), "the first 16 bytes end as zeros");
  return buffer.subarray(16);
}

function open(
  path: Path,
  key: Uint8Array,
  nonce: Uint8Array,
  box: Uint8Array,
): Uint8Array | null {
  const subkey = new Uint32Array(8);
  hsalsa20(words(key), words(nonce.subarray(0, 16)), subkey);
  const [n0, n1] = words(nonce.subarray(16));
  const buffer = new Uint8Array(box.length + 16);
  buffer.set(box, 16);
  return path.open(subkey, n0, n1, buffer) ? buffer.subarray(32) : null;
}

// NaCl's tests/box.c: the crypto_box_beforenm key, nonce, message and the whole box.
const NACL_KEY = hex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
const NACL_NONCE = hex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
const NACL_MESSAGE = hex(
  "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e" +
    "6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a" +
    "838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705",
);
const NACL_BOX =
  "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8" +
  "c531a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab9" +
  "32164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b37973f622a43d14" +
  "a6599b1f654cb45a74e355a5";

for (const path of PATHS) {
  Deno.test({
    name: `${path.name}: the secretbox gives NaCl's box for NaCl's test vector, and opens it`,
    ignore: ignore(path),
    fn() {
      assert.equal(toHex(seal(path, NACL_KEY, NACL_NONCE, NACL_MESSAGE)), NACL_BOX);
      assert.deepEqual(open(path, NACL_KEY, NACL_NONCE, hex(NACL_BOX)), NACL_MESSAGE);
    },
  });

  Deno.test({
    name:
      `${path.name}: Poly1305 gives RFC 8439's tags, the carry and reduction edge cases included`,
    ignore: ignore(path),
    fn() {
      const text = new TextEncoder().encode("Cryptographic Forum Research Group");
      const rfcKey = hex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
      assert.equal(toHex(path.poly1305Tag(rfcKey, text)), "a8061dc1305136c6c22b8baf0c0127a9");
      const r1 = "01" + zeros(15), r2 = "02" + zeros(15);
      const r10 = "01" + zeros(7) + "04" + zeros(7);
      const blocks10 = "e33594d7505e43b9" + zeros(8) + "3394d7505e4379cd01" + zeros(7) + zeros(16);
      const vectors = [
        // A.3 #5–#11: partial reduction, s overflowing 2^128, carries into all-ones limbs,
        // a result of exactly 2^130 − 5 and 2^130 − 6, a 131-bit intermediate.
        [r2 + zeros(16), ones(16), "03" + zeros(15)],
        [r2 + ones(16), "02" + zeros(15), "03" + zeros(15)],
        [r1 + zeros(16), ones(16) + "f0" + ones(15) + "11" + zeros(15), "05" + zeros(15)],
        [r1 + zeros(16), ones(16) + "fb" + "fe".repeat(15) + "01".repeat(16), zeros(16)],
        [r2 + zeros(16), "fd" + ones(15), "fa" + ones(15)],
        [r10 + zeros(16), blocks10 + "01" + zeros(15), "14" + zeros(7) + "55" + zeros(7)],
        [r10 + zeros(16), blocks10, "13" + zeros(15)],
      ];
      for (const [key, message, tag] of vectors) {
        assert.equal(toHex(path.poly1305Tag(hex(key), hex(message))), tag, `key ${key}`);
      }
    },
  });

  Deno.test({
    name:
      `${path.name}: the secretbox matches @noble/ciphers at every length around the block edges`,
    ignore: ignore(path),
    fn() {
      const lengths = [
        0,
        1,
        3,
        4,
        15,
        16,
        17,
        31,
        32,
        33,
        63,
        64,
        65,
        97,
        128,
        129,
        1000,
        255,
        256,
        257,
        16383,
        16384,
        16385,
        16417,
        65536,
        65541,
      ];
      for (let trial = 0; trial < 4; trial++) {
        for (const length of lengths) {
          const key = randomBytes(32);
          const nonce = randomBytes(24);
          // all-ones messages drive every limb to its largest value
          const message = trial === 0 ? new Uint8Array(length).fill(0xff) : randomBytes(length);
          const box = seal(path, key, nonce, message);
          assert.deepEqual(box, xsalsa20poly1305(key, nonce).encrypt(message), `${length} bytes`);
          assert.deepEqual(open(path, key, nonce, box), message, `open ${length} bytes`);
        }
      }
    },
  });

  Deno.test({
    name: `${path.name}: Poly1305 matches @noble/ciphers for extreme keys and messages`,
    ignore: ignore(path),
    fn() {
      for (const keyFill of [0xff, 0x00, -1]) {
        for (const length of [1, 16, 17, 255, 256, 4099]) {
          const key = keyFill < 0 ? randomBytes(32) : new Uint8Array(32).fill(keyFill);
          for (const message of [new Uint8Array(length).fill(0xff), randomBytes(length)]) {
            assert.deepEqual(path.poly1305Tag(key, message), poly1305(message, key));
          }
        }
      }
    },
  });

  Deno.test({
    name: `${path.name}: opening refuses any altered byte and leaves the buffer as it was`,
    ignore: ignore(path),
    fn() {
      const box = hex(NACL_BOX);
      const subkey = new Uint32Array(8);
      hsalsa20(words(NACL_KEY), words(NACL_NONCE.subarray(0, 16)), subkey);
      const [n0, n1] = words(NACL_NONCE.subarray(16));
      for (const at of [0, 15, 16, 40, box.length - 1]) {
        const buffer = new Uint8Array(box.length + 16);
        buffer.set(box, 16);
        buffer[16 + at] ^= 1;
        const before = buffer.slice();
        assert.equal(path.open(subkey, n0, n1, buffer), false, `byte ${at} altered`);
        assert.deepEqual(buffer, before);
      }
      assert.equal(open(path, NACL_KEY, NACL_NONCE.map((b, i) => i === 23 ? b ^ 1 : b), box), null);
    },
  });
}

Deno.test("a buffer at an unaligned offset is refused, not misread", () => {
  const buffer = new Uint8Array(100).subarray(1);
  assert.throws(() => sealWithSubkey(new Uint32Array(8), 0, 0, buffer), RangeError);
});
