import assert from "node:assert/strict";
import { Stream, ZmqError } from "../../mod.ts";
import { bytes, pattern, texts, within } from "../helpers.ts";

const TCP = "tcp://127.0.0.1:*";
const text = (frame: Uint8Array) => new TextDecoder().decode(frame);

function isCode(code: string) {
  return (err: unknown) => err instanceof ZmqError && err.code === code;
}

function portOf(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
}

/** A bound Stream and a raw Deno TCP client connected to it. */
async function streamWithRawClient() {
  const stream = new Stream();
  await stream.bind(TCP);
  const client = await Deno.connect({ hostname: "127.0.0.1", port: portOf(stream.lastEndpoint!) });
  return { stream, client };
}

/** Reads from a raw connection until `size` bytes arrived. */
async function readBytes(conn: Deno.Conn, size: number): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  let filled = 0;
  while (filled < size) {
    const n = await conn.read(out.subarray(filled));
    if (n === null) throw new Error(`connection ended after ${filled} of ${size} bytes`);
    filled += n;
  }
  return out;
}

/** Receives data messages from `id` until `size` bytes arrived (reads may split or merge). */
async function receiveBytes(stream: Stream, id: Uint8Array, size: number): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  let filled = 0;
  while (filled < size) {
    const [from, data] = await stream.receive();
    assert.deepEqual(from, id);
    assert.ok(data.length > 0, "unexpected disconnect notification");
    out.set(data, filled);
    filled += data.length;
  }
  return out;
}

Deno.test("Stream reports a new connection as [id, empty] with a 5-byte id starting with zero", async () => {
  const { stream, client } = await streamWithRawClient();
  const [id, data] = await within(5000, stream.receive());
  assert.equal(id.length, 5);
  assert.equal(id[0], 0);
  assert.equal(data.length, 0);
  client.close();
  stream.close();
});

Deno.test("Stream receives a raw client's bytes as [id, data] and writes [id, data] back unframed", async () => {
  const { stream, client } = await streamWithRawClient();
  const [id] = await within(5000, stream.receive());
  await client.write(bytes("GET / HTTP/1.0\r\n\r\n"));
  const request = await within(5000, receiveBytes(stream, id, 18));
  assert.equal(text(request), "GET / HTTP/1.0\r\n\r\n");
  await stream.send([id, "HTTP/1.0 200 OK\r\n\r\nhi"]);
  assert.equal(text(await within(5000, readBytes(client, 21))), "HTTP/1.0 200 OK\r\n\r\nhi");
  client.close();
  stream.close();
});

Deno.test("Stream reports a closed connection as [id, empty], after its last data", async () => {
  const { stream, client } = await streamWithRawClient();
  const [id] = await within(5000, stream.receive());
  await client.write(bytes("bye"));
  client.close();
  assert.equal(text(await within(5000, receiveBytes(stream, id, 3))), "bye");
  const [from, data] = await within(5000, stream.receive());
  assert.deepEqual(from, id);
  assert.equal(data.length, 0);
  await assert.rejects(stream.send([id, "too late"]), isCode("EHOSTUNREACH"));
  stream.close();
});

Deno.test("Stream closes a connection when sent [id, empty], after writing what was queued", async () => {
  const { stream, client } = await streamWithRawClient();
  const [id] = await within(5000, stream.receive());
  await stream.send([id, "last words"]);
  await stream.send([id, ""]);
  assert.equal(text(await within(5000, readBytes(client, 10))), "last words");
  assert.equal(await within(5000, client.read(new Uint8Array(16))), null);
  await assert.rejects(stream.send([id, "gone"]), isCode("EHOSTUNREACH"));
  client.close();
  stream.close();
});

Deno.test("Stream keeps each connection's bytes apart by id", async () => {
  const stream = new Stream();
  await stream.bind(TCP);
  const port = portOf(stream.lastEndpoint!);
  const one = await Deno.connect({ hostname: "127.0.0.1", port });
  const [idOne] = await within(5000, stream.receive());
  const two = await Deno.connect({ hostname: "127.0.0.1", port });
  const [idTwo] = await within(5000, stream.receive());
  assert.notDeepEqual(idOne, idTwo);
  await stream.send([idTwo, "for two"]);
  await stream.send([idOne, "for one"]);
  assert.equal(text(await within(5000, readBytes(one, 7))), "for one");
  assert.equal(text(await within(5000, readBytes(two, 7))), "for two");
  one.close();
  two.close();
  stream.close();
});

Deno.test("Stream moves a large payload both ways intact", async () => {
  const { stream, client } = await streamWithRawClient();
  const [id] = await within(5000, stream.receive());
  const payload = pattern(1_000_000, 7);
  const sent = client.write(payload).then(async (n) => {
    let offset = n;
    while (offset < payload.length) offset += await client.write(payload.subarray(offset));
  });
  assert.deepEqual(await within(10000, receiveBytes(stream, id, payload.length)), payload);
  await sent;
  await stream.send([id, payload]);
  assert.deepEqual(await within(10000, readBytes(client, payload.length)), payload);
  client.close();
  stream.close();
});

Deno.test("Stream connects to a raw TCP server; routingId holds the new connection's id", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const stream = new Stream();
  stream.connect(`tcp://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`);
  const id = stream.routingId as Uint8Array;
  assert.equal(id.length, 5);
  const server = await within(5000, listener.accept());
  const [notified, empty] = await within(5000, stream.receive());
  assert.deepEqual(notified, id);
  assert.equal(empty.length, 0);
  await stream.send([id, "hello server"]);
  assert.equal(text(await within(5000, readBytes(server, 12))), "hello server");
  await server.write(bytes("hello client"));
  assert.equal(text(await within(5000, receiveBytes(stream, id, 12))), "hello client");
  server.close();
  listener.close();
  stream.close();
});

Deno.test("Stream to Stream: both sides see the connection and exchange bytes", async () => {
  const server = new Stream();
  await server.bind(TCP);
  const client = new Stream();
  client.connect(server.lastEndpoint!);
  const clientId = client.routingId as Uint8Array;
  const [serverSideId, opened] = await within(5000, server.receive());
  assert.equal(opened.length, 0);
  assert.deepEqual(texts((await within(5000, client.receive())).slice(1)), [""]);
  await client.send([clientId, "ping"]);
  assert.equal(text(await within(5000, receiveBytes(server, serverSideId, 4))), "ping");
  await server.send([serverSideId, "pong"]);
  assert.equal(text(await within(5000, receiveBytes(client, clientId, 4))), "pong");
  client.close();
  server.close();
});

Deno.test("Stream rejects a send to an unknown id with EHOSTUNREACH", async () => {
  const stream = new Stream();
  await assert.rejects(stream.send([new Uint8Array([0, 1, 2, 3, 4]), "x"]), isCode("EHOSTUNREACH"));
  stream.close();
});

Deno.test("Stream rejects a message without a data frame with EINVAL", async () => {
  const stream = new Stream();
  await assert.rejects(stream.send("only an id"), isCode("EINVAL"));
  stream.close();
});

Deno.test("Stream refuses inproc endpoints with ENOTSUP", async () => {
  const stream = new Stream();
  await assert.rejects(stream.bind("inproc://raw"), isCode("ENOTSUP"));
  assert.throws(() => stream.connect("inproc://raw"), isCode("ENOTSUP"));
  stream.close();
});
