import assert from "node:assert/strict";
import { curveKeyPair, Publisher, Subscriber } from "../../mod.ts";
import { delay, eventually, texts, within } from "../helpers.ts";
import { LibzmqPeer, type PeerSocket } from "../interop/libzmq.ts";
import { CLI_SCRIPT, runCli } from "./cli_process.ts";
import { RelayProcess } from "./relay_process.ts";
import { makeCertificate, opensslMissing } from "../browser/tls.ts";

const TOPICS = 10;

/** Topic `k`: "t3/" — a slash so that no topic is a prefix of another. */
const topic = (k: number) => `t${k}/`;

/** Collects data messages until `ends` end markers arrived; calls `warm` on warm-up messages. */
async function collect(
  receive: () => Promise<Uint8Array[]>,
  ends: number,
  warm: () => void,
): Promise<string[][]> {
  const got: string[][] = [];
  let seen = 0;
  while (seen < ends) {
    const msg = texts(await receive());
    if (msg[1] === "warmup") {
      warm();
      continue;
    }
    got.push(msg);
    if (msg[1] === "end") seen++;
  }
  return got;
}

/** What a subscriber to `prefix` must receive: per matching topic, 0..count-1 then "end", in order. */
function assertReceived(got: string[][], prefix: string, count: number, who: string): void {
  const byTopic = new Map<string, string[]>();
  for (const [t, body] of got) {
    assert.ok(t.startsWith(prefix), `${who} got ${t}, not under ${prefix}`);
    byTopic.set(t, [...(byTopic.get(t) ?? []), body]);
  }
  const expected = [...Array(count).keys()].map(String).concat("end");
  for (let k = 0; k < TOPICS; k++) {
    if (!topic(k).startsWith(prefix)) continue;
    assert.deepEqual(byTopic.get(topic(k)), expected, `${who}, topic ${topic(k)}`);
  }
}

/** Every message of the run: `count` per topic plus as many nobody wants, then the end markers. */
function dataMessages(count: number): string[][] {
  const messages: string[][] = [];
  for (let n = 0; n < count; n++) {
    for (let k = 0; k < TOPICS; k++) {
      messages.push([topic(k), String(n)]);
      messages.push([`u${k}/`, String(n)]); // no subscriber has a prefix of this
    }
  }
  for (let k = 0; k < TOPICS; k++) messages.push([topic(k), "end"]);
  return messages;
}

const warmups = () => [...Array(TOPICS).keys()].map((k) => [topic(k), "warmup"]);

/** Parses "stats: … N subscribers, … M dropped". */
function parseStats(line: string): { subscribers: number; dropped: number } | null {
  const m = line.match(
    /^stats: \d+ msg\/s, \d+ KB\/s, (\d+) subscribers, \d+ subscriptions, (\d+) dropped$/,
  );
  return m ? { subscribers: Number(m[1]), dropped: Number(m[2]) } : null;
}

Deno.test("relay --help explains itself", async () => {
  const { code, stdout } = await runCli(["relay", "--help"]);
  assert.equal(code, 0);
  for (const flag of ["--frontend", "--backend", "--curve-secret-key", "--stats-interval"]) {
    assert.ok(stdout.includes(flag), `--help mentions ${flag}`);
  }
  assert.match(stdout, /XSUB frontend → XPUB backend/);
});

Deno.test("relay refuses an unknown flag with exit code 2 and one line naming it", async () => {
  const { code, stderr } = await runCli(["relay", "--frontnd", "tcp://127.0.0.1:*"]);
  assert.equal(code, 2);
  assert.equal(stderr, "zmtp relay: unknown option '--frontnd' (try zmtp relay --help)");
});

Deno.test("relay refuses a malformed endpoint with exit code 2, naming it", async () => {
  const { code, stderr } = await runCli(["relay", "--frontend", "tcp://127.0.0.1"]);
  assert.equal(code, 2);
  assert.match(stderr, /^zmtp relay: frontend tcp:\/\/127\.0\.0\.1: .*port/);
  assert.doesNotMatch(stderr, /\n/);
});

