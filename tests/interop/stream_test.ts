// STREAM against libzmq 4.3.5's ZMQ_STREAM (zeromq.js 6.8.0 in a Node subprocess).
import assert from "node:assert/strict";
import { Stream } from "../../mod.ts";
import { LibzmqPeer, type PeerSocket } from "./libzmq.ts";
import { within } from "../helpers.ts";

const text = (frame: Uint8Array) => new TextDecoder().decode(frame);

/** Collects `size` bytes from libzmq's Stream messages for one connection. */
async function peerReceiveBytes(stream: PeerSocket, size: number): Promise<string> {
  let out = "";
  while (out.length < size) {
    const [, data] = await stream.receive();
    assert.ok(data.length > 0, "unexpected disconnect notification");
    out += text(data);
  }
  return out;
}

/** Collects `size` bytes from our Stream's messages for one connection. */
async function receiveBytes(stream: Stream, size: number): Promise<string> {
  let out = "";
  while (out.length < size) {
    const [, data] = await stream.receive();
    assert.ok(data.length > 0, "unexpected disconnect notification");
    out += text(data);
  }
  return out;
}

Deno.test("interop STREAM: our Stream connects to a libzmq Stream", async () => {
  await using peer = await LibzmqPeer.start();
  const theirs = await peer.socket("Stream");
  const endpoint = await theirs.bind("tcp://127.0.0.1:*");
  const ours = new Stream();
  ours.connect(endpoint);
  const ourId = ours.routingId as Uint8Array;
  const [theirId, opened] = await theirs.receive();
  assert.equal(theirId.length, 5);
  assert.equal(opened.length, 0);
  const [notified] = await within(5000, ours.receive());
  assert.deepEqual(notified, ourId);
  await ours.send([ourId, "raw hello"]);
  assert.equal(await peerReceiveBytes(theirs, 9), "raw hello");
  await theirs.send([theirId, "raw reply"]);
  assert.equal(await within(5000, receiveBytes(ours, 9)), "raw reply");
  // libzmq closes the connection on an empty frame; we hear the disconnect.
  await theirs.send([theirId, ""]);
  // libzmq finishes closing only when its socket is next used: a pending receive does it.
  const nudge = theirs.receive(1000).catch(() => {});
  const [closedId, closed] = await within(5000, ours.receive());
  await nudge;
  assert.deepEqual(closedId, ourId);
  assert.equal(closed.length, 0);
  ours.close();
});

Deno.test("interop STREAM: a libzmq Stream connects to ours; we close it with an empty frame", async () => {
  await using peer = await LibzmqPeer.start();
  const ours = new Stream();
  await ours.bind("tcp://127.0.0.1:*");
  const theirs = await peer.socket("Stream");
  await theirs.connect(ours.lastEndpoint!);
  const [ourId, opened] = await within(5000, ours.receive());
  assert.equal(opened.length, 0);
  const [theirId] = await theirs.receive();
  await theirs.send([theirId, "GET / HTTP/1.0\r\n\r\n"]);
  assert.equal(await within(5000, receiveBytes(ours, 18)), "GET / HTTP/1.0\r\n\r\n");
  await ours.send([ourId, "HTTP/1.0 200 OK\r\n\r\n"]);
  assert.equal(await peerReceiveBytes(theirs, 19), "HTTP/1.0 200 OK\r\n\r\n");
  await ours.send([ourId, ""]);
  const [closedId, closed] = await theirs.receive();
  assert.deepEqual(closedId, theirId);
  assert.equal(closed.length, 0);
  ours.close();
});
