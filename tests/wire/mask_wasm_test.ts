/**
 * The WebAssembly masking: its bytes are what mask.wat assembles to, it
 * masks exactly as a byte-at-a-time XOR does at every alignment, phase and
 * length (across its 16 KiB chunks), in place and into another buffer, and
 * without WebAssembly `applyMask` keeps working in JavaScript.
 */

import assert from "node:assert/strict";
import { assemble, bytesModule, MASK } from "../../tools/assemble_wasm.ts";
import { applyMask, applyMaskJs } from "../../src/wire/websocket.ts";
import { loadMaskWasm, maskWasm, WASM_MASK_FROM } from "../../src/wire/mask_wasm.ts";
import { MASK_WASM } from "../../src/wire/mask_wasm_bytes.ts";

const wasm = maskWasm();
const needsWasm = { ignore: wasm === null };
if (wasm === null) console.log("WebAssembly masking tests skipped: no WebAssembly SIMD here");

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let at = 0; at < n; at += 65536) {
    crypto.getRandomValues(out.subarray(at, Math.min(n, at + 65536)));
  }
  return out;
}

function randomInt(below: number): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] % below;
}

/** The RFC's definition: byte i is XORed with mask byte (phase + i) % 4. */
function referenceMask(data: Uint8Array, mask: number, phase: number): Uint8Array {
  const key = [mask >>> 24, mask >>> 16 & 0xff, mask >>> 8 & 0xff, mask & 0xff];
  return data.map((byte, i) => byte ^ key[(phase + i) & 3]);
}

Deno.test("the embedded module is what mask.wat assembles to (run `deno task wasm`)", async () => {
  const generated = new URL("../../src/wire/mask_wasm_bytes.ts", import.meta.url);
  const bytes = await assemble(MASK);
  assert.equal(await Deno.readTextFile(generated), bytesModule(bytes, MASK));
  assert.equal(MASK_WASM, btoa(String.fromCharCode(...bytes)));
});

Deno.test({
  name:
    "WebAssembly masks as the RFC's byte-at-a-time XOR, in place, at random offsets and lengths",
  ...needsWasm,
  fn() {
    const chunkEdges = [16384, 32768, 65537].flatMap((edge) => [edge - 1, edge, edge + 1]);
    const small = [0, 1, 3, 4, 5, 15, 16, 17, 63, 64, 65, 1023, 1024, 1025];
    const random = Array.from({ length: 80 }, () => randomInt(140000));
    for (const length of [...small, ...chunkEdges, ...random]) {
      const offset = randomInt(8);
      const mask = randomInt(2 ** 32);
      const buf = randomBytes(offset + length + 8);
      const expected = buf.slice();
      expected.set(referenceMask(buf.subarray(offset, offset + length), mask, 0), offset);
      wasm!.maskInto(buf, offset, offset + length, mask, 0, buf, offset);
      assert.deepEqual(buf, expected, `offset ${offset}, length ${length}, mask ${mask}`);
    }
  },
});

Deno.test({
  name: "WebAssembly masks into another buffer from any mask phase, writing nothing else",
  ...needsWasm,
  fn() {
    for (const length of [0, 1, 1024, 16383, 16384, 16385, 70001]) {
      for (let phase = 0; phase < 4; phase++) {
        const mask = randomInt(2 ** 32);
        const src = randomBytes(length + 5);
        const before = src.slice();
        const dst = randomBytes(length + 9);
        const at = randomInt(4);
        const expected = dst.slice();
        expected.set(referenceMask(src.subarray(3, 3 + length), mask, phase), at);
        wasm!.maskInto(src, 3, 3 + length, mask, phase, dst, at);
        assert.deepEqual(dst, expected, `length ${length}, phase ${phase}, at ${at}`);
        assert.deepEqual(src, before, "the source is left as it was");
      }
    }
  },
});

Deno.test("applyMask gives the same bytes on either path, below and above the WebAssembly size", () => {
  for (const length of [WASM_MASK_FROM - 1, WASM_MASK_FROM, 5000, 65537]) {
    for (let offset = 0; offset < 4; offset++) {
      const data = randomBytes(offset + length + 3);
      const viaJs = data.slice();
      applyMaskJs(viaJs, offset, offset + length, 0x9abcdef0);
      const either = data.slice();
      applyMask(either, offset, offset + length, 0x9abcdef0);
      assert.deepEqual(either, viaJs, `offset ${offset}, length ${length}`);
    }
  }
});

Deno.test("without WebAssembly SIMD there is no WebAssembly masking (JavaScript masks)", () => {
  assert.equal(loadMaskWasm(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])), null);
});