Deno.test("relay passes endpoints to the library: an unknown transport is its one-line error", async () => {
  const { code, stderr } = await runCli([
    "relay",
    "--frontend",
    "tcp://127.0.0.1:*",
    "--backend",
    "bogus://127.0.0.1:1",
  ]);
  assert.equal(code, 2);
  assert.match(stderr, /^zmtp relay: backend bogus:\/\/127\.0\.0\.1:1: .*"bogus"/);
});

Deno.test("relay without the network permission says which flag to add, exit code 1", async () => {
  const { code, stderr } = await runCli(
    ["relay", "--frontend", "tcp://127.0.0.1:*", "--backend", "tcp://127.0.0.1:*"],
    { permissions: [] },
  );
  assert.equal(code, 1);
  assert.match(stderr, /^zmtp relay: .*--allow-net=127\.0\.0\.1/);
});

Deno.test("relay refuses a CURVE key that is not 40 characters", async () => {
  const { code, stderr } = await runCli(["relay", "--curve-secret-key", "short"]);
  assert.equal(code, 2);
  assert.match(stderr, /40 Z85 characters/);
});

const noOpenssl = await opensslMissing();

Deno.test({
  name:
    "relay serves wss on the backend from PEM files: a subscriber that trusts the certificate gets through",
  ignore: noOpenssl !== null,
  async fn() {
    const certificate = await makeCertificate();
    const relay = new RelayProcess([
      "--frontend",
      "tcp://127.0.0.1:*",
      "--backend",
      "wss://127.0.0.1:*/feed",
      "--wss-cert",
      certificate.certFile,
      "--wss-key",
      certificate.keyFile,
    ], {
      permissions: [
        "--allow-net=127.0.0.1",
        `--allow-read=${certificate.certFile},${certificate.keyFile}`,
      ],
    });
    const pub = new Publisher({ linger: 0 });
    const sub = new Subscriber({ wssTrustPem: certificate.caPem });
    try {
      await within(30000, relay.waitForLine((line) => line === "relay ready"), "relay start");
      assert.match(relay.backend, /^wss:\/\/127\.0\.0\.1:\d+\/feed$/);
      pub.connect(relay.frontend);
      sub.subscribe("edge");
      sub.connect(relay.backend);
      sub.receiveTimeout = 50;
      let got: string[] | null = null;
      for (let n = 0; n < 200 && got === null; n++) {
        await pub.send(["edge", "over wss"]);
        got = await sub.receive().then(texts, () => null);
      }
      assert.deepEqual(got, ["edge", "over wss"]);
    } finally {
      pub.close();
      sub.close();
      await certificate.remove();
    }
    const { code, stderr } = await relay.stop();
    assert.equal(code, 0, stderr);
  },
});

Deno.test("relay forwards, prints a stats line per interval, and stops cleanly on SIGTERM", async () => {
  const relay = await RelayProcess.start(["--stats-interval", "0.2"]);
  const pub = new Publisher({ linger: 0 });
  pub.connect(relay.frontend);
  const sub = new Subscriber();
  sub.subscribe("news");
  sub.connect(relay.backend);
  try {
    // Until the subscription has crossed the relay, messages are not wanted upstream.
    const received = (async () => {
      for (;;) {
        const msg = texts(await sub.receive());
        if (msg[1] === "hello") return msg;
      }
    })();
    let got: string[] | null = null;
    received.then((msg) => got = msg, () => {});
    await within(
      10000,
      (async () => {
        while (got === null) {
          await pub.send(["news", "hello"]);
          await delay(20);
        }
      })(),
      "a message through the relay",
    );
    assert.deepEqual(got, ["news", "hello"]);
    await within(
      10000,
      relay.waitForLine((line) => parseStats(line)?.subscribers === 1),
      "a stats line with the subscriber",
    );
  } finally {
    pub.close();
    sub.close();
  }
  const { code, stderr } = await relay.stop();
  assert.equal(code, 0, stderr);
  assert.match(relay.lines.at(-1)!, /^relay stopped: \d+ messages forwarded, 0 dropped$/);
  for (const line of relay.lines.filter((l) => l.startsWith("stats:"))) {
    assert.ok(parseStats(line), `a well-formed stats line: ${line}`);
  }
});

