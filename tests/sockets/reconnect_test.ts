// Reconnection: exponential back-off up to reconnectMaxInterval that starts
// over once a connection succeeds (libzmq makes a new connecter per
// attempt cycle), and a REQ whose peer died, recovered with `relaxed`.
import assert from "node:assert/strict";
import { Pull, Push, Reply, Request, type SocketBase, ZmqError } from "../../mod.ts";
import { EventLog } from "../event_log.ts";
import { delay, eventually, texts, within } from "../helpers.ts";

function freeEndpoint(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return `tcp://127.0.0.1:${port}`;
}

/** Binds, retrying while the port is still held by a socket that just closed. */
async function bindAgain(socket: SocketBase, endpoint: string): Promise<void> {
  for (let attempt = 0;; attempt++) {
    try {
      await socket.bind(endpoint);
      return;
    } catch (err) {
      if (!(err instanceof ZmqError && err.code === "EADDRINUSE") || attempt > 100) throw err;
      await delay(20);
    }
  }
}

function retryIntervals(log: EventLog): number[] {
  return log.events.filter((e) => e.type === "connect:retry").map((e) => e.interval!);
}

Deno.test("back-off doubles up to reconnectMaxInterval, and starts over after a connection", async () => {
  const endpoint = freeEndpoint();
  const push = new Push({ reconnectInterval: 10, reconnectMaxInterval: 80, linger: 0 });
  const log = new EventLog(push);
  push.connect(endpoint);
  await eventually(() => retryIntervals(log).length >= 5, 5000, "five retries");
  assert.deepEqual(retryIntervals(log).slice(0, 5), [10, 20, 40, 80, 80]);
  const pull = new Pull();
  await pull.bind(endpoint);
  await log.waitFor("handshake");
  const before = retryIntervals(log).length;
  pull.close();
  await log.waitFor("disconnect");
  await eventually(() => retryIntervals(log).length >= before + 3, 5000, "retries after the loss");
  // The first wait after a lost connection is reconnectInterval again.
  assert.deepEqual(retryIntervals(log).slice(before, before + 3), [10, 20, 40]);
  push.close();
});

/** A REQ that sent a request to a REP which died without answering, and a new REP in its place. */
async function requestToDeadPeer(
  relaxed: boolean,
): Promise<{ req: Request; rep: Reply; close: () => void }> {
  const endpoint = freeEndpoint();
  const first = new Reply();
  await first.bind(endpoint);
  const req = new Request({ relaxed, reconnectInterval: 20, receiveTimeout: 300 });
  const log = new EventLog(req);
  req.connect(endpoint);
  await req.send("lost request");
  assert.deepEqual(texts(await within(5000, first.receive())), ["lost request"]);
  first.close(); // dies without replying
  await log.waitFor("disconnect");
  const rep = new Reply();
  await bindAgain(rep, endpoint);
  await eventually(() => log.events.filter((e) => e.type === "handshake").length === 2);
  return {
    req,
    rep,
    close: () => {
      req.close();
      rep.close();
    },
  };
}

Deno.test("a REQ whose peer died without replying is stuck: no reply comes, and send says EFSM", async () => {
  const { req, close } = await requestToDeadPeer(false);
  await assert.rejects(req.receive(), (err) => err instanceof ZmqError && err.code === "EAGAIN");
  await assert.rejects(req.send("again"), (err) => err instanceof ZmqError && err.code === "EFSM");
  close();
});

Deno.test("relaxed recovers a REQ whose peer died: it sends again and gets the new peer's reply", async () => {
  const { req, rep, close } = await requestToDeadPeer(true);
  await req.send("again");
  assert.deepEqual(texts(await within(5000, rep.receive())), ["again"]);
  await rep.send("answer");
  assert.deepEqual(texts(await within(5000, req.receive())), ["answer"]);
  close();
});
