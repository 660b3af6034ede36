/**
 * Off Deno (in a browser) the library loads without touching `Deno`, runs
 * every socket type over inproc, and refuses what needs raw sockets with
 * ENOTSUP. Checked in a Deno process whose `Deno` and `process` globals
 * (a browser has neither; with `process`, tcp would run on node:net as on
 * Node) were deleted before the import (no browser needed), then in Chromium.
 */

import assert from "node:assert/strict";
import { version } from "../../mod.ts";
import { Chromium, needsChromium } from "./chromium.ts";
import { PageServer } from "./page_server.ts";

const root = new URL("../../", import.meta.url);

/**
 * Runs `body` in a fresh Deno process after deleting its `Deno` global and
 * importing mod.ts as `zmq`; returns what it printed. Any top-level use of
 * `Deno` in the module graph throws ReferenceError at the import.
 */
async function withoutDeno(body: string): Promise<string> {
  const script = `
    delete globalThis.Deno;
    delete globalThis.process;
    const zmq = await import(${JSON.stringify(new URL("mod.ts", root).href)});
    ${body}
  `;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    cwd: root.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  assert.equal(code, 0, decoder.decode(stderr));
  return decoder.decode(stdout).trim();
}

Deno.test("mod.ts loads where there is no Deno global", async () => {
  assert.equal(await withoutDeno("console.log(zmq.version);"), version);
});

Deno.test("without Deno, tcp and ipc connect throw ENOTSUP and a bind rejects with it", async () => {
  const out = await withoutDeno(`
    const push = new zmq.Push();
    for (const endpoint of ["tcp://127.0.0.1:5555", "ipc:///tmp/x.sock"]) {
      try { push.connect(endpoint); console.log("connected"); }
      catch (err) { console.log(err.code, err.message); }
    }
    await push.bind("tcp://127.0.0.1:*").then(() => console.log("bound"),
      (err) => console.log(err.code, err.message));
    push.close();
  `);
  const lines = out.split("\n");
  assert.equal(lines.length, 3, out);
  assert.match(lines[0], /^ENOTSUP connect tcp:\/\/127\.0\.0\.1:5555: .*connect with ws:\/\//);
  assert.match(lines[1], /^ENOTSUP connect ipc:\/\/\/tmp\/x\.sock: .*connect with ws:\/\//);
  assert.match(lines[2], /^ENOTSUP bind tcp:\/\/127\.0\.0\.1:\*: a browser cannot listen/);
});

/** The pairs of types that talk, and what each test message looks like. */
const INPROC_PAIRS: [string, string][] = [
  ["Pair", "Pair"],
  ["Push", "Pull"],
  ["Publisher", "Subscriber"],
  ["XPublisher", "XSubscriber"],
  ["Request", "Reply"],
  ["Dealer", "Router"],
];

Deno.test({
  name: "in Chromium every socket type carries a message over inproc",
  ...needsChromium,
  async fn() {
    await using server = await PageServer.start();
    await using browser = await Chromium.launch();
    const page = await browser.open(server.origin);
    await page.evaluate("zmqLoaded");
    const got = await page.run(async (zmq, pairs) => {
      const decode = (frames: Uint8Array[]) => frames.map((f) => new TextDecoder().decode(f));
      const results: Record<string, string[]> = {};
      for (const [sender, receiver] of pairs) {
        const types = zmq as unknown as Record<string, new () => InstanceType<typeof zmq.Pair>>;
        const a = new types[sender](), b = new types[receiver]();
        const name = `inproc://${sender}-${receiver}`;
        await b.bind(name);
        a.connect(name);
        if (b instanceof zmq.Subscriber) b.subscribe("");
        if (b instanceof zmq.XSubscriber) await b.send(new Uint8Array([1]));
        if (a instanceof zmq.XPublisher) await a.receive(); // the subscription arrived
        await a.send(["hi", sender]);
        results[`${sender}→${receiver}`] = decode(await b.receive()).slice(-2);
        a.close();
        b.close();
      }
      return results;
    }, INPROC_PAIRS);
    for (const [sender, receiver] of INPROC_PAIRS) {
      assert.deepEqual(got[`${sender}→${receiver}`], ["hi", sender], `${sender}→${receiver}`);
    }
  },
});