Deno.test("relay --frontend '>endpoint' connects to an upstream publisher", async () => {
  const upstream = new Publisher({ linger: 0 });
  await upstream.bind("tcp://127.0.0.1:*");
  const relay = new RelayProcess([
    "--frontend",
    `>${upstream.lastEndpoint}`,
    "--backend",
    "tcp://127.0.0.1:*",
  ]);
  const sub = new Subscriber();
  try {
    await within(30000, relay.waitForLine((line) => line === "relay ready"), "relay start");
    assert.ok(relay.lines.includes(`frontend connecting to ${upstream.lastEndpoint}`));
    sub.subscribe("edge");
    sub.connect(relay.backend);
    await eventually(() => upstream.topicCount === 1, 10000, "the subscription upstream");
    await upstream.send(["edge", "delivered"]);
    assert.deepEqual(texts(await within(10000, sub.receive())), ["edge", "delivered"]);
  } finally {
    upstream.close();
    sub.close();
  }
  const { code, stderr } = await relay.stop();
  assert.equal(code, 0, stderr);
});

Deno.test("relay: a libzmq publisher reaches 100 subscribers with prefix filters, every matching message once", async () => {
  await using peer = await LibzmqPeer.start();
  const relay = await RelayProcess.start(["--stats-interval", "0.5", "--hwm", "5000"]);
  const subscribers: { sub: Subscriber; prefix: string }[] = [];
  let pub: PeerSocket | null = null;
  try {
    for (let i = 0; i < 100; i++) {
      // 90 subscribers want one topic each; 10 want every "t" topic.
      const prefix = i < 90 ? topic(i % TOPICS) : "t";
      const sub = new Subscriber({ receiveHighWaterMark: 5000 });
      sub.subscribe(prefix);
      sub.connect(relay.backend);
      subscribers.push({ sub, prefix });
    }
    pub = await peer.socket("Publisher", { sendHighWaterMark: 100000 });
    await pub.connect(relay.frontend);

    const count = 100;
    let warm = 0;
    const warmed = new Set<number>();
    const collecting = Promise.all(
      subscribers.map(({ sub, prefix }, i) =>
        collect(() => sub.receive(), prefix === "t" ? TOPICS : 1, () => {
          if (!warmed.has(i)) warmed.add(i), warm++;
        })
      ),
    );
    // Subscriptions reach the libzmq publisher through the relay asynchronously:
    // warm up until every subscriber has heard from it.
    await within(
      20000,
      (async () => {
        while (warm < subscribers.length) {
          await pub!.sendMany(warmups());
          await delay(50);
        }
      })(),
      "every subscription through the relay",
    );
    await pub.sendMany(dataMessages(count), 30000);
    const results = await within(60000, collecting, "every subscriber's messages");
    results.forEach((got, i) =>
      assertReceived(got, subscribers[i].prefix, count, `subscriber ${i}`)
    );

    await within(
      10000,
      relay.waitForLine((line) => parseStats(line)?.subscribers === 100),
      "a stats line with 100 subscribers",
    );
  } finally {
    await pub?.close();
    subscribers.forEach(({ sub }) => sub.close());
  }
  const { code, stderr } = await relay.stop();
  assert.equal(code, 0, stderr);
  for (const line of relay.lines) {
    const stats = parseStats(line);
    if (stats) assert.equal(stats.dropped, 0, line);
  }
  assert.match(relay.lines.at(-1)!, / 0 dropped$/);
});

