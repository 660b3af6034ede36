// PUB/SUB against a hand-written peer speaking raw ZMTP bytes: subscriptions
// travel as `\x01topic` data frames to and from ZMTP 3.0 peers and as
// SUBSCRIBE/CANCEL commands to ZMTP 3.1 peers.
import assert from "node:assert/strict";
import { Publisher, Subscriber } from "../../mod.ts";
import { bytes, eventually, texts, within } from "../helpers.ts";

const MORE = 1;
const COMMAND = 4;

function greeting(minor: number): Uint8Array {
  const g = new Uint8Array(64);
  g[0] = 0xff;
  g[9] = 0x7f;
  g[10] = 3;
  g[11] = minor;
  g.set(bytes("NULL"), 12);
  return g;
}

function frame(flags: number, body: Uint8Array): Uint8Array {
  assert.ok(body.length < 256, "short frames only");
  const out = new Uint8Array(2 + body.length);
  out[0] = flags;
  out[1] = body.length;
  out.set(body, 2);
  return out;
}

function command(name: string, data: Uint8Array): Uint8Array {
  const body = new Uint8Array(1 + name.length + data.length);
  body[0] = name.length;
  body.set(bytes(name), 1);
  body.set(data, 1 + name.length);
  return frame(COMMAND, body);
}

function ready(socketType: string): Uint8Array {
  const name = bytes("Socket-Type");
  const value = bytes(socketType);
  const data = new Uint8Array(1 + name.length + 4 + value.length);
  data[0] = name.length;
  data.set(name, 1);
  new DataView(data.buffer).setUint32(1 + name.length, value.length);
  data.set(value, 1 + name.length + 4);
  return command("READY", data);
}

interface Frame {
  flags: number;
  body: Uint8Array;
}

/** A peer that reads and writes ZMTP bytes itself. */
class RawPeer {
  private buffer = new Uint8Array(0);
  constructor(readonly conn: Deno.Conn) {}

  async write(...chunks: Uint8Array[]) {
    for (const chunk of chunks) {
      let done = 0;
      while (done < chunk.length) done += await this.conn.write(chunk.subarray(done));
    }
  }

  async readExact(n: number): Promise<Uint8Array> {
    while (this.buffer.length < n) {
      const chunk = new Uint8Array(4096);
      const got = await this.conn.read(chunk);
      if (got === null) throw new Error("connection closed");
      const joined = new Uint8Array(this.buffer.length + got);
      joined.set(this.buffer);
      joined.set(chunk.subarray(0, got), this.buffer.length);
      this.buffer = joined;
    }
    const out = this.buffer.slice(0, n);
    this.buffer = this.buffer.slice(n);
    return out;
  }

  async readFrame(): Promise<Frame> {
    const [flags, size] = await this.readExact(2);
    assert.equal(flags & 2, 0, "short frames only");
    return { flags, body: await this.readExact(size) };
  }

  /** Reads the peer's greeting (returning its minor version) and its READY. */
  async handshake(minor: number, socketType: string): Promise<number> {
    await this.write(greeting(minor));
    const theirs = await this.readExact(64);
    await this.write(ready(socketType));
    const readyFrame = await this.readFrame();
    assert.equal(readyFrame.flags, COMMAND);
    assert.equal(new TextDecoder().decode(readyFrame.body.subarray(1, 6)), "READY");
    return theirs[11];
  }

  close() {
    this.conn.close();
  }
}

function port(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));
}

Deno.test("PUB serves a ZMTP 3.0 subscriber that subscribes with a \\x01topic message", async () => {
  const pub = new Publisher();
  await pub.bind("tcp://127.0.0.1:*");
  const raw = new RawPeer(
    await Deno.connect({ hostname: "127.0.0.1", port: port(pub.lastEndpoint!) }),
  );
  assert.equal(await within(5000, raw.handshake(0, "SUB")), 1);
  await raw.write(frame(0, bytes("\x01topic")));
  await eventually(() => pub.topicCount === 1);
  await pub.send(["other", "x"]);
  await pub.send(["topic.1", "body"]);
  const first = await within(5000, raw.readFrame());
  const second = await within(5000, raw.readFrame());
  assert.deepEqual([first.flags, texts([first.body])[0]], [MORE, "topic.1"]);
  assert.deepEqual([second.flags, texts([second.body])[0]], [0, "body"]);
  // A cancel as a \x00topic message.
  await raw.write(frame(0, bytes("\x00topic")));
  await eventually(() => pub.topicCount === 0);
  raw.close();
  pub.close();
});

