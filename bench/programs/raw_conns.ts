/**
 * Benchmark program: the floor under "one message to all subscribers" in
 * Deno, the server side of bench/c/conns.c as zmtp_conns.ts is, with no
 * ZeroMQ library: the ZMTP 3.0 NULL handshake of a PUB written by hand, and
 * each message encoded once and written with one write per connection, all
 * started at once: `Deno.Conn.write` (`--way conn`, the default; what this
 * library uses), or node:net's `socket.write` on connections a node:net
 * server accepted (`--way node`: Deno implements it natively, one attempt
 * at once, and it costs less CPU per write).
 *
 * `--role server --pattern pub --count N --rounds R --gap MS`: listens on
 * `--endpoint` (tcp), prints `{"endpoint"}`, waits until N peers have
 * subscribed, prints `{"result": {rssBytesPerConnection,
 * heapBytesPerConnection, externalBytesPerConnection, acceptedPerSecond,
 * connections, cpuUsPerConnection}}` (as zmtp_conns.ts) after sending R
 * messages, each holding its send time and followed by an MS pause. Every
 * connection keeps a read pending, as a publisher must (to see its peer
 * leave or subscribe).
 *
 * @module
 */

import net from "node:net";
import { parseFlags, publishRounds, say } from "./common.ts";

const flags = parseFlags(Deno.args);
if (flags.role !== "server" || flags.pattern !== "pub") {
  throw new Error("raw_conns.ts serves --role server --pattern pub only");
}
const n = flags.count;
const way = flags.way;
if (way !== "conn" && way !== "node") throw new Error(`unknown --way ${way}`);

/** Our greeting (ZMTP 3.0, NULL, not as-server) and READY (Socket-Type PUB), one write. */
function handshake(): Uint8Array {
  const greeting = new Uint8Array(64);
  greeting.set([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 0]);
  greeting.set(new TextEncoder().encode("NULL"), 12);
  const ready = new TextEncoder().encode("\x05READY\x0bSocket-Type\0\0\0\x03PUB");
  const bytes = new Uint8Array(64 + 2 + ready.length);
  bytes.set(greeting);
  bytes.set([0x04, ready.length], 64);
  bytes.set(ready, 66);
  return bytes;
}

/** One message frame: the body, not continued, short size (the bodies here are < 256 bytes). */
function frame(text: string): Uint8Array {
  const body = new TextEncoder().encode(text);
  const bytes = new Uint8Array(2 + body.length);
  bytes[1] = body.length;
  bytes.set(body, 2);
  return bytes;
}

/** Writes all of `bytes` (a write may take part of it). */
async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}

/**
 * Counts the frames after the peer's 64-byte greeting as bytes arrive, until
 * its READY and its subscription (a SUB sends one as soon as it is ready).
 */
class PeerHandshake {
  private buffer = new Uint8Array(256);
  private length = 0;
  private at = 64;
  private frames = 0;

  /** Takes `bytes` from the peer; true once both frames are in. */
  take(bytes: Uint8Array): boolean {
    if (this.length + bytes.length > this.buffer.length) {
      const larger = new Uint8Array(2 * (this.length + bytes.length));
      larger.set(this.buffer.subarray(0, this.length));
      this.buffer = larger;
    }
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
    const buffer = this.buffer;
    // Frames: flags, then a 1- or 8-byte size.
    while (this.frames < 2 && this.at < this.length) {
      const long = (buffer[this.at] & 0x02) !== 0;
      const header = long ? 9 : 2;
      if (this.at + header > this.length) break;
      const size = long
        ? Number(new DataView(buffer.buffer, this.at + 1, 8).getBigUint64(0))
        : buffer[this.at + 1];
      if (this.at + header + size > this.length) break;
      this.at += header + size;
      this.frames++;
    }
    return this.frames >= 2;
  }
}

/** Handshakes with a peer over `Deno.Conn`, then keeps one small read pending until it leaves. */
async function serve(conn: Deno.Conn, subscribed: () => void): Promise<void> {
  await writeAll(conn, ourHandshake);
  const handshake = new PeerHandshake();
  const buffer = new Uint8Array(256);
  for (;;) {
    const read = await conn.read(buffer);
    if (read === null) return;
    if (handshake.take(buffer.subarray(0, read))) break;
  }
  subscribed();
  const idle = new Uint8Array(64);
  while (await conn.read(idle) !== null) { /* what a subscriber sends later is not needed */ }
}

