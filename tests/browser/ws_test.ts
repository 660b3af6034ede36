/**
 * ZeroMQ over WebSocket from a real page (headless Chromium) to Deno:
 * through the relay from a tcp publisher, and request-reply straight to a
 * Deno socket. The page uses the browser bundle and the platform's own
 * WebSocket.
 */

import assert from "node:assert/strict";
import { Publisher, Reply } from "../../mod.ts";
import { delay, texts } from "../helpers.ts";
import { Chromium, needsChromium } from "./chromium.ts";
import { PageServer } from "./page_server.ts";
import { Relay } from "./relay_process.ts";
import { makeCertificate, opensslMissing } from "./tls.ts";
import { collectInPage, openPage, subscribeInPage, warmUp } from "./page_subscriber.ts";

/**
 * A tcp Publisher in Deno → the relay (tcp frontend, `scheme` backend) → a
 * Subscriber in a page: the page gets exactly the messages under its prefix,
 * in order; the others are filtered upstream.
 */
async function subscribeThroughRelay(scheme: "ws" | "wss"): Promise<void> {
  const certificate = scheme === "wss" ? await makeCertificate() : null;
  try {
    const tls = certificate
      ? ["--wss-cert", certificate.certFile, "--wss-key", certificate.keyFile]
      : [];
    await using relay = await Relay.start([
      "--frontend",
      "tcp://127.0.0.1:*",
      "--backend",
      `${scheme}://127.0.0.1:*/feed`,
      "--stats-interval",
      "0",
      ...tls,
    ]);
    assert.match(relay.backend, new RegExp(`^${scheme}://127\\.0\\.0\\.1:\\d+/feed$`));
    await using server = await PageServer.start();
    await using browser = await Chromium.launch({
      trustSpki: certificate ? [certificate.spkiSha256] : [],
    });
    const page = await openPage(browser, server);
    await subscribeInPage(page, relay.backend, "prices/");

    using publisher = new Publisher({ linger: 1000 });
    publisher.connect(relay.frontend);
    await warmUp(page, () => publisher.send(["prices/", "warm"]));
    for (let n = 0; n < 50; n++) {
      await publisher.send(["prices/acme", String(n)]);
      await publisher.send(["news/acme", String(n)]); // nobody subscribed: filtered upstream
    }
    await publisher.send(["prices/", "end"]);

    const got = await collectInPage(page);
    assert.deepEqual(got, [...Array(50).keys()].map((n) => ["prices/acme", String(n)]));
  } finally {
    await certificate?.remove();
  }
}

Deno.test({
  name: "a page subscribes through the relay (ws) to a tcp publisher and gets what it asked for",
  ...needsChromium,
  fn: () => subscribeThroughRelay("ws"),
});

const noOpenssl = await opensslMissing();
if (noOpenssl) console.log(`wss browser test skipped: ${noOpenssl}`);

Deno.test({
  name: "a page subscribes through the relay (wss) to a tcp publisher and gets what it asked for",
  ignore: needsChromium.ignore || noOpenssl !== null,
  fn: () => subscribeThroughRelay("wss"),
});

Deno.test({
  name: "a page's Request talks to a Reply in Deno over ws",
  ...needsChromium,
  async fn() {
    using reply = new Reply();
    await reply.bind("ws://127.0.0.1:*/rpc");
    const serving = (async () => {
      for await (const [request] of reply) {
        const text = new TextDecoder().decode(request);
        await reply.send(text.toUpperCase());
        if (text === "bye") return;
      }
    })();
    await using server = await PageServer.start();
    await using browser = await Chromium.launch();
    const page = await openPage(browser, server);
    const answers = await page.run(
      async (zmq, endpoint) => {
        const request = new zmq.Request();
        request.connect(endpoint);
        const answers = [];
        for (const question of ["hello", "from", "the page", "bye"]) {
          await request.send(question);
          const [answer] = await request.receive();
          answers.push(new TextDecoder().decode(answer));
        }
        request.close();
        return answers;
      },
      reply.lastEndpoint!,
      20000,
    );
    assert.deepEqual(answers, ["HELLO", "FROM", "THE PAGE", "BYE"]);
    await serving;
  },
});

Deno.test({
  name: "a page connects before its peer binds and gets through once it does (ws reconnects)",
  ...needsChromium,
  async fn() {
    // A free port: bind, note it, release it; the page connects there first.
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (probe.addr as Deno.NetAddr).port;
    probe.close();
    await using server = await PageServer.start();
    await using browser = await Chromium.launch();
    const page = await openPage(browser, server);
    const answer = page.run(
      async (zmq, endpoint) => {
        const request = new zmq.Request({ reconnectInterval: 50 });
        request.connect(endpoint);
        await request.send("anyone there?");
        const [answer] = await request.receive();
        request.close();
        return new TextDecoder().decode(answer);
      },
      `ws://127.0.0.1:${port}/`,
      20000,
    );
    await delay(300); // a few refused attempts
    using reply = new Reply();
    await reply.bind(`ws://127.0.0.1:${port}/`);
    const [question] = await reply.receive();
    assert.deepEqual(texts([question]), ["anyone there?"]);
    await reply.send("yes");
    assert.equal(await answer, "yes");
  },
});

Deno.test({
  name: "a page that does not trust a wss certificate never connects and keeps retrying",
  ignore: needsChromium.ignore || noOpenssl !== null,
  async fn() {
    const certificate = await makeCertificate();
    try {
      using publisher = new Publisher({
        linger: 0,
        wssCertPem: certificate.certPem,
        wssKeyPem: certificate.keyPem,
      });
      await publisher.bind("wss://127.0.0.1:*/feed");
      await using server = await PageServer.start();
      await using browser = await Chromium.launch(); // trusts no test certificate
      const page = await openPage(browser, server);
      const events = await page.run(
        async (zmq, feed) => {
          const sub = new zmq.Subscriber({ reconnectInterval: 50 });
          const seen: string[] = [];
          const watching = (async () => {
            for await (const event of sub.events) seen.push(event.type);
          })();
          sub.connect(feed);
          sub.subscribe("");
          while (seen.filter((type) => type === "connect:retry").length < 3) {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          sub.close();
          await watching;
          return seen;
        },
        publisher.lastEndpoint!,
        20000,
      );
      assert.ok(events.includes("connect:delay"), events.join(" "));
      assert.ok(!events.includes("connect"), "no connection was made");
      assert.ok(!events.includes("handshake"), "no handshake completed");
    } finally {
      await certificate.remove();
    }
  },
});
