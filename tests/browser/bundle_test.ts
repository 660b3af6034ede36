/**
 * The browser build: `deno task bundle` makes one self-contained ES module,
 * the README states its size, and it loads and works in Chromium.
 */

import assert from "node:assert/strict";
import { version } from "../../mod.ts";
import { Chromium, needsChromium } from "./chromium.ts";
import { browserBundle, bundleTask, PageServer } from "./page_server.ts";

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
