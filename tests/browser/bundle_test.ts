/**
 * The browser build: `deno task bundle` makes one self-contained ES module,
 * the README states its size, and it loads and works in Chromium.
 */

import assert from "node:assert/strict";
import { version } from "../../mod.ts";
import { Chromium, needsChromium } from "./chromium.ts";
import { browserBundle, bundleTask, PageServer } from "./page_server.ts";
import { SECRETBOX_WASM } from "../../src/mechanism/secretbox_wasm_bytes.ts";
import { sealWithSubkey } from "../../src/mechanism/secretbox.ts";

const root = new URL("../../", import.meta.url);

Deno.test("deno task bundle builds for the browser platform", async () => {
  assert.match(await bundleTask(), /^deno bundle --platform browser .*mod\.ts$/);
});

Deno.test("the browser bundle is one ES module that imports nothing", async () => {
  const code = await browserBundle();
  const word = (w: string) => `(?<![.\\w$])${w}(?![\\w$])`;
  const importStatement = new RegExp(`${word("import")}\\s*[({*"'\\w]|${word("from")}\\s*["']`);
  assert.doesNotMatch(code, importStatement, "no import statement or import() left");
  assert.doesNotMatch(code, /["'](npm|node|jsr):/, "no npm:, node: or jsr: specifiers left");
  assert.match(code, /export\s*\{/, "an ES module with exports");
});

Deno.test("the README states the browser bundle's size (within 20%)", async () => {
  const readme = await Deno.readTextFile(new URL("README.md", root));
  const stated = readme.match(/browser bundle[^\n]*?\*\*(\d+) KB\*\* minified/);
  assert.ok(stated, 'README has "browser bundle … **N KB** minified"');
  const actualKb = new TextEncoder().encode(await browserBundle()).length / 1000;
  const statedKb = Number(stated[1]);
  assert.ok(
    Math.abs(actualKb - statedKb) <= statedKb * 0.2,
    `the bundle is ${actualKb.toFixed(0)} KB, the README says ${statedKb} KB: ` +
      `run deno task bundle and update the README`,
  );
});

Deno.test({
  name: "in Chromium the bundle loads and inproc Push/Pull carries a multipart message",
  ...needsChromium,
  async fn() {
    await using server = await PageServer.start();
    await using browser = await Chromium.launch();
    const page = await browser.open(server.origin);
    assert.equal(await page.evaluate("zmqLoaded.then((m) => m.version)"), version);
    const got = await page.run(async (zmq) => {
      const pull = new zmq.Pull();
      const push = new zmq.Push();
      await pull.bind("inproc://browser-pipeline");
      push.connect("inproc://browser-pipeline");
      await push.send(["hello", new Uint8Array([0, 255])]);
      const [text, bytes] = await pull.receive();
      push.close();
      pull.close();
      return [new TextDecoder().decode(text), [...bytes]];
    });
    assert.deepEqual(got, ["hello", [0, 255]]);
  },
});

Deno.test({
  name:
    "in Chromium CURVE's WebAssembly secretbox compiles synchronously on the page's main thread",
  ...needsChromium,
  async fn() {
    await using server = await PageServer.start();
    await using browser = await Chromium.launch();
    const page = await browser.open(server.origin);
    // The keystream over zeros from the page's synchronously compiled module,
    // against the JavaScript path's in Deno: bytes 32..300 of a sealed box of zeros.
    const keystream = await page.run((_zmq, base64: string) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
      const memory = new Uint8Array((exports.memory as WebAssembly.Memory).buffer);
      memory.fill(7, 0, 32); // the subkey
      memory.fill(0, 32, 40); // the nonce
      memory.fill(0, 1024, 1324);
      (exports.xor as (p: number, len: number, counter: number) => void)(1024, 300, 0);
      return Array.from(memory.subarray(1024 + 32, 1324));
    }, SECRETBOX_WASM);
    const box = new Uint8Array(300);
    sealWithSubkey(new Uint32Array(8).fill(0x07070707), 0, 0, box);
    assert.deepEqual(keystream, Array.from(box.subarray(32)));
  },
});
