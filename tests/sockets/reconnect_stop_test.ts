/** reconnectStop: libzmq's ZMQ_RECONNECT_STOP bits. */

import assert from "node:assert/strict";
import { Pull, Push, ReconnectStop, type SocketEvent, type ZmqError } from "../../mod.ts";
import { delay, eventually, texts, within } from "../helpers.ts";

/** A loopback port nothing listens on (yet). */
function freePort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  return port;
}

function record(socket: Push): SocketEvent[] {
  const events: SocketEvent[] = [];
  (async () => {
    for await (const event of socket.events) events.push(event);
  })();
  return events;
}

async function nothingArrives(pull: Pull, ms = 300): Promise<void> {
  pull.receiveTimeout = ms;
  await assert.rejects(pull.receive(), (err: ZmqError) => err.code === "EAGAIN");
}

for (const stop of [true, false]) {
  Deno.test(`reconnectStop connectionRefused ${stop ? "set: a refused connect is not retried" : "unset: retried until the peer binds"}`, async () => {
    const port = freePort();
    using push = new Push({
      reconnectInterval: 20,
      reconnectStop: stop ? ReconnectStop.connectionRefused : 0,
      linger: 0,
    });
    const events = record(push);
    push.connect(`tcp://127.0.0.1:${port}`);
    await eventually(() => events.some((e) => e.type === "close"), 5000, "a refused attempt");
    await delay(100);
    using pull = new Pull();
    await pull.bind(`tcp://127.0.0.1:${port}`);
    if (stop) {
      // The session ended with its pipe: the PUSH has no peer to queue for.
      push.sendTimeout = 100;
      await assert.rejects(push.send("nowhere"), (err: ZmqError) => err.code === "EAGAIN");
      await nothingArrives(pull);
      assert.equal(events.filter((e) => e.type === "connect:retry").length, 0);
    } else {
      await push.send("after retries");
      assert.deepEqual(texts(await within(5000, pull.receive())), ["after retries"]);
    }
  });
}

for (const stop of [true, false]) {
  Deno.test(`reconnectStop handshakeFailed ${stop ? "set: a peer that drops us during the handshake is not retried" : "unset: retried"}`, async () => {
    // Not ZMTP: accepts and hangs up at once.
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    let accepted = 0;
    const serving = (async () => {
      for await (const conn of listener) {
        accepted++;
        conn.close();
      }
    })();
    using push = new Push({
      reconnectInterval: 20,
      reconnectStop: stop ? ReconnectStop.handshakeFailed : 0,
      linger: 0,
    });
    push.connect(`tcp://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`);
    await delay(400);
    push.close();
    listener.close();
    await serving.catch(() => {});
    if (stop) assert.equal(accepted, 1);
    else assert.ok(accepted > 2, `${accepted} connections`);
  });
}

for (const stop of [true, false]) {
  Deno.test(`reconnectStop afterDisconnect ${stop ? "set: a lingering connection gives up when refused" : "unset: it keeps delivering after disconnect"}`, async () => {
    const port = freePort();
    const endpoint = `tcp://127.0.0.1:${port}`;
    using push = new Push({
      reconnectInterval: 20,
      reconnectStop: stop ? ReconnectStop.afterDisconnect : 0,
      linger: -1,
    });
    push.connect(endpoint);
    await push.send("queued before disconnect");
    push.disconnect(endpoint);
    await delay(100);
    using pull = new Pull();
    await pull.bind(endpoint);
    if (stop) await nothingArrives(pull);
    else {
      assert.deepEqual(texts(await within(5000, pull.receive())), ["queued before disconnect"]);
    }
  });
}
