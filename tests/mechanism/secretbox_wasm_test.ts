/**
 * The WebAssembly secretbox: its bytes are what secretbox.wat assembles to,
 * it boxes exactly as the JavaScript path does at any length, it refuses
 * what the JavaScript path refuses, and without WebAssembly CURVE keeps
 * working on the JavaScript path. (The NaCl and RFC 8439 vectors run through
 * both paths in secretbox_test.ts.)
 */

import assert from "node:assert/strict";
import { assemble, bytesModule } from "../../tools/assemble_wasm.ts";
import { openWithSubkey, sealWithSubkey } from "../../src/mechanism/secretbox.ts";
import { loadSecretboxWasm, secretboxWasm, SPAN } from "../../src/mechanism/secretbox_wasm.ts";
import { SECRETBOX_WASM } from "../../src/mechanism/secretbox_wasm_bytes.ts";
import { PrefixedBoxKey, sealBox, WASM_FROM } from "../../src/mechanism/crypto.ts";

const wasm = secretboxWasm();
const needsWasm = {
  ignore: wasm === null,
};
if (wasm === null) console.log("WebAssembly secretbox tests skipped: no WebAssembly SIMD here");

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let at = 0; at < n; at += 65536) {
    crypto.getRandomValues(out.subarray(at, Math.min(n, at + 65536)));
  }
  return out;
}

/** Where two byte arrays first differ (-1: nowhere); a failure names one index, not a huge diff. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function randomInt(below: number): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] % below;
}

Deno.test("the embedded module is what secretbox.wat assembles to (run `deno task wasm`)", async () => {
  const generated = new URL("../../src/mechanism/secretbox_wasm_bytes.ts", import.meta.url);
  const bytes = await assemble();
  assert.equal(await Deno.readTextFile(generated), bytesModule(bytes));
  assert.equal(SECRETBOX_WASM, btoa(String.fromCharCode(...bytes)));
});

Deno.test({
  name: "WebAssembly and JavaScript give the same boxes at random lengths and at chunk edges",
  ...needsWasm,
  fn() {
    const chunkEdges = [SPAN, 2 * SPAN].flatMap((edge) => [edge - 33, edge - 32, edge - 31]);
    const groupEdges = [0, 1, 31, 32, 33, 64, 65, 223, 224, 225, 255, 256, 257, 288, 480, 512];
    const random = Array.from({ length: 60 }, () => randomInt(2 * SPAN + 5000));
    for (const length of [...groupEdges, ...chunkEdges, ...random]) {
      const subkey = new Uint32Array(randomBytes(32).buffer);
      const [n0, n1] = new Uint32Array(randomBytes(8).buffer);
      const viaJs = new Uint8Array(length + 32);
      viaJs.set(randomBytes(length), 32);
      const viaWasm = viaJs.slice();
      const message = viaJs.slice(32);
      sealWithSubkey(subkey, n0, n1, viaJs);
      wasm!.seal(subkey, n0, n1, viaWasm);
      assert.equal(firstDifference(viaWasm, viaJs), -1, `sealing ${length} bytes`);
      const opened = viaWasm.slice();
      assert.ok(wasm!.open(subkey, n0, n1, opened), `opening ${length} bytes`);
      assert.equal(firstDifference(opened.subarray(32), message), -1, `opened ${length} bytes`);
      assert.ok(openWithSubkey(subkey, n0, n1, viaWasm), "JavaScript opens WebAssembly's box");
    }
  },
});

Deno.test({
  name: "WebAssembly refuses a box with any byte altered, as JavaScript does, leaving it as it was",
  ...needsWasm,
  fn() {
    for (const length of [0, 200, SPAN - 32, SPAN - 31, SPAN + 40000]) {
      const subkey = new Uint32Array(randomBytes(32).buffer);
      const box = new Uint8Array(length + 32);
      box.set(randomBytes(length), 32);
      sealWithSubkey(subkey, 1, 2, box);
      const positions = [16, 31, 32, length + 31, 16 + randomInt(length + 16)];
      for (const at of positions.filter((at) => at < box.length)) {
        const altered = box.slice();
        altered[at] ^= 1 << randomInt(8);
        const before = altered.slice();
        assert.equal(wasm!.open(subkey, 1, 2, altered), false, `${length} bytes, byte ${at}`);
        assert.equal(firstDifference(altered, before), -1, "a refused box is left as it was");
        assert.equal(openWithSubkey(subkey, 1, 2, altered), false);
      }
      const wrongNonce = box.slice();
      assert.equal(wasm!.open(subkey, 1, 3, wrongNonce), false, "another nonce");
    }
  },
});

/** Box lengths (the 32 bytes of NaCl's layout included) on each side of the first span edges. */
const spanEdges = [SPAN, 2 * SPAN, 3 * SPAN].flatMap((
  edge,
) => [edge - 1, edge, edge + 1, edge + 33]);

