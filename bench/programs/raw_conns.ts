/**
 * Benchmark program: the floor under "one message to all subscribers" in
 * Deno, the server side of bench/c/conns.c as zmtp_conns.ts is, with no
 * ZeroMQ library: the ZMTP 3.0 NULL handshake of a PUB written by hand, and
 * each message encoded once and written with one `Deno.Conn.write` per
 * connection, all started at once.
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

import { parseFlags, publishRounds, say } from "./common.ts";

const flags = parseFlags(Deno.args);
if (flags.role !== "server" || flags.pattern !== "pub") {
  throw new Error("raw_conns.ts serves --role server --pattern pub only");
}
const n = flags.count;

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
 * Reads the peer's greeting and its first two frames (READY, then its
 * subscription: a SUB sends one as soon as it is ready), then keeps one
 * small read pending until the peer leaves.
 */
async function serve(conn: Deno.Conn, subscribed: () => void): Promise<void> {
  await writeAll(conn, ourHandshake);
  let buffer = new Uint8Array(256);
  let length = 0;
  let frames = 0;
  let at = 64;
  while (frames < 2) {
    if (length === buffer.length) {
      const larger = new Uint8Array(buffer.length * 2);
      larger.set(buffer);
      buffer = larger;
    }
    const read = await conn.read(buffer.subarray(length));
    if (read === null) return;
    length += read;
    // Frames after the 64-byte greeting: flags, then a 1- or 8-byte size.
    while (frames < 2 && at < length) {
      const long = (buffer[at] & 0x02) !== 0;
      const header = long ? 9 : 2;
      if (at + header > length) break;
      const size = long
        ? Number(new DataView(buffer.buffer, at + 1, 8).getBigUint64(0))
        : buffer[at + 1];
      if (at + header + size > length) break;
      at += header + size;
      frames++;
    }
  }
  subscribed();
  const idle = new Uint8Array(64);
  while (await conn.read(idle) !== null) { /* what a subscriber sends later is not needed */ }
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
const listener = Deno.listen({ hostname, port: address[2] === "*" ? 0 : Number(address[2]) });
say({ endpoint: `tcp://${hostname}:${(listener.addr as Deno.NetAddr).port}` });
const conns: Deno.Conn[] = [];
let peers = 0;
let first = -1;
let allSubscribed!: () => void;
const everyone = new Promise<void>((resolve) => allSubscribed = resolve);
const subscribed = () => {
  if (first < 0) first = performance.now();
  if (++peers === n) allSubscribed();
};
(async () => {
  for (let i = 0; i < n; i++) {
    const conn = await listener.accept();
    conns.push(conn);
    serve(conn, subscribed).catch(() => {});
  }
})();
await everyone;
const seconds = (performance.now() - first) / 1000;
// Let the last connections' reads settle before measuring (as zmtp_conns.ts).
await new Promise((resolve) => setTimeout(resolve, 200));
const after = memory();
const cpuUsPerConnection = await publishRounds(flags.rounds, flags.gapMs, n, async (text) => {
  const message = frame(text);
  const writes = new Array<Promise<number>>(conns.length);
  for (let i = 0; i < conns.length; i++) writes[i] = conns[i].write(message);
  const written = await Promise.all(writes);
  // An idle connection takes 18 bytes at once; the rest of a short write, should one happen.
  for (let i = 0; i < conns.length; i++) {
    if (written[i] < message.length) await writeAll(conns[i], message.subarray(written[i]));
  }
});
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
await new Promise(() => {});