Deno.test("relay: our publisher reaches libzmq subscribers with prefix filters, every matching message once", async () => {
  await using peer = await LibzmqPeer.start();
  const relay = await RelayProcess.start(["--stats-interval", "0"]);
  const pub = new Publisher({ linger: 0, sendHighWaterMark: 100000 });
  const subscribers: { sub: PeerSocket; prefix: string }[] = [];
  try {
    pub.connect(relay.frontend);
    for (let i = 0; i < 6; i++) {
      const prefix = i < 5 ? topic(i) : "t";
      const sub = await peer.socket("Subscriber", { receiveHighWaterMark: 100000 });
      await sub.call("subscribe", prefix);
      await sub.connect(relay.backend);
      subscribers.push({ sub, prefix });
    }
    const warmed = new Set<number>();
    await within(
      20000,
      (async () => {
        while (warmed.size < subscribers.length) {
          for (const msg of warmups()) await pub.send(msg);
          for (let i = 0; i < subscribers.length; i++) {
            if (warmed.has(i)) continue;
            const got = await subscribers[i].sub.receive(50).catch(() => null);
            if (got !== null) warmed.add(i);
          }
        }
      })(),
      "every subscription through the relay",
    );

    const count = 40;
    for (const msg of dataMessages(count)) await pub.send(msg);
    const results = await within(
      60000,
      Promise.all(
        subscribers.map(({ sub, prefix }) =>
          collect(() => sub.receive(10000), prefix === "t" ? TOPICS : 1, () => {})
        ),
      ),
      "every libzmq subscriber's messages",
    );
    results.forEach((got, i) => assertReceived(got, subscribers[i].prefix, count, `libzmq ${i}`));
  } finally {
    pub.close();
    for (const { sub } of subscribers) await sub.close();
  }
  const { code, stderr } = await relay.stop();
  assert.equal(code, 0, stderr);
});

