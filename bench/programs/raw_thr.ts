/**
 * Benchmark program: the floor. The byte stream a PUSH→PULL connection
 * carries (ZMTP frames: flags, 1- or 8-byte size, body) moved through
 * `Deno.listen`/`Deno.connect` with no ZeroMQ at all: no greeting, no
 * handshake, no queues, no message objects. The sender encodes frames into
 * a reused batch buffer and writes it in one call (a large body is written
 * as it is, after its header); the receiver reads into one reused buffer
 * and walks the frame headers, counting.
 *
 * `--fresh`: the receiver puts every message into memory of its own, as a
 * library must (a message handed to the user cannot share a buffer that is
 * read into again): a body of at least 32 KiB is read straight into a new
 * buffer of its size (the part that came with its header copied in), a
 * smaller one is copied out (`slice`). The gap between the two floors is
 * what fresh memory costs (JavaScript zero-fills every new buffer).
 *
 * Same flags and JSON lines as zmtp_thr.ts (`--role receiver | sender`,
 * `--endpoint tcp://host:port` or `ipc:///path`, `--size`, `--warmup`,
 * `--duration`).
 *
 * @module
 */

import { checkEvery, parseFlags, say, Window } from "./common.ts";

const fresh = Deno.args.includes("--fresh");
const flags = parseFlags(Deno.args.filter((a) => a !== "--fresh"));
const BATCH = 256 * 1024;
/** Bodies at least this large are written as they are (as the library's encoder does). */
const DIRECT = 32 * 1024;

type Address =
  | { transport: "tcp"; hostname: string; port: number }
  | { transport: "unix"; path: string };

function address(endpoint: string): Address {
  if (endpoint.startsWith("ipc://")) return { transport: "unix", path: endpoint.slice(6) };
  const match = /^tcp:\/\/(.+):(\d+|\*)$/.exec(endpoint);
  if (match === null) throw new Error(`not a tcp or ipc endpoint: ${endpoint}`);
  return { transport: "tcp", hostname: match[1], port: match[2] === "*" ? 0 : Number(match[2]) };
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
  let buf = new Uint8Array(BATCH);
  let start = 0; // first unparsed byte in buf
  let end = 0; // end of the bytes read into buf
  let skip = 0; // body bytes still to pass over (a frame bigger than what is buffered)
  let count = 0;
  let nextCheck = every;
  for (;;) {
    if (fresh) {
      // Every read into new memory (frames read before stay the user's).
      const next = new Uint8Array(BATCH);
      next.set(buf.subarray(start, end));
      buf = next;
      end -= start;
      start = 0;
    } else if (start === end) start = end = 0;
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
        if (fresh) {
          // The body's own buffer: what came with the header, then read straight into it.
          await readBody(conn, buf.subarray(start + headerSize, end), bodySize);
          start = end;
          if (++count === nextCheck) {
            nextCheck += every;
            if (window.check(count)) break;
          }
          continue;
        }
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
    if (window.messages > 0) break;
  }
  say(window.result(size));
}

/** Reads a large body into a new buffer of its size, `head` (what already arrived) first. */
async function readBody(conn: Deno.Conn, head: Uint8Array, size: number): Promise<Uint8Array> {
  const body = new Uint8Array(size);
  body.set(head);
  let filled = head.length;
  while (filled < size) {
    const n = await conn.read(body.subarray(filled));
    if (n === null) throw new Error("sender closed");
    filled += n;
  }
  return body;
}

function listen(to: Address): Deno.Listener {
  return to.transport === "unix" ? Deno.listen(to) : Deno.listen(to);
}

function endpointOf(listener: Deno.Listener): string {
  const addr = listener.addr as Deno.NetAddr | Deno.UnixAddr;
  return "path" in addr ? `ipc://${addr.path}` : `tcp://${addr.hostname}:${addr.port}`;
}

if (flags.role === "receiver") {
  const listener = listen(address(flags.endpoint));
  say({ endpoint: endpointOf(listener) });
  const conn = await listener.accept();
  await receive(conn);
  Deno.exit(0);
} else if (flags.role === "sender") {
  const to = address(flags.endpoint);
  if (to.transport === "unix") await send(await Deno.connect(to));
  else {
    const conn = await Deno.connect(to);
    conn.setNoDelay(true);
    await send(conn);
  }
} else {
  throw new Error(`unknown --role ${flags.role}`);
}
