// Hostile input at a live socket: a seeded stream of random and mutated
// connections (tests/fuzz.ts) against bound PULL, ROUTER and PUB sockets.
// Each bad connection must be closed alone and reported; the process must
// not throw; a good peer connected all along keeps exchanging messages,
// and a new one can still connect afterwards.
import assert from "node:assert/strict";
import {
  curveKeyPair,
  Dealer,
  Publisher,
  Pull,
  Push,
  Router,
  type SocketBase,
  Subscriber,
} from "../../mod.ts";
import { EventLog } from "../event_log.ts";
import { delay, eventually, texts, within } from "../helpers.ts";
import { fuzzSeed, fuzzStream, type Mechanism, type StreamKind } from "../fuzz.ts";
import { openFileCount, RawClient } from "../raw_zmtp.ts";

const CONCURRENCY = 24;

/** Sends one hostile stream on a fresh connection, then hangs up. */
async function attack(endpoint: string, bytes: Uint8Array): Promise<void> {
  const raw = await RawClient.connect(endpoint);
  try {
    await raw.write(bytes);
    // Give the socket a moment to judge what it got; it may hang up first.
    await raw.closedByPeer(40).catch(() => {});
  } catch {
    // The socket closed the connection while we were still writing: fine.
  } finally {
    raw.close();
  }
}

/** Runs `count` hostile connections, `CONCURRENCY` at a time; returns how many of each kind. */
async function runAttacks(
  endpoint: string,
  socketType: string,
  count: number,
  mechanism: Mechanism = "NULL",
): Promise<Record<StreamKind, number>> {
  const seed = fuzzSeed();
  const kinds: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const { kind, bytes } = fuzzStream(seed, next++, socketType, mechanism);
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      await attack(endpoint, bytes);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return kinds as Record<StreamKind, number>;
}

/** Every event names the bound endpoint; returns the counts by type. */
function summarize(log: EventLog, endpoint: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of log.events) {
    assert.equal(event.address, endpoint, `${event.type} without the endpoint`);
    counts[event.type] = (counts[event.type] ?? 0) + 1;
  }
  return counts;
}

/**
 * Waits until each of the `count` hostile connections was reported closed,
 * then until the process holds no more open files than at `baseline`.
 */
async function allClosed(log: EventLog, count: number, baseline: number): Promise<void> {
  await eventually(
    () => log.events.filter((e) => e.type === "disconnect").length >= count,
    10000,
    `a disconnect for each of the ${count} connections`,
  );
  await eventually(() => openFileCount() <= baseline, 5000, `open files back to ${baseline}`);
}

Deno.test("fuzz: a PULL takes 2,000 hostile connections and keeps serving its good peer", async () => {
  const pull = new Pull({ handshakeInterval: 300 });
  const log = new EventLog(pull);
  await pull.bind("tcp://127.0.0.1:*");
  const endpoint = pull.lastEndpoint!;
  const good = new Push();
  good.connect(endpoint);
  const token = crypto.randomUUID();
  await good.send([token, "0"]);
  assert.deepEqual(texts(await within(5000, pull.receive())), [token, "0"]);
  const baseline = openFileCount();

  // The good peer sends all along; fuzz peers' messages are skipped.
  let sent = 1;
  let received = 1;
  let stop = false;
  const sending = (async () => {
    while (!stop) {
      await good.send([token, String(sent++)]);
      await delay(5);
    }
    await good.send([token, "end"]);
  })();
  const receiving = (async () => {
    for (;;) {
      const msg = await pull.receive();
      if (msg.length !== 2 || texts([msg[0]])[0] !== token) continue;
      if (texts([msg[1]])[0] === "end") return;
      assert.equal(texts([msg[1]])[0], String(received), "the good peer's messages in order");
      received++;
    }
  })();
  const started = performance.now();
  const kinds = await within(45000, runAttacks(endpoint, "PUSH", 2000), "the attacks");
  stop = true;
  await within(5000, sending, "the good sender");
  await within(5000, receiving, `receiving (${received} of ${sent})`);
  assert.equal(received, sent);

  // A new peer can still connect, and nothing stayed open.
  const late = new Push();
  late.connect(endpoint);
  await late.send([token, "late"]);
  for (;;) {
    const msg = await within(5000, pull.receive());
    if (texts(msg).join() === `${token},late`) break;
  }
  late.close();
  await allClosed(log, 2000, baseline);
  const events = summarize(log, endpoint);
  console.log(
    `2000 connections in ${(performance.now() - started).toFixed(0)} ms; ` +
      `${sent} good messages; streams ${JSON.stringify(kinds)}; events ${JSON.stringify(events)}`,
  );
  assert.ok(events["handshake:error:protocol"] > 100);
  assert.ok(events["handshake:error:other"] > 10);
  assert.ok(events["disconnect"] >= 2000);
  good.close();
  pull.close();
});