Deno.test({
  name: "sealInto and openInto give JavaScript's boxes across span edges, from any source view",
  ...needsWasm,
  fn() {
    const random = Array.from({ length: 12 }, () => 32 + randomInt(4 * SPAN));
    for (const length of [32, 33, 96, 97, 4000, ...spanEdges, ...random]) {
      const subkey = new Uint32Array(randomBytes(32).buffer);
      const [n0, n1] = new Uint32Array(randomBytes(8).buffer);
      const message = randomBytes(length - 32);
      const viaJs = new Uint8Array(length);
      viaJs.set(message, 32);
      sealWithSubkey(subkey, n0, n1, viaJs);
      // The message split anywhere between dest's head and the source; the
      // source a view at an odd offset.
      for (const from of [32, 33, 32 + randomInt(length - 31), length]) {
        const dest = new Uint8Array(length).fill(0xee);
        dest.set(message.subarray(0, from - 32), 32);
        const source = new Uint8Array(length - from + 1).subarray(1);
        source.set(message.subarray(from - 32));
        wasm!.sealInto(subkey, n0, n1, dest, from, source);
        assert.equal(firstDifference(dest, viaJs), -1, `sealing ${length} bytes, split at ${from}`);
      }
      const dest = new Uint8Array(length).fill(0xee);
      const box = new Uint8Array(length + 1).subarray(1);
      box.set(viaJs);
      assert.ok(wasm!.openInto(subkey, n0, n1, box, dest), `opening ${length} bytes`);
      assert.equal(firstDifference(dest.subarray(32), message), -1, `${length} bytes opened`);
      assert.equal(firstDifference(box, viaJs), -1, "the box is read, not changed");
    }
  },
});

Deno.test({
  name:
    "openInto refuses an altered box in any span, leaving no plaintext in dest and the box as it was",
  ...needsWasm,
  fn() {
    for (const length of [200, SPAN, SPAN + 1, 2 * SPAN + 500]) {
      const subkey = new Uint32Array(randomBytes(32).buffer);
      const box = new Uint8Array(length);
      box.set(randomBytes(length - 32), 32);
      sealWithSubkey(subkey, 1, 2, box);
      const positions = [16, 31, 32, SPAN - 1, SPAN, length - 1, 16 + randomInt(length - 16)];
      for (const at of positions.filter((at) => at < length)) {
        const altered = box.slice();
        altered[at] ^= 1 << randomInt(8);
        const before = altered.slice();
        const dest = new Uint8Array(length);
        assert.equal(
          wasm!.openInto(subkey, 1, 2, altered, dest),
          false,
          `${length} bytes, byte ${at}`,
        );
        assert.equal(firstDifference(altered, before), -1, "the box is as it was");
        // One span is written out only once its tag matched; a longer box's
        // decrypted spans are encrypted again: dest holds ciphertext, never plaintext.
        const expected = length <= SPAN ? new Uint8Array(length - 32) : altered.subarray(32);
        assert.equal(
          firstDifference(dest.subarray(32), expected),
          -1,
          `${length} B, byte ${at}: dest`,
        );
        assert.equal(wasm!.open(subkey, 1, 2, altered), false, "in place");
        assert.equal(firstDifference(altered, before), -1, "in place: the box is as it was");
      }
    }
  },
});

Deno.test({
  name: "CURVE's box key takes the WebAssembly path from WASM_FROM bytes on",
  ...needsWasm,
  fn() {
    // Same boxes either way; what differs is who made them, seen through a
    // module that records its calls.
    const key = randomBytes(32);
    const prefix = randomBytes(16);
    const counter = randomBytes(8);
    const small = new Uint8Array(WASM_FROM - 1);
    const large = new Uint8Array(WASM_FROM);
    const box = new PrefixedBoxKey(key.slice(), prefix);
    const sealSpy = wasm!.sealInto;
    let calls = 0;
    wasm!.sealInto = (...args) => (calls++, sealSpy(...args));
    try {
      box.seal(counter, small);
      assert.equal(calls, 0, "a small box stays in JavaScript");
      box.seal(counter, large);
      assert.equal(calls, 1, "a large box goes to WebAssembly");
    } finally {
      wasm!.sealInto = sealSpy;
    }
  },
});

Deno.test("without WebAssembly SIMD there is no WebAssembly secretbox, and CURVE boxes in JavaScript", async () => {
  assert.equal(loadSecretboxWasm(new Uint8Array([0, 97, 115, 109, 2, 0, 0, 0])), null);
  // A runtime without WebAssembly at all, in a subprocess so this one keeps its module.
  const crypto = new URL("../../src/mechanism/crypto.ts", import.meta.url).href;
  const code = `
    delete globalThis.WebAssembly;
    const { sealBox, openBox } = await import(${JSON.stringify(crypto)});
    const key = new Uint8Array(32).fill(7), nonce = new Uint8Array(24).fill(9);
    const message = new Uint8Array(70000).fill(5);
    const box = sealBox(key, nonce, message);
    const back = openBox(key, nonce, box);
    const hex = Array.from(box.subarray(0, 48), (b) => b.toString(16).padStart(2, "0")).join("");
    console.log(back !== null && back.every((b) => b === 5) ? hex : "did not open");
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  const here = sealBox(
    new Uint8Array(32).fill(7),
    new Uint8Array(24).fill(9),
    new Uint8Array(70000).fill(5),
  );
  const hex = Array.from(here.subarray(0, 48), (b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(new TextDecoder().decode(out.stdout).trim(), hex, stderr);
});