Deno.test("relay --curve-secret-key serves CURVE on the backend: CURVE subscribers (ours and libzmq's) get through, NULL ones do not", async () => {
  await using peer = await LibzmqPeer.start();
  const server = curveKeyPair();
  const relay = await RelayProcess.start(["--curve-secret-key", server.secretKey]);
  assert.ok(relay.lines.some((l) => l.startsWith("backend (CURVE) listening on")));
  assert.ok(relay.lines.includes(`backend CURVE server key ${server.publicKey}`));
  const pub = new Publisher({ linger: 0 });
  const client = curveKeyPair();
  const ours = new Subscriber({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  const plain = new Subscriber();
  let theirs: PeerSocket | null = null;
  try {
    pub.connect(relay.frontend);
    // The NULL subscriber is refused at the handshake.
    const refused = (async () => {
      for await (const event of plain.events) {
        if (event.type.startsWith("handshake:error")) return event.type;
      }
    })();
    plain.subscribe("secret");
    plain.connect(relay.backend);
    assert.match(
      (await within(10000, refused, "the NULL subscriber's handshake error")) ?? "",
      /^handshake:error/,
    );

    ours.subscribe("secret");
    ours.connect(relay.backend);
    const libzmqClient = await peer.curveKeyPair();
    theirs = await peer.socket("Subscriber", {
      curveServerKey: server.publicKey,
      curvePublicKey: libzmqClient.publicKey,
      curveSecretKey: libzmqClient.secretKey,
    });
    await theirs.call("subscribe", "secret");
    await theirs.connect(relay.backend);

    let oursGot: string[] | null = null;
    ours.receive().then((msg) => oursGot = texts(msg), () => {});
    let theirsGot: string[] | null = null;
    const theirsReceiving = (async () => {
      while (theirsGot === null) {
        const msg = await theirs!.receive(100).catch(() => null);
        if (msg !== null) theirsGot = texts(msg);
        else await pub.send(["secret", "through CURVE"]);
      }
    })();
    await within(
      20000,
      (async () => {
        while (oursGot === null) {
          await pub.send(["secret", "through CURVE"]);
          await delay(20);
        }
      })(),
      "our CURVE subscriber's message",
    );
    await within(20000, theirsReceiving, "libzmq's CURVE subscriber's message");
    assert.deepEqual(oursGot, ["secret", "through CURVE"]);
    assert.deepEqual(theirsGot, ["secret", "through CURVE"]);
    plain.receiveTimeout = 0;
    await assert.rejects(plain.receive(), { code: "EAGAIN" });
  } finally {
    pub.close();
    ours.close();
    plain.close();
    await theirs?.close();
  }
  const { code, stderr } = await relay.stop();
  assert.equal(code, 0, stderr);
});

Deno.test("the tool bundles to one file whose relay runs, CURVE included", async () => {
  const dir = await Deno.makeTempDir({ prefix: "relay-bundle-" });
  try {
    const bundle = `${dir}/relay.js`;
    const built = await within(
      60000,
      new Deno.Command(Deno.execPath(), {
        args: ["bundle", "--quiet", CLI_SCRIPT, "-o", bundle],
        stdin: "null",
      }).output(),
      "deno bundle",
    );
    assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
    // The bundle stands alone: nothing it needs lives outside the file.
    const source = await Deno.readTextFile(bundle);
    assert.doesNotMatch(source, /from "\.\.?\//);

    // CURVE too: the npm crypto the library uses is inside the bundle.
    const server = curveKeyPair();
    const client = curveKeyPair();
    const relay = await RelayProcess.start(
      ["--stats-interval", "0", "--curve-secret-key", server.secretKey],
      { script: bundle },
    );
    const pub = new Publisher({ linger: 0 });
    pub.connect(relay.frontend);
    const sub = new Subscriber({
      curveServerKey: server.publicKey,
      curvePublicKey: client.publicKey,
      curveSecretKey: client.secretKey,
    });
    sub.subscribe("bundled");
    sub.connect(relay.backend);
    try {
      await eventually(() => pub.topicCount === 1, 10000, "the subscription through the bundle");
      await pub.send(["bundled", "works"]);
      assert.deepEqual(texts(await within(10000, sub.receive())), ["bundled", "works"]);
    } finally {
      pub.close();
      sub.close();
    }
    const { code, stderr } = await relay.stop();
    assert.equal(code, 0, stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A tcp port that was free a moment ago. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Why ws:// cannot be tested here (the transport is not in this build), or null. */
const wsMissing = await (async () => {
  const probe = new Publisher({ linger: 0 });
  try {
    await probe.bind(`ws://127.0.0.1:${freePort()}/probe`);
    return null;
  } catch (err) {
    return `ws:// is not available: ${(err as Error).message}`;
  } finally {
    probe.close();
  }
})();

Deno.test({
  name: `relay passes ws:// endpoints to the library: publishers and subscribers over WebSocket${
    wsMissing ? ` (skipped: ${wsMissing})` : ""
  }`,
  ignore: wsMissing !== null,
  fn: async () => {
    const frontend = `ws://127.0.0.1:${freePort()}/publish`;
    const backend = `ws://127.0.0.1:${freePort()}/subscribe`;
    const relay = new RelayProcess(["--frontend", frontend, "--backend", backend]);
    const pub = new Publisher({ linger: 0 });
    const sub = new Subscriber();
    try {
      await relay.waitForLine((line) => line === "relay ready");
      sub.subscribe("ws");
      sub.connect(backend);
      pub.connect(frontend);
      await eventually(() => pub.topicCount === 1, 10000, "the subscription through the relay");
      await pub.send(["ws", "across"]);
      assert.deepEqual(texts(await within(10000, sub.receive())), ["ws", "across"]);
    } finally {
      pub.close();
      sub.close();
    }
    const { code, stderr } = await relay.stop();
    assert.equal(code, 0, stderr);
  },
});
