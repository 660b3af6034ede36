/**
 * The draft socket types against libzmq 4.3.5 (zeromq.js 6.8.0's
 * `zeromq/draft`), over tcp, each pairing in both roles and with both
 * sides binding.
 */

import assert from "node:assert/strict";
import {
  Client,
  Dish,
  Gather,
  messageGroup,
  messageRoutingId,
  Radio,
  Scatter,
  Server,
} from "../../mod.ts";
import { pattern, texts, within } from "../helpers.ts";
import { LibzmqPeer, type PeerSocket } from "./libzmq.ts";

type Binder = "ours" | "libzmq";
const BINDERS: Binder[] = ["ours", "libzmq"];
const roles = (binder: Binder) =>
  binder === "ours" ? "we bind, libzmq connects" : "libzmq binds, we connect";

/** Binds one side on a fresh tcp port and connects the other to it. */
async function link(
  ours: { bind(e: string): Promise<void>; connect(e: string): void; lastEndpoint: string | null },
  theirs: PeerSocket,
  binder: Binder,
): Promise<void> {
  if (binder === "ours") {
    await ours.bind("tcp://127.0.0.1:*");
    await theirs.connect(ours.lastEndpoint!);
  } else {
    ours.connect(await theirs.bind("tcp://127.0.0.1:*"));
  }
}

for (const binder of BINDERS) {
  Deno.test(`SERVER (ours) with libzmq CLIENT (${roles(binder)})`, async () => {
    await using peer = await LibzmqPeer.start();
    const client = await peer.socket("Client");
    const server = new Server();
    try {
      await link(server, client, binder);
      await client.send("ping");
      const request = await within(10000, server.receive());
      assert.deepEqual(texts(request), ["ping"]);
      await server.send(pattern(70000, 3), { routingId: messageRoutingId(request)! });
      assert.deepEqual((await client.receiveWith()).frames, [pattern(70000, 3)]);
    } finally {
      server.close();
    }
  });

  Deno.test(`CLIENT (ours) with libzmq SERVER (${roles(binder)})`, async () => {
    await using peer = await LibzmqPeer.start();
    const server = await peer.socket("Server");
    const client = new Client();
    try {
      await link(client, server, binder);
      await client.send("ping");
      const request = await server.receiveWith();
      assert.deepEqual(texts(request.frames), ["ping"]);
      assert.equal(typeof request.routingId, "number");
      await server.sendWith("pong", { routingId: request.routingId });
      assert.deepEqual(texts(await within(10000, client.receive())), ["pong"]);
    } finally {
      client.close();
    }
  });

  Deno.test(`SCATTER (ours) with libzmq GATHER (${roles(binder)})`, async () => {
    await using peer = await LibzmqPeer.start();
    const gather = await peer.socket("Gather");
    const scatter = new Scatter();
    try {
      await link(scatter, gather, binder);
      for (let i = 0; i < 50; i++) await scatter.send(String(i));
      const got = await gather.receiveMany(50);
      assert.deepEqual(
        got.map((m) => texts(m)[0]),
        Array.from({ length: 50 }, (_, i) => String(i)),
      );
    } finally {
      scatter.close();
    }
  });

  Deno.test(`GATHER (ours) with libzmq SCATTER (${roles(binder)})`, async () => {
    await using peer = await LibzmqPeer.start();
    const scatter = await peer.socket("Scatter");
    const gather = new Gather();
    try {
      await link(gather, scatter, binder);
      await scatter.sendMany(Array.from({ length: 50 }, (_, i) => [String(i)]));
      for (let i = 0; i < 50; i++) {
        assert.deepEqual(texts(await within(10000, gather.receive())), [String(i)]);
      }
    } finally {
      gather.close();
    }
  });

  Deno.test(`RADIO (ours) with libzmq DISH (${roles(binder)}): JOIN, LEAVE, groups`, async () => {
    await using peer = await LibzmqPeer.start();
    const dish = await peer.socket("Dish");
    const radio = new Radio();
    try {
      await dish.call("join", "weather");
      await link(radio, dish, binder);
      // The dish's JOIN reaches us some time after the connection: probe until it has.
      const heard = await untilTheyHear(radio, dish, "weather");
      assert.equal(new TextDecoder().decode(heard.group), "weather");
      await radio.send("other group", { group: "news" });
      await radio.send("sunny", { group: "weather" });
      const msg = await nextNonProbe(dish);
      assert.deepEqual(texts(msg.frames), ["sunny"]);
      assert.equal(new TextDecoder().decode(msg.group), "weather");
      await dish.call("leave", "weather");
      await dish.call("join", "g".repeat(200));
      await untilTheyHear(radio, dish, "g".repeat(200));
      await radio.send("left", { group: "weather" });
      await radio.send("long group", { group: "g".repeat(200) });
      assert.deepEqual(texts((await nextNonProbe(dish)).frames), ["long group"]);
    } finally {
      radio.close();
    }
  });

  Deno.test(`DISH (ours) with libzmq RADIO (${roles(binder)}): JOIN, LEAVE, groups`, async () => {
    await using peer = await LibzmqPeer.start();
    const radio = await peer.socket("Radio");
    const dish = new Dish();
    try {
      dish.join("weather");
      await link(dish, radio, binder);
      await untilWeHear(radio, dish, "weather");
      await radio.sendWith("other group", { group: "news" });
      await radio.sendWith("sunny", { group: "weather" });
      const msg = await nextOurs(dish);
      assert.deepEqual(texts(msg), ["sunny"]);
      assert.equal(messageGroup(msg), "weather");
      dish.leave("weather");
      dish.join("news");
      await untilWeHear(radio, dish, "news");
      await radio.sendWith("left", { group: "weather" });
      await radio.sendWith("headline", { group: "news" });
      const next = await nextOurs(dish);
      assert.deepEqual(texts(next), ["headline"]);
      assert.equal(messageGroup(next), "news");
    } finally {
      dish.close();
    }
  });
}

