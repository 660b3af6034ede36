/** Message properties and ZMQ_METADATA against libzmq (pyzmq: zeromq.js has no zmq_msg_gets). */

import assert from "node:assert/strict";
import { Dealer, messageProperty, Router } from "../../mod.ts";
import { within } from "../helpers.ts";
import { PythonPeer, pyzmqMissing, withPyzmq } from "../cli/python.ts";

Deno.test({
  name: withPyzmq("a libzmq DEALER's routing id and ZMQ_METADATA are properties of its messages"),
  ignore: pyzmqMissing !== null,
  fn: async () => {
    using router = new Router();
    await router.bind("tcp://127.0.0.1:*");
    const python = new PythonPeer(`
import zmq
ctx = zmq.Context()
d = ctx.socket(zmq.DEALER)
d.setsockopt(zmq.ROUTING_ID, b"py-dealer")
d.setsockopt(zmq.METADATA, b"X-Lang:python")
d.setsockopt(zmq.LINGER, 2000)
d.connect("${router.lastEndpoint}")
d.send(b"hello")
d.close()
ctx.term()
print("sent")
`);
    try {
      const msg = await within(10000, router.receive());
      assert.equal(messageProperty(msg, "Socket-Type"), "DEALER");
      assert.equal(messageProperty(msg, "Identity"), "py-dealer");
      assert.equal(messageProperty(msg, "X-Lang"), "python");
      assert.equal(messageProperty(msg, "Peer-Address"), "127.0.0.1");
      assert.equal(await python.line(), "sent");
    } finally {
      python.stop();
      await python.finished();
    }
  },
});

Deno.test({
  name: withPyzmq("our metadata and routing id reach libzmq's zmq_msg_gets"),
  ignore: pyzmqMissing !== null,
  fn: async () => {
    const python = new PythonPeer(`
import json, zmq
ctx = zmq.Context()
r = ctx.socket(zmq.ROUTER)
r.bind("tcp://127.0.0.1:*")
print(r.getsockopt(zmq.LAST_ENDPOINT).decode())
frames = r.recv_multipart(copy=False)
props = {}
for name in ["Socket-Type", "Identity", "X-Lang", "Peer-Address"]:
    try:
        props[name] = frames[-1].get(name)
    except zmq.ZMQError:
        props[name] = None
print(json.dumps(props))
r.close(0)
ctx.term()
`);
    try {
      const endpoint = await python.line();
      using dealer = new Dealer({ routingId: "ts-dealer", metadata: { "X-Lang": "typescript" } });
      dealer.connect(endpoint);
      await dealer.send("hello");
      assert.deepEqual(JSON.parse(await python.line()), {
        "Socket-Type": "DEALER",
        "Identity": "ts-dealer",
        "X-Lang": "typescript",
        "Peer-Address": "127.0.0.1",
      });
    } finally {
      python.stop();
      await python.finished();
    }
  },
});
