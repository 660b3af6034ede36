/**
 * Relay throughput: one publisher floods M messages through
 * `zmtp relay` (cli/main.ts, its own process) to N subscribers; how many messages
 * per second cross the relay, and how many deliveries it makes.
 *
 *   deno run --allow-net=127.0.0.1 --allow-run --allow-read --allow-env bench/relay.ts \
 *     [raw|lib] [subscribers=10] [messages=1000000] [size=16] [hwm=0]
 *
 * - `raw` (default): the load side speaks ZMTP itself: the publisher
 *   writes pre-encoded batches and each subscriber only walks frame
 *   headers, so the relay, not the load generator, is what is measured.
 * - `lib`: the publisher and subscribers are this library's sockets
 *   (sharing this process; often the limit on a small machine).
 *
 * `hwm` is the relay's high-water mark per peer (0: unlimited, so nothing
 * is dropped and the figure is the forwarding rate; 1000: the default, and
 * subscribers that fall behind lose messages, reported as lost). Set
 * RELAY_DENO_FLAGS (e.g. "--cpu-prof") to pass flags to the relay's Deno.
 *
 * @module
 */

import { Publisher, Subscriber } from "../mod.ts";

const mode = Deno.args[0] ?? "raw";
const subscriberCount = Number(Deno.args[1] ?? 10);
const messages = Number(Deno.args[2] ?? 1_000_000);
const size = Number(Deno.args[3] ?? 16);
const hwm = Number(Deno.args[4] ?? 0);
if (size < 1 || size > 255) throw new Error("size: 1 to 255 bytes (short frames)");

const DATA = 0x64; // "d"
const WARM = 0x77; // "w"
const END = 0x65; // "e"

// ---- the relay process ----

async function startRelay() {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      ...(Deno.env.get("RELAY_DENO_FLAGS")?.split(" ").filter((f) => f) ?? []),
      new URL("../cli/main.ts", import.meta.url).pathname,
      "relay",
      "--frontend",
      "tcp://127.0.0.1:*",
      "--backend",
      "tcp://127.0.0.1:*",
      "--hwm",
      String(hwm),
      "--stats-interval",
      "1",
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const endpoints: Record<string, string> = {};
  while (!("ready" in endpoints)) {
    const { value, done } = await lines.read();
    if (done) throw new Error("the relay exited");
    buffered += value;
    for (const line of buffered.split("\n").slice(0, -1)) {
      const m = line.match(/^(frontend|backend) listening on (\S+)$/);
      if (m) endpoints[m[1]] = m[2];
      if (line === "relay ready") endpoints.ready = "";
    }
    buffered = buffered.slice(buffered.lastIndexOf("\n") + 1);
  }
  // The relay's stats lines, shown as they come.
  const echoing = (async () => {
    for (;;) {
      const { value, done } = await lines.read();
      if (done) return;
      for (const line of value.split("\n")) if (line.startsWith("stats:")) console.log(`  ${line}`);
    }
  })();
  const stop = async () => {
    child.kill("SIGTERM");
    await child.status;
    await echoing;
  };
  return { frontend: endpoints.frontend, backend: endpoints.backend, stop };
}

// ---- raw ZMTP load generator ----

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function greeting(): Uint8Array {
  const g = new Uint8Array(64);
  g[0] = 0xff;
  g[9] = 0x7f;
  g[10] = 3;
  g[11] = 1;
  g.set(ascii("NULL"), 12);
  return g;
}

function command(name: string, data: Uint8Array): Uint8Array {
  const body = new Uint8Array(1 + name.length + data.length);
  body[0] = name.length;
  body.set(ascii(name), 1);
  body.set(data, 1 + name.length);
  return Uint8Array.of(0x04, body.length, ...body);
}

function ready(socketType: string): Uint8Array {
  const name = ascii("Socket-Type");
  const value = ascii(socketType);
  const data = new Uint8Array(1 + name.length + 4 + value.length);
  data[0] = name.length;
  data.set(name, 1);
  new DataView(data.buffer).setUint32(1 + name.length, value.length);
  data.set(value, 1 + name.length + 4);
  return command("READY", data);
}

/** One single-frame message of `size` bytes starting with `kind`, encoded. */
function encoded(kind: number): Uint8Array {
  const out = new Uint8Array(2 + size).fill(kind);
  out[0] = 0;
  out[1] = size;
  return out;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
}

/** Connects and does the NULL handshake as `socketType`; returns the connection. */
async function rawConnect(endpoint: string, socketType: string): Promise<Deno.Conn> {
  const url = new URL(endpoint.replace("tcp://", "http://"));
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  conn.setNoDelay(true);
  await writeAll(conn, greeting());
  await writeAll(conn, ready(socketType));
  return conn;
}

/** A subscriber that walks frame headers and counts data messages. */
class RawSubscriber {
  count = 0;
  warm = false;
  readonly done: Promise<void>;
  private conn!: Deno.Conn;

  constructor(private readonly endpoint: string) {
    this.done = this.run();
  }

