// wss://: ZWS over TLS with libzmq's ZMQ_WSS_* options (library to library:
// zeromq.js 6.8.0 has no wss).
import assert from "node:assert/strict";
import { type Pair, Publisher, Pull, Push, Subscriber, ZmqError } from "../../mod.ts";
import { EventLog } from "../event_log.ts";
import { eventually, texts, within } from "../helpers.ts";
import { noOpenssl, testCerts } from "./wss_certs.ts";

const ignore = noOpenssl !== null;

async function wssServer<T extends Pull | Publisher | Pair>(make: (o: object) => T): Promise<T> {
  const certs = await testCerts();
  const server = make({ wssCertPem: certs.certPem, wssKeyPem: certs.keyPem });
  await server.bind("wss://127.0.0.1:*/secure");
  return server;
}

Deno.test({
  name: "wss: a client trusting the CA and naming the certificate's host delivers",
  ignore,
  async fn() {
    const pull = await wssServer((o) => new Pull(o));
    assert.match(pull.lastEndpoint!, /^wss:\/\/127\.0\.0\.1:\d+\/secure$/);
    const push = new Push({ wssTrustPem: (await testCerts()).caPem, wssHostname: "localhost" });
    push.connect(pull.lastEndpoint!);
    await push.send(["over", "tls"]);
    assert.deepEqual(texts(await within(5000, pull.receive())), ["over", "tls"]);
    push.close();
    pull.close();
  },
});

Deno.test({
  name:
    "wss: an untrusted certificate fails each handshake visibly, keeps retrying, delivers nothing",
  ignore,
  async fn() {
    const pull = await wssServer((o) => new Pull(o));
    const push = new Push({ reconnectInterval: 20 });
    const log = new EventLog(push);
    push.connect(pull.lastEndpoint!);
    await push.send("must wait for a trusted connection");
    await eventually(
      () => log.events.filter((e) => e.type === "handshake:error:protocol").length >= 2,
      10000,
      "two failed handshakes",
    );
    const failure = log.events.find((e) => e.type === "handshake:error:protocol")!;
    assert.match(String(failure.error?.message), /certificate|UnknownIssuer|invalid peer/i);
    pull.receiveTimeout = 200;
    await assert.rejects(pull.receive(), (err) => err instanceof ZmqError && err.code === "EAGAIN");
    // Trusting the CA (and the name) lets the next attempt through; the queued message goes.
    push.wssTrustPem = (await testCerts()).caPem;
    push.wssHostname = "localhost";
    pull.receiveTimeout = -1;
    assert.deepEqual(texts(await within(10000, pull.receive())), [
      "must wait for a trusted connection",
    ]);
    push.close();
    pull.close();
  },
});

Deno.test({
  name:
    "wss: a trusted certificate for another name is refused (wssHostname unset: the endpoint's host)",
  ignore,
  async fn() {
    const pull = await wssServer((o) => new Pull(o));
    const push = new Push({ wssTrustPem: (await testCerts()).caPem });
    const log = new EventLog(push);
    push.connect(pull.lastEndpoint!);
    const failure = await log.waitFor("handshake:error:protocol");
    assert.match(String(failure.error?.message), /name|NotValidForName|certificate/i);
    push.close();
    pull.close();
  },
});

Deno.test({
  name: "wss: pub/sub with subscriptions over TLS",
  ignore,
  async fn() {
    const pub = await wssServer((o) => new Publisher(o));
    const sub = new Subscriber({
      wssTrustPem: (await testCerts()).caPem,
      wssHostname: "localhost",
    });
    sub.subscribe("a");
    sub.connect(pub.lastEndpoint!);
    await eventually(() => pub.topicCount === 1);
    await pub.send("b-no");
    await pub.send("a-yes");
    assert.deepEqual(texts(await within(5000, sub.receive())), ["a-yes"]);
    sub.close();
    pub.close();
  },
});

Deno.test("wss: bind without wssCertPem/wssKeyPem is EINVAL, saying which options", async () => {
  using pull = new Pull();
  await assert.rejects(
    pull.bind("wss://127.0.0.1:*"),
    (err) => err instanceof ZmqError && err.code === "EINVAL" && /wssCertPem/.test(err.message),
  );
});
