// Hostile input at a ws:// bind: garbage, plain HTTP, a wrong subprotocol,
// an oversized frame, an upgraded client that says nothing, broken frames.
// Each bad connection is closed alone and reported; a good peer connected
// all along keeps delivering; nothing stays open afterwards.
import assert from "node:assert/strict";
import { Pull, Push } from "../../mod.ts";
import { upgradeRequest, WsFrameEncoder } from "../../src/wire/websocket.ts";
import { EventLog } from "../event_log.ts";
import { delay, eventually, texts, within } from "../helpers.ts";
import { fuzzSeed, Random } from "../fuzz.ts";
import { openFileCount } from "../raw_zmtp.ts";

const CONNECTIONS = 400;
const CONCURRENCY = 24;
const KEY = "dGhlIHNhbXBsZSBub25jZQ==";

/** The opening handshake of a client offering `protocols`. */
function upgrade(protocols = ["ZWS2.0/NULL"]): Uint8Array {
  return upgradeRequest("127.0.0.1", "/zmq", KEY, protocols);
}

/** Masked client frames: ZWS messages given as [flags, body]. */
function frames(...messages: [number, Uint8Array][]): Uint8Array {
  const encoder = new WsFrameEncoder(true);
  for (const [flags, body] of messages) encoder.binary(flags, body);
  const chunks = encoder.take();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function ready(socketType: string): Uint8Array {
  const name = "Socket-Type";
  const body = [
    5,
    ...new TextEncoder().encode("READY"),
    name.length,
    ...new TextEncoder().encode(name),
    0,
    0,
    0,
    socketType.length,
    ...new TextEncoder().encode(socketType),
  ];
  return frames([2, new Uint8Array(body)]);
}

const KINDS = [
  "garbage",
  "plain HTTP",
  "wrong subprotocol",
  "oversized frame",
  "silent after upgrade",
  "unmasked frame",
  "random frames",
  "wrong socket type",
  "hang up at once",
  "message then garbage",
] as const;

/** What hostile connection `i` sends (a pure function of the seed and `i`). */
function hostile(random: Random, i: number): { kind: string; chunks: Uint8Array[] } {
  const kind = KINDS[i % KINDS.length];
  const garbage = random.bytes(1 + random.below(300));
  switch (kind) {
    case "garbage":
      return { kind, chunks: [garbage] };
    case "plain HTTP":
      return { kind, chunks: [new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n")] };
    case "wrong subprotocol":
      return { kind, chunks: [upgrade(["chat", "ZWS2.0/CURVE"])] };
    case "oversized frame":
      // A 1 GiB binary frame's header, masked, after a good upgrade.
      return {
        kind,
        chunks: [upgrade(), new Uint8Array([0x82, 0xff, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4])],
      };
    case "silent after upgrade":
      return { kind, chunks: [upgrade()] };
    case "unmasked frame":
      return { kind, chunks: [upgrade(), new Uint8Array([0x82, 0x02, 0x00, 0x41])] };
    case "random frames":
      return { kind, chunks: [upgrade(), ready("PUSH"), garbage] };
    case "wrong socket type":
      return { kind, chunks: [upgrade(), ready("PULL")] };
    case "hang up at once":
      return { kind, chunks: [] };
    default:
      return {
        kind,
        chunks: [
          upgrade(),
          ready("PUSH"),
          frames([0, new TextEncoder().encode("short-lived")]),
          garbage,
        ],
      };
  }
}

async function attack(port: number, chunks: Uint8Array[]): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    for (const chunk of chunks) {
      let done = 0;
      while (done < chunk.length) done += await conn.write(chunk.subarray(done));
    }
    // Let the socket judge what it got (it may hang up first), then hang up.
    const sink = new Uint8Array(4096);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const patience = new Promise<"timeout">((resolve) =>
      timer = setTimeout(resolve, 600, "timeout")
    );
    try {
      for (;;) {
        const reading = conn.read(sink);
        reading.catch(() => {}); // closing below may end it with an error nobody awaits
        const n = await Promise.race([reading, patience]);
        if (n === null || n === "timeout") break;
      }
    } finally {
      clearTimeout(timer);
    }
  } catch {
    /* the socket hung up while we wrote or read: fine */
  } finally {
    try {
      conn.close();
    } catch { /* closed */ }
  }
}

Deno.test("ws fuzz: a ws PULL takes 400 hostile connections and keeps serving its good peer", async () => {
  const pull = new Pull({ handshakeInterval: 300, maxMessageSize: 65536 });
  const log = new EventLog(pull);
  await pull.bind("ws://127.0.0.1:*/zmq");
  const endpoint = pull.lastEndpoint!;
  const port = Number(new URL(endpoint.replace(/^ws/, "http")).port);
  const good = new Push();
  good.connect(endpoint);
  await good.send(["good", "0"]);
  assert.deepEqual(texts(await within(5000, pull.receive())), ["good", "0"]);
  const baseline = openFileCount();

  let sent = 1;
  let received = 1;
  let stop = false;
  const sending = (async () => {
    while (!stop) {
      await good.send(["good", String(sent++)]);
      await delay(5);
    }
    await good.send(["good", "end"]);
  })();
  const receiving = (async () => {
    for (;;) {
      const msg = texts(await pull.receive());
      if (msg[0] !== "good") continue;
      if (msg[1] === "end") return;
      assert.equal(msg[1], String(received), "the good peer's messages in order");
      received++;
    }
  })();

  const random = new Random(fuzzSeed());
  const plans = Array.from({ length: CONNECTIONS }, (_, i) => hostile(random, i));
  let next = 0;
  const worker = async () => {
    while (next < plans.length) await attack(port, plans[next++].chunks);
  };
  await within(60000, Promise.all(Array.from({ length: CONCURRENCY }, worker)), "the attacks");
  stop = true;
  await within(5000, sending, "the good sender");
  await within(5000, receiving, `receiving (${received} of ${sent})`);
  assert.equal(received, sent);

  const late = new Push();
  late.connect(endpoint);
  await late.send(["good", "late"]);
  for (;;) {
    if (texts(await within(5000, pull.receive())).join() === "good,late") break;
  }
  late.close();
  await eventually(
    () => log.events.filter((e) => e.type === "disconnect").length >= CONNECTIONS,
    10000,
    "a disconnect for each hostile connection",
  );
  await eventually(() => openFileCount() <= baseline, 5000, `open files back to ${baseline}`);
  const counts: Record<string, number> = {};
  for (const e of log.events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  console.log(
    `${CONNECTIONS} hostile ws connections; ${sent} good messages; events ${
      JSON.stringify(counts)
    }`,
  );
  assert.ok(counts["handshake:error:protocol"] >= CONNECTIONS / 2);
  assert.ok(counts["handshake:error:other"] >= CONNECTIONS / 10, "silent clients time out");
  good.close();
  pull.close();
});
