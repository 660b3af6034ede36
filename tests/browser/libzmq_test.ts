/**
 * A page (headless Chromium, the browser bundle, the browser's WebSocket
 * offering bare `ZWS2.0`) against libzmq's ws transport (zeromq.js 6.8.0 =
 * libzmq 4.3.5, in Node): NULL without READY interoperates.
 */

import assert from "node:assert/strict";
import { texts } from "../helpers.ts";
import { LibzmqPeer } from "../interop/libzmq.ts";
import { Chromium, needsChromium } from "./chromium.ts";
import { collectInPage, openPage, subscribeInPage, warmUp } from "./page_subscriber.ts";
import { PageServer } from "./page_server.ts";

Deno.test({
  name: "a page's Request gets replies from a libzmq Reply bound on ws",
  ...needsChromium,
  async fn() {
    await using peer = await LibzmqPeer.start();
    const reply = await peer.socket("Reply");
    const endpoint = await reply.bind("ws://127.0.0.1:*/rpc");
    await using server = await PageServer.start();
    await using browser = await Chromium.launch();
    const page = await openPage(browser, server);
    const answers = page.run(
      async (zmq, endpoint) => {
        const request = new zmq.Request();
        request.connect(endpoint);
        const answers = [];
        for (const question of ["one", "two"]) {
          await request.send(["from the page", question]);
          answers.push((await request.receive()).map((f) => new TextDecoder().decode(f)));
        }
        request.close();
        return answers;
      },
      endpoint,
      20000,
    );
    for (const question of ["one", "two"]) {
      const got = texts(await reply.receive(15000));
      assert.deepEqual(got, ["from the page", question]);
      await reply.send(["libzmq says", question.toUpperCase()]);
    }
    assert.deepEqual(await answers, [["libzmq says", "ONE"], ["libzmq says", "TWO"]]);
  },
});

Deno.test({
  name: "a page's Subscriber gets what it subscribed to from a libzmq Publisher bound on ws",
  ...needsChromium,
  async fn() {
    await using peer = await LibzmqPeer.start();
    const pub = await peer.socket("Publisher");
    const endpoint = await pub.bind("ws://127.0.0.1:*/feed");
    await using server = await PageServer.start();
    await using browser = await Chromium.launch();
    const page = await openPage(browser, server);
    await subscribeInPage(page, endpoint, "wanted/");
    // libzmq's PUB drops until the subscription arrived.
    await warmUp(page, () => pub.send(["wanted/", "warm"]));
    for (let n = 0; n < 10; n++) {
      await pub.send(["wanted/x", String(n)]);
      await pub.send(["other/x", String(n)]);
    }
    await pub.send(["wanted/", "end"]);
    const received = await collectInPage(page);
    assert.deepEqual(received, [...Array(10).keys()].map((n) => ["wanted/x", String(n)]));
  },
});
