/** reconnectStop's connectionRefused bit, as libzmq's ZMQ_RECONNECT_STOP (pyzmq: zeromq.js lacks it). */

import assert from "node:assert/strict";
import { Pull, Push, ReconnectStop } from "../../mod.ts";
import { delay, texts, within } from "../helpers.ts";
import { PythonPeer, pyzmqMissing, withPyzmq } from "../cli/python.ts";

function freePort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  return port;
}

/** What a libzmq PUSH with `bits` does when its peer binds after a refused connect. */
async function libzmqAfterRefusal(bits: number): Promise<{ sent: boolean; received: boolean }> {
  const port = freePort();
  const python = new PythonPeer(`
import zmq
c = zmq.Context()
push = c.socket(zmq.PUSH)
push.setsockopt(109, ${bits})  # ZMQ_RECONNECT_STOP
push.setsockopt(zmq.RECONNECT_IVL, 20)
push.setsockopt(zmq.SNDTIMEO, 500)
push.setsockopt(zmq.LINGER, 1000)
push.connect("tcp://127.0.0.1:${port}")
print("connecting", flush=True)
import time
time.sleep(0.6)
try:
    push.send(b"x")
    print("sent")
except zmq.Again:
    print("blocked")
push.close()
c.term()
`);
  try {
    assert.equal(await python.line(), "connecting");
    await delay(300);
    using pull = new Pull({ receiveTimeout: 1500 });
    await pull.bind(`tcp://127.0.0.1:${port}`);
    const sent = (await python.line()) === "sent";
    const received = await pull.receive().then(() => true, () => false);
    return { sent, received };
  } finally {
    python.stop();
    await python.finished();
  }
}

Deno.test({
  name: withPyzmq(
    "libzmq with ZMQ_RECONNECT_STOP_CONN_REFUSED gives up after a refusal; ours does the same",
  ),
  ignore: pyzmqMissing !== null,
  fn: async () => {
    assert.deepEqual(await libzmqAfterRefusal(ReconnectStop.connectionRefused), {
      sent: false,
      received: false,
    });
    assert.deepEqual(await libzmqAfterRefusal(0), { sent: true, received: true });
    // Ours, the same way round.
    const port = freePort();
    using push = new Push({
      reconnectStop: ReconnectStop.connectionRefused,
      reconnectInterval: 20,
      sendTimeout: 500,
      linger: 0,
    });
    push.connect(`tcp://127.0.0.1:${port}`);
    await delay(300);
    using pull = new Pull({ receiveTimeout: 500 });
    await pull.bind(`tcp://127.0.0.1:${port}`);
    await assert.rejects(push.send("x"), { code: "EAGAIN" });
    await assert.rejects(pull.receive(), { code: "EAGAIN" });
    // Without the bit ours reconnects and delivers.
    using retrying = new Push({ reconnectInterval: 20 });
    retrying.connect(`tcp://127.0.0.1:${port}`);
    await retrying.send("y");
    pull.receiveTimeout = 5000;
    assert.deepEqual(texts(await within(5000, pull.receive())), ["y"]);
  },
});