/** Publishes with one write per connection (`Deno.Conn.write`, or node:net's `socket.write`). */
type Publish = (message: Uint8Array) => Promise<void>;

/** Accepts `n` peers with `Deno.listen`; resolves once all have subscribed. */
function denoPeers(hostname: string, port: number, subscribed: () => void) {
  const listener = Deno.listen({ hostname, port });
  const conns: Deno.Conn[] = [];
  (async () => {
    for (let i = 0; i < n; i++) {
      const conn = await listener.accept();
      conns.push(conn);
      serve(conn, subscribed).catch(() => {});
    }
  })();
  const publish: Publish = async (message) => {
    const writes = new Array<Promise<number>>(conns.length);
    for (let i = 0; i < conns.length; i++) writes[i] = conns[i].write(message);
    const written = await Promise.all(writes);
    // An idle connection takes 18 bytes at once; the rest of a short write, should one happen.
    for (let i = 0; i < conns.length; i++) {
      if (written[i] < message.length) await writeAll(conns[i], message.subarray(written[i]));
    }
  };
  return Promise.resolve({ port: (listener.addr as Deno.NetAddr).port, publish });
}

/** Accepts `n` peers with a node:net server (reading on, as a publisher's must be). */
async function nodePeers(hostname: string, port: number, subscribed: () => void) {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => {});
    socket.write(ourHandshake);
    const handshake = new PeerHandshake();
    const onData = (bytes: Uint8Array) => {
      if (!handshake.take(bytes)) return;
      socket.off("data", onData);
      socket.on("data", () => {}); // what a subscriber sends later is not needed
      subscribed();
    };
    socket.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(port, hostname, resolve));
  const publish: Publish = (message) =>
    new Promise((resolve, reject) => {
      let left = sockets.length;
      const done = (err?: Error | null) => {
        if (err) reject(err);
        else if (--left === 0) resolve();
      };
      for (let i = 0; i < sockets.length; i++) sockets[i].write(message, done);
    });
  return { port: (server.address() as net.AddressInfo).port, publish };
}

function memory(): Deno.MemoryUsage {
  (globalThis as { gc?: () => void }).gc?.();
  return Deno.memoryUsage();
}

const ourHandshake = handshake();
const before = memory();
const address = /^tcp:\/\/(.+):(\*|\d+)$/.exec(flags.endpoint);
if (address === null) throw new Error(`raw_conns.ts listens on tcp only, not ${flags.endpoint}`);
const hostname = address[1];
let peers = 0;
let first = -1;
let allSubscribed!: () => void;
const everyone = new Promise<void>((resolve) => allSubscribed = resolve);
const subscribed = () => {
  if (first < 0) first = performance.now();
  if (++peers === n) allSubscribed();
};
const wanted = address[2] === "*" ? 0 : Number(address[2]);
const { port, publish } = way === "node"
  ? await nodePeers(hostname, wanted, subscribed)
  : await denoPeers(hostname, wanted, subscribed);
say({ endpoint: `tcp://${hostname}:${port}` });
await everyone;
const seconds = (performance.now() - first) / 1000;
// Let the last connections' reads settle before measuring (as zmtp_conns.ts).
await new Promise((resolve) => setTimeout(resolve, 200));
const after = memory();
const cpuUsPerConnection = await publishRounds(
  flags.rounds,
  flags.gapMs,
  n,
  (text) => publish(frame(text)),
);
say({
  result: {
    rssBytesPerConnection: (after.rss - before.rss) / n,
    heapBytesPerConnection: (after.heapUsed - before.heapUsed) / n,
    externalBytesPerConnection: (after.external - before.external) / n,
    acceptedPerSecond: n / Math.max(seconds, 1e-6),
    connections: n,
    cpuUsPerConnection,
  },
});
// Serve until killed (a node:net server alone does not keep Deno's event loop waiting).
setInterval(() => {}, 1 << 30);