/** A bound socket, the peer type fuzz streams pretend to be, and a good peer's round trip. */
interface Target {
  name: string;
  peerType: string;
  mechanism?: Mechanism;
  setUp(): Promise<{ socket: SocketBase; roundTrip(): Promise<void>; close(): void }>;
}

/** A PULL server with `options` (a security mechanism) and a PUSH client it accepts. */
function securedPull(
  name: string,
  mechanism: Mechanism,
  serverOptions: Record<string, unknown>,
  clientOptions: Record<string, unknown>,
): Target {
  return {
    name,
    peerType: "PUSH",
    mechanism,
    setUp: async () => {
      const pull = new Pull({ handshakeInterval: 300, ...serverOptions });
      await pull.bind("tcp://127.0.0.1:*");
      const push = new Push(clientOptions);
      push.connect(pull.lastEndpoint!);
      return {
        socket: pull,
        roundTrip: async () => {
          await push.send("ping");
          for (;;) {
            if (texts(await within(5000, pull.receive())).join() === "ping") return;
          }
        },
        close: () => {
          push.close();
          pull.close();
        },
      };
    },
  };
}

const serverKeys = curveKeyPair();
const clientKeys = curveKeyPair();

const TARGETS: Target[] = [
  securedPull("PLAIN server PULL", "PLAIN", {
    plainServer: true,
    authenticate: (request: { username?: string }) => request.username === "good",
  }, {
    plainUsername: "good",
    plainPassword: "peer",
  }),
  securedPull("CURVE server PULL", "CURVE", {
    curveServer: true,
    curveSecretKey: serverKeys.secretKey,
  }, {
    curveServerKey: serverKeys.publicKey,
    curvePublicKey: clientKeys.publicKey,
    curveSecretKey: clientKeys.secretKey,
  }),
  {
    name: "ROUTER",
    peerType: "DEALER",
    setUp: async () => {
      const router = new Router({ handshakeInterval: 300 });
      await router.bind("tcp://127.0.0.1:*");
      const dealer = new Dealer({ routingId: "good" });
      dealer.connect(router.lastEndpoint!);
      return {
        socket: router,
        roundTrip: async () => {
          await dealer.send("ping");
          for (;;) {
            const msg = await within(5000, router.receive());
            if (texts([msg[0]])[0] === "good" && texts([msg.at(-1)!])[0] === "ping") break;
          }
          await router.send(["good", "pong"]);
          assert.deepEqual(texts(await within(5000, dealer.receive())), ["pong"]);
        },
        close: () => {
          dealer.close();
          router.close();
        },
      };
    },
  },
  {
    name: "PUB",
    peerType: "SUB",
    setUp: async () => {
      const pub = new Publisher({ handshakeInterval: 300 });
      await pub.bind("tcp://127.0.0.1:*");
      const sub = new Subscriber();
      sub.subscribe("good");
      sub.connect(pub.lastEndpoint!);
      return {
        socket: pub,
        roundTrip: async () => {
          await within(
            5000,
            (async () => {
              sub.receiveTimeout = 50;
              for (;;) {
                await pub.send(["good", "news"]);
                const msg = await sub.receive().catch(() => null);
                if (msg !== null) return assert.deepEqual(texts(msg), ["good", "news"]);
              }
            })(),
          );
        },
        close: () => {
          sub.close();
          pub.close();
        },
      };
    },
  },
];

for (const target of TARGETS) {
  Deno.test(`fuzz: a ${target.name} takes 400 hostile connections and still serves a good peer`, async () => {
    const { socket, roundTrip, close } = await target.setUp();
    const log = new EventLog(socket);
    await roundTrip();
    const baseline = openFileCount();
    await within(
      30000,
      runAttacks(socket.lastEndpoint!, target.peerType, 400, target.mechanism),
      "the attacks",
    );
    await roundTrip();
    await allClosed(log, 400, baseline);
    const events = summarize(log, socket.lastEndpoint!);
    assert.equal(events["disconnect"], 400, JSON.stringify(events));
    close();
  });
}