/**
 * Our radio sends probes until libzmq's dish receives one. The dish's own
 * receiveTimeout bounds each wait: a zeromq.js receive abandoned by a
 * timeout of the peer process would stay pending and swallow the next.
 */
async function untilTheyHear(radio: Radio, dish: PeerSocket, group: string) {
  await dish.set("receiveTimeout", 50);
  try {
    for (let i = 0; i < 200; i++) {
      await radio.send("probe", { group });
      try {
        return await dish.receiveWith();
      } catch { /* not joined yet */ }
    }
  } finally {
    await dish.set("receiveTimeout", -1);
  }
  throw new Error("libzmq's JOIN never arrived");
}

/** libzmq's radio sends probes until our dish receives one. */
async function untilWeHear(radio: PeerSocket, dish: Dish, group: string) {
  for (let i = 0; i < 200; i++) {
    await radio.sendWith("probe", { group });
    try {
      return await dish.receive({ signal: AbortSignal.timeout(50) });
    } catch { /* not joined yet */ }
  }
  throw new Error("our JOIN never reached libzmq");
}

async function nextNonProbe(dish: PeerSocket) {
  for (;;) {
    const msg = await dish.receiveWith();
    if (texts(msg.frames)[0] !== "probe") return msg;
  }
}

async function nextOurs(dish: Dish) {
  for (;;) {
    const msg = await within(10000, dish.receive());
    if (texts(msg)[0] !== "probe") return msg;
  }
}

const unstableNet = typeof (Deno as { listenDatagram?: unknown }).listenDatagram === "function";

Deno.test({
  name: "RADIO (ours) connects over udp:// to libzmq's DISH that binds",
  ignore: !unstableNet,
  async fn() {
    await using peer = await LibzmqPeer.start();
    const dish = await peer.socket("Dish");
    const port = await freeUdpPort();
    await dish.bind(`udp://127.0.0.1:${port}`);
    await dish.call("join", "weather");
    const radio = new Radio();
    try {
      radio.connect(`udp://127.0.0.1:${port}`);
      await untilTheyHear(radio, dish, "weather");
      await radio.send("not joined", { group: "news" });
      await radio.send(pattern(8000, 5), { group: "weather" });
      const msg = await nextNonProbe(dish);
      assert.deepEqual(msg.frames, [pattern(8000, 5)]);
      assert.equal(new TextDecoder().decode(msg.group), "weather");
      // The longest group libzmq reads right (its length byte is signed).
      await dish.call("join", "g".repeat(127));
      await radio.send("long", { group: "g".repeat(127) });
      const long = await nextNonProbe(dish);
      assert.deepEqual(texts(long.frames), ["long"]);
      assert.equal(long.group!.length, 127);
    } finally {
      radio.close();
    }
  },
});

Deno.test({
  name: "DISH (ours) binds udp:// and hears libzmq's RADIO that connects",
  ignore: !unstableNet,
  async fn() {
    await using peer = await LibzmqPeer.start();
    const dish = new Dish();
    await dish.bind("udp://127.0.0.1:*");
    dish.join("weather");
    const radio = await peer.socket("Radio");
    try {
      await radio.connect(dish.lastEndpoint!);
      await untilWeHear(radio, dish, "weather");
      await radio.sendWith("not joined", { group: "news" });
      await radio.sendWith(pattern(8000, 9), { group: "weather" });
      const msg = await nextOurs(dish);
      assert.deepEqual(msg, [pattern(8000, 9)]);
      assert.equal(messageGroup(msg), "weather");
    } finally {
      dish.close();
    }
  },
});

/** A udp port free now on 127.0.0.1 (libzmq's udp bind takes no wildcard port). */
async function freeUdpPort(): Promise<number> {
  const listen = (Deno as unknown as {
    listenDatagram(o: { transport: "udp"; hostname: string; port: number }): {
      addr: { port: number };
      close(): void;
    };
  }).listenDatagram;
  const socket = listen({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const port = socket.addr.port;
  socket.close();
  await Promise.resolve();
  return port;
}

for (const binder of BINDERS) {
  Deno.test(`SERVER (ours) and libzmq CLIENT over ws:// (${roles(binder)})`, async () => {
    await using peer = await LibzmqPeer.start();
    const client = await peer.socket("Client");
    const server = new Server();
    try {
      if (binder === "ours") {
        await server.bind("ws://127.0.0.1:*/draft");
        await client.connect(server.lastEndpoint!);
      } else {
        server.connect(await client.bind("ws://127.0.0.1:*/draft"));
      }
      await client.send("ping over ws");
      const request = await within(10000, server.receive());
      assert.deepEqual(texts(request), ["ping over ws"]);
      await server.send("pong over ws", { routingId: messageRoutingId(request)! });
      assert.deepEqual(texts((await client.receiveWith()).frames), ["pong over ws"]);
    } finally {
      server.close();
    }
  });
}