Deno.test("PUB takes SUBSCRIBE and CANCEL commands from a ZMTP 3.1 subscriber", async () => {
  const pub = new Publisher();
  await pub.bind("tcp://127.0.0.1:*");
  const raw = new RawPeer(
    await Deno.connect({ hostname: "127.0.0.1", port: port(pub.lastEndpoint!) }),
  );
  await within(5000, raw.handshake(1, "SUB"));
  await raw.write(command("SUBSCRIBE", bytes("t")));
  await eventually(() => pub.topicCount === 1);
  await pub.send("t1");
  const got = await within(5000, raw.readFrame());
  assert.deepEqual([got.flags, texts([got.body])[0]], [0, "t1"]);
  await raw.write(command("CANCEL", bytes("t")));
  await eventually(() => pub.topicCount === 0);
  raw.close();
  pub.close();
});

Deno.test("SUB subscribes to a ZMTP 3.0 publisher with \\x01topic messages and filters what it sends", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const sub = new Subscriber();
  sub.subscribe("topic");
  sub.connect(`tcp://127.0.0.1:${listener.addr.port}`);
  const raw = new RawPeer(await within(5000, listener.accept()));
  await within(5000, raw.handshake(0, "PUB"));
  const subscription = await within(5000, raw.readFrame());
  assert.equal(subscription.flags, 0, "a data frame, not a command");
  assert.deepEqual(subscription.body, bytes("\x01topic"));
  // A 3.0 publisher may send everything: the SUB filters.
  await raw.write(frame(MORE, bytes("other")), frame(0, bytes("x")));
  await raw.write(frame(MORE, bytes("topic.9")), frame(0, bytes("y")));
  assert.deepEqual(texts(await within(5000, sub.receive())), ["topic.9", "y"]);
  sub.unsubscribe("topic");
  const cancel = await within(5000, raw.readFrame());
  assert.deepEqual([cancel.flags, cancel.body], [0, bytes("\x00topic")]);
  sub.close();
  raw.close();
});

Deno.test("SUB sends SUBSCRIBE and CANCEL commands to a ZMTP 3.1 publisher", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const sub = new Subscriber();
  sub.subscribe("topic");
  sub.connect(`tcp://127.0.0.1:${listener.addr.port}`);
  const raw = new RawPeer(await within(5000, listener.accept()));
  await within(5000, raw.handshake(1, "PUB"));
  const subscribe = await within(5000, raw.readFrame());
  assert.deepEqual([subscribe.flags, subscribe.body], [COMMAND, bytes("\x09SUBSCRIBEtopic")]);
  sub.unsubscribe("topic");
  const cancel = await within(5000, raw.readFrame());
  assert.deepEqual([cancel.flags, cancel.body], [COMMAND, bytes("\x06CANCELtopic")]);
  sub.close();
  raw.close();
});

Deno.test("SUB resends its subscriptions to a publisher after the connection drops", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const sub = new Subscriber({ reconnectInterval: 10 });
  sub.subscribe("a", "b");
  sub.connect(`tcp://127.0.0.1:${listener.addr.port}`);
  for (let round = 0; round < 2; round++) {
    const raw = new RawPeer(await within(5000, listener.accept()));
    await within(5000, raw.handshake(1, "PUB"));
    const got = [await within(5000, raw.readFrame()), await within(5000, raw.readFrame())];
    assert.deepEqual(
      got.map((f) => new TextDecoder().decode(f.body)).sort(),
      ["\x09SUBSCRIBEa", "\x09SUBSCRIBEb"],
    );
    raw.close();
  }
  sub.close();
});
