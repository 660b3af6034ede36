import assert from "node:assert/strict";
import { Pull, Push } from "../../mod.ts";
import { texts, within } from "../helpers.ts";
import { microsocksNote, microsocksPath, startMicrosocks } from "../transports/microsocks.ts";
import { LibzmqPeer } from "./libzmq.ts";

Deno.test({
  name:
    `socksProxy: our PUSH reaches a libzmq PULL through an authenticating proxy${microsocksNote}`,
  ignore: microsocksPath === null,
  fn: async () => {
    await using peer = await LibzmqPeer.start();
    await using proxy = await startMicrosocks({ username: "zmq", password: "pw" });
    const pull = await peer.socket("Pull");
    const endpoint = await pull.bind("tcp://127.0.0.1:*");
    using push = new Push({ socksProxy: proxy.address, socksUsername: "zmq", socksPassword: "pw" });
    push.connect(endpoint);
    await push.send(["through", "the proxy"]);
    assert.deepEqual(texts(await pull.receive()), ["through", "the proxy"]);
    await pull.close();
  },
});

Deno.test({
  name:
    `socksProxy: a libzmq PUSH and ours, both through the proxy, reach our PULL${microsocksNote}`,
  ignore: microsocksPath === null,
  fn: async () => {
    await using peer = await LibzmqPeer.start();
    await using proxy = await startMicrosocks();
    using pull = new Pull();
    await pull.bind("tcp://127.0.0.1:*");
    const theirs = await peer.socket("Push", { socksProxy: proxy.address });
    await theirs.connect(pull.lastEndpoint!);
    await theirs.send("from libzmq");
    using ours = new Push({ socksProxy: proxy.address });
    ours.connect(pull.lastEndpoint!);
    await ours.send("from us");
    const got = [await within(10000, pull.receive()), await within(10000, pull.receive())];
    assert.deepEqual(got.map(texts).flat().sort(), ["from libzmq", "from us"]);
    await theirs.close();
  },
});
