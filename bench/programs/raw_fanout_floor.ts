/**
 * Measuring program (not part of `deno task bench`): the floor under "one
 * message to every subscriber" in Deno. N tcp connections to this process;
 * an 18-byte write is started on every one of them at once and all are
 * awaited (the far ends are not reading meanwhile, so nothing else runs);
 * prints the CPU time (user + system) and wall time per connection for
 * each of five rounds, after two unmeasured ones, and their medians.
 *
 * ```
 * sh -c 'ulimit -n 20000; deno run -A bench/programs/raw_fanout_floor.ts 1000 [WAY]'
 * ```
 *
 * WAY is how each write is made (default `conn`):
 * - `conn`: `Deno.Conn.write`, one promise per connection;
 * - `writer`: a `WritableStreamDefaultWriter` of `conn.writable` per connection;
 * - `node`: the connections accepted by a `node:net` server, `socket.write` with a callback;
 * - `reading`: as `conn`, with a read pending on every accepted connection (as a publisher has).
 *
 * (N up to about 9,000 within 20,000 descriptors: each connection takes two.)
 *
 * @module
 */

import net from "node:net";
import process from "node:process";

const n = Number(Deno.args[0] ?? 1000);
const way = Deno.args[1] ?? "conn";
if (!["conn", "writer", "node", "reading"].includes(way)) throw new Error(`unknown way ${way}`);

/** Starts one write on each accepted connection; resolves once all are done. */
type WriteAll = (message: Uint8Array) => Promise<unknown>;

function denoServer(): Promise<{ port: number; ready: Promise<WriteAll> }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const ready = (async () => {
    const accepted: Deno.Conn[] = [];
    for (let i = 0; i < n; i++) accepted.push(await listener.accept());
    if (way === "reading") {
      for (const conn of accepted) {
        const buffer = new Uint8Array(64);
        (async () => {
          while (await conn.read(buffer) !== null) { /* nothing is sent to us */ }
        })().catch(() => {});
      }
    }
    if (way === "writer") {
      const writers = accepted.map((conn) => conn.writable.getWriter());
      return (message: Uint8Array) => {
        const writes = new Array<Promise<void>>(n);
        for (let i = 0; i < n; i++) writes[i] = writers[i].write(message);
        return Promise.all(writes);
      };
    }
    return (message: Uint8Array) => {
      const writes = new Array<Promise<number>>(n);
      for (let i = 0; i < n; i++) writes[i] = accepted[i].write(message);
      return Promise.all(writes);
    };
  })();
  return Promise.resolve({ port: (listener.addr as Deno.NetAddr).port, ready });
}

async function nodeServer(): Promise<{ port: number; ready: Promise<WriteAll> }> {
  const sockets: net.Socket[] = [];
  let allAccepted!: () => void;
  const accepted = new Promise<void>((resolve) => allAccepted = resolve);
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    if (sockets.push(socket) === n) allAccepted();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const ready = accepted.then(() => (message: Uint8Array) =>
    new Promise<void>((resolve, reject) => {
      let left = n;
      const done = (err?: Error | null) => {
        if (err) reject(err);
        else if (--left === 0) resolve();
      };
      for (let i = 0; i < n; i++) sockets[i].write(message, done);
    })
  );
  return { port: (server.address() as net.AddressInfo).port, ready };
}

const { port, ready } = way === "node" ? await nodeServer() : await denoServer();
const peers: Deno.Conn[] = [];
for (let i = 0; i < n; i++) peers.push(await Deno.connect({ hostname: "127.0.0.1", port }));
const writeAll = await ready;
const message = new Uint8Array(18).fill(0x31);
const buffer = new Uint8Array(64);
const rounds: { cpuUsPerConnection: number; wallUsPerConnection: number }[] = [];
for (let round = 0; round < 7; round++) {
  await new Promise((resolve) => setTimeout(resolve, 50));
  const cpuBefore = process.cpuUsage();
  const before = performance.now();
  await writeAll(message);
  const wall = performance.now() - before;
  const cpu = process.cpuUsage(cpuBefore);
  // Drained before the next round (outside the measurement).
  await Promise.all(peers.map((peer) => peer.read(buffer)));
  if (round < 2) continue;
  rounds.push({
    cpuUsPerConnection: +((cpu.user + cpu.system) / n).toFixed(2),
    wallUsPerConnection: +((wall * 1000) / n).toFixed(2),
  });
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
console.log(JSON.stringify({
  connections: n,
  way,
  cpuUsPerConnection: median(rounds.map((r) => r.cpuUsPerConnection)),
  wallUsPerConnection: median(rounds.map((r) => r.wallUsPerConnection)),
  rounds,
}));
Deno.exit(0);