  private async run(): Promise<void> {
    this.conn = await rawConnect(this.endpoint, "SUB");
    await writeAll(this.conn, command("SUBSCRIBE", new Uint8Array(0)));
    const buffer = new Uint8Array(256 * 1024);
    let skip = 64; // the relay's greeting
    let held = 0; // bytes of an unfinished frame header/body kept at the start
    for (;;) {
      const got = await this.conn.read(buffer.subarray(held));
      if (got === null) return;
      const end = held + got;
      let pos = 0;
      if (skip > 0) {
        const n = Math.min(skip, end);
        pos = n;
        skip -= n;
      }
      while (pos + 2 <= end) {
        const flags = buffer[pos];
        if (flags & 0x02) throw new Error("long frames are not expected");
        const length = buffer[pos + 1];
        if (pos + 2 + length > end) break;
        if (!(flags & 0x04) && length > 0) {
          const kind = buffer[pos + 2];
          if (kind === DATA) this.count++;
          else if (kind === WARM) this.warm = true;
          else if (kind === END) return;
        }
        pos += 2 + length;
      }
      held = end - pos;
      buffer.copyWithin(0, pos, end);
    }
  }

  close(): void {
    try {
      this.conn.close();
    } catch { /* closed */ }
  }
}

async function runRaw(frontend: string, backend: string): Promise<void> {
  const subs = Array.from({ length: subscriberCount }, () => new RawSubscriber(backend));
  const pub = await rawConnect(frontend, "PUB");
  // Read (and ignore) what the relay's XSUB sends: greeting, READY, SUBSCRIBEs.
  const draining = (async () => {
    const sink = new Uint8Array(4096);
    try {
      while (await pub.read(sink) !== null) { /* discard */ }
    } catch { /* closed */ }
  })();
  while (!subs.every((s) => s.warm)) {
    await writeAll(pub, encoded(WARM));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const batch = 1000;
  const chunk = new Uint8Array(batch * (2 + size));
  for (let i = 0; i < batch; i++) chunk.set(encoded(DATA), i * (2 + size));
  const start = performance.now();
  let sent = 0;
  while (sent < messages) {
    const n = Math.min(batch, messages - sent);
    await writeAll(pub, chunk.subarray(0, n * (2 + size)));
    sent += n;
  }
  let finished = false;
  const all = Promise.all(subs.map((s) => s.done)).finally(() => finished = true);
  let seconds = 0;
  all.then(() => seconds = (performance.now() - start) / 1000);
  while (!finished) {
    await writeAll(pub, encoded(END));
    await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 100))]);
  }
  report(seconds, subs.map((s) => s.count));
  pub.close();
  await draining;
  subs.forEach((s) => s.close());
}

// ---- this library's sockets as the load generator ----

async function runLib(frontend: string, backend: string): Promise<void> {
  const pub = new Publisher({ sendHighWaterMark: 0, linger: 0 });
  pub.connect(frontend);
  const subs: Subscriber[] = [];
  for (let i = 0; i < subscriberCount; i++) {
    const sub = new Subscriber({ receiveHighWaterMark: 0 });
    sub.subscribe("");
    sub.connect(backend);
    subs.push(sub);
  }
  const warm = new Set<Subscriber>();
  const warming = subs.map(async (sub) => {
    const [first] = await sub.receive();
    if (first[0] === WARM) warm.add(sub);
  });
  while (warm.size < subs.length) {
    await pub.send(Uint8Array.of(WARM));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await Promise.all(warming);

  const payload = new Uint8Array(size).fill(DATA);
  const start = performance.now();
  const received = subs.map(async (sub) => {
    let count = 0;
    for (;;) {
      const [frame] = await sub.receive();
      if (frame[0] === END) return count;
      if (frame[0] === DATA) count++;
    }
  });
  for (let i = 0; i < messages; i++) await pub.send(payload);
  // The end marker may itself be dropped at a full subscriber: repeat it until all have it.
  let finished = false;
  const all = Promise.all(received).finally(() => finished = true);
  let seconds = 0;
  all.then(() => seconds = (performance.now() - start) / 1000);
  while (!finished) {
    await pub.send(Uint8Array.of(END));
    await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 100))]);
  }
  report(seconds, await all);
  pub.close();
  for (const sub of subs) sub.close();
}

function report(seconds: number, counts: number[]): void {
  const lost = counts.reduce((sum, c) => sum + (messages - c), 0);
  const rate = Math.round(messages / seconds);
  console.log(
    `relay (${mode} load), ${subscriberCount} subscriber(s), ${messages} × ${size} B, ` +
      `hwm ${hwm}: ${rate.toLocaleString("en")} msg/s through the relay, ` +
      `${Math.round((messages * subscriberCount - lost) / seconds).toLocaleString("en")} ` +
      `deliveries/s, ${lost} lost, ${seconds.toFixed(2)} s`,
  );
}

const relay = await startRelay();
try {
  if (mode === "raw") await runRaw(relay.frontend, relay.backend);
  else await runLib(relay.frontend, relay.backend);
} finally {
  await relay.stop();
}
