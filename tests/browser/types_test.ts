/**
 * In a page, every socket type that has a WebSocket peer connects over ws
 * to its partner in Deno and exchanges a message both ways where the
 * pattern allows (classic and draft types; PUB/SUB and XPUB/XSUB are
 * covered through the relay and against libzmq in ws_test.ts and
 * libzmq_test.ts).
 */

import assert from "node:assert/strict";
import * as zmq from "../../mod.ts";
import { texts } from "../helpers.ts";
import { Chromium, needsChromium } from "./chromium.ts";
import { openPage } from "./page_subscriber.ts";
import { PageServer } from "./page_server.ts";

/** What the page does with its socket once connected. */
type PageRole = "ask" | "send" | "receive" | "answer";

interface Case {
  /** The type the page connects. */
  page: string;
  role: PageRole;
  /** The partner Deno binds on ws, and what it does. */
  deno: () => zmq.SocketBase;
  serve: (socket: zmq.SocketBase) => Promise<string[] | void>;
}

/** Receives one message and sends it back the way the type replies. */
async function echo(socket: zmq.SocketBase): Promise<string[]> {
  const message = await socket.receive();
  if (socket instanceof zmq.Server) {
    await socket.send(message[0], { routingId: zmq.messageRoutingId(message) as number });
  } else {
    await socket.send(message);
  }
  return texts(message);
}

const receive = async (socket: zmq.SocketBase) => texts(await socket.receive());
const sendPing = (socket: zmq.SocketBase) => socket.send("ping");
/** Sends and waits for the page's answer (a Router in the page sends it back). */
const askPage = async (socket: zmq.SocketBase) => {
  await socket.send("ping");
  return texts(await socket.receive());
};

const CASES: Case[] = [
  { page: "Pair", role: "ask", deno: () => new zmq.Pair(), serve: echo },
  { page: "Request", role: "ask", deno: () => new zmq.Reply(), serve: echo },
  { page: "Dealer", role: "ask", deno: () => new zmq.Router(), serve: echo },
  { page: "Router", role: "answer", deno: () => new zmq.Dealer(), serve: askPage },
  { page: "Push", role: "send", deno: () => new zmq.Pull(), serve: receive },
  { page: "Pull", role: "receive", deno: () => new zmq.Push(), serve: sendPing },
  { page: "Client", role: "ask", deno: () => new zmq.Server(), serve: echo },
  { page: "Channel", role: "ask", deno: () => new zmq.Channel(), serve: echo },
  { page: "Scatter", role: "send", deno: () => new zmq.Gather(), serve: receive },
  { page: "Gather", role: "receive", deno: () => new zmq.Scatter(), serve: sendPing },
];

Deno.test({
  name: "in a page every socket type connects over ws to its partner in Deno and talks",
  ...needsChromium,
  async fn() {
    await using server = await PageServer.start();
    await using browser = await Chromium.launch();
    const page = await openPage(browser, server);
    for (const { page: type, role, deno, serve } of CASES) {
      using partner = deno();
      await partner.bind("ws://127.0.0.1:*/");
      const served = serve(partner);
      const got = await page.run(
        async (zmq, [type, role, endpoint]) => {
          const types = zmq as unknown as Record<string, new () => InstanceType<typeof zmq.Pair>>;
          const socket = new types[type]();
          socket.connect(endpoint);
          const decode = (m: Uint8Array[]) => m.map((f) => new TextDecoder().decode(f));
          try {
            if (role === "send") return await socket.send("ping"), [];
            if (role === "receive") return decode(await socket.receive());
            if (role === "answer") {
              const message = await socket.receive(); // [routing id, "ping"]
              await socket.send(message);
              return decode(message).slice(1);
            }
            await socket.send("ping");
            return decode(await socket.receive());
          } finally {
            socket.close();
          }
        },
        [type, role, partner.lastEndpoint!],
        20000,
      );
      const answered = await served;
      const what = `page ${type} (${role}) ↔ Deno ${partner.constructor.name}`;
      if (role !== "send") assert.deepEqual(got, ["ping"], what);
      if (role !== "receive") assert.deepEqual(answered?.slice(-1), ["ping"], what);
    }
  },
});
