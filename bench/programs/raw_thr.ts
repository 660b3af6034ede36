/**
 * Benchmark program: the floor. The byte stream a PUSH→PULL connection
 * carries (ZMTP frames: flags, 1- or 8-byte size, body) moved through
 * `Deno.listen`/`Deno.connect` with no ZeroMQ at all: no greeting, no
 * handshake, no queues, no message objects. The sender encodes frames into
 * a reused batch buffer and writes it in one call (a large body is written
 * as it is, after its header); the receiver reads into one reused buffer
 * and walks the frame headers, counting.
 *
 * Same flags and JSON lines as zmtp_thr.ts (`--role receiver | sender`,
 * `--endpoint tcp://host:port`, `--size`, `--warmup`, `--duration`).
 *
 * @module
 */

import { checkEvery, parseFlags, say, Window } from "./common.ts";

const flags = parseFlags(Deno.args);
const BATCH = 256 * 1024;
/** Bodies at least this large are written as they are (as the library's encoder does). */
const DIRECT = 32 * 1024;

function hostPort(endpoint: string): { hostname: string; port: number } {
  const match = /^tcp:\/\/(.+):(\d+|\*)$/.exec(endpoint);
  if (match === null) throw new Error(`not a tcp endpoint: ${endpoint}`);
  return { hostname: match[1], port: match[2] === "*" ? 0 : Number(match[2]) };
}

/** A frame header for a `size`-byte body. */
function header(size: number): Uint8Array {
  if (size <= 255) return Uint8Array.of(0, size);
  const h = new Uint8Array(9);
  h[0] = 2;
  new DataView(h.buffer).setBigUint64(1, BigInt(size));
  return h;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}

async function send(conn: Deno.Conn): Promise<void> {
  const size = flags.size;
  const payload = new Uint8Array(size).fill(0x61);
  const head = header(size);
  if (size >= DIRECT) {
    for (;;) {
      await writeAll(conn, head);
      await writeAll(conn, payload);
    }
  }
  const batch = new Uint8Array(BATCH);
  const frame = head.length + size;
  for (;;) {
    // Encoded afresh every batch, as an encoder would: header, then body copied in.
    let pos = 0;
    while (pos + frame <= BATCH) {
      batch.set(head, pos);
      batch.set(payload, pos + head.length);
      pos += frame;
    }
    await writeAll(conn, batch.subarray(0, pos));
  }
}

async function receive(conn: Deno.Conn): Promise<void> {
  const size = flags.size;
  const window = new Window(flags.warmupMs, flags.durationMs);
  const every = checkEvery(size);
  const buf = new Uint8Array(BATCH);
  let start = 0; // first unparsed byte in buf
  let end = 0; // end of the bytes read into buf
  let skip = 0; // body bytes still to pass over (a frame bigger than what is buffered)
  let count = 0;
  let nextCheck = every;
  for (;;) {
    if (start === end) start = end = 0;
    else if (buf.length - end < 16 * 1024) {
      buf.copyWithin(0, start, end);
      end -= start;
      start = 0;
    }
    const n = await conn.read(buf.subarray(end));
    if (n === null) throw new Error("sender closed");
    end += n;
    if (skip > 0) {
      const passed = Math.min(skip, end - start);
      skip -= passed;
      start += passed;
      if (skip > 0) continue;
      if (++count === nextCheck) {
        nextCheck += every;
        if (window.check(count)) break;
      }
    }
    while (end - start >= 2) {
      const long = (buf[start] & 2) !== 0;
      if (long && end - start < 9) break;
      const bodySize = long
        ? new DataView(buf.buffer, start + 1, 8).getUint32(4) + 2 ** 32 *
            new DataView(buf.buffer, start + 1, 8).getUint32(0)
        : buf[start + 1];
      if (bodySize !== size) throw new Error(`frame of ${bodySize} bytes, expected ${size}`);
      const headerSize = long ? 9 : 2;
      if (end - start - headerSize < bodySize) {
        if (bodySize < DIRECT) break; // the rest of this frame comes with the next read
        skip = bodySize - (end - start - headerSize);
        start = end;
        break;
      }
      start += headerSize + bodySize;
      if (++count === nextCheck) {
        nextCheck += every;
        if (window.check(count)) {
          say(window.result(size));
          return;
        }
      }
    }
  }
  say(window.result(size));
}

if (flags.role === "receiver") {
  const listener = Deno.listen({ ...hostPort(flags.endpoint), transport: "tcp" });
  const addr = listener.addr as Deno.NetAddr;
  say({ endpoint: `tcp://${addr.hostname}:${addr.port}` });
  const conn = await listener.accept();
  await receive(conn);
  Deno.exit(0);
} else if (flags.role === "sender") {
  const conn = await Deno.connect({ ...hostPort(flags.endpoint), transport: "tcp" });
  conn.setNoDelay(true);
  await send(conn);
} else {
  throw new Error(`unknown --role ${flags.role}`);
}
