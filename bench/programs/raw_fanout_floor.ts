/**
 * Measuring program (not part of `deno task bench`): the floor under "one
 * message to every subscriber" in Deno. N tcp connections to this process;
 * an 18-byte write is started on every one of them at once and all are
 * awaited (the far ends are not reading meanwhile, so nothing else runs);
 * prints the CPU time (user + system) and wall time per connection for
 * each of five rounds, after two unmeasured ones.
 *
 * ```
 * sh -c 'ulimit -n 20000; deno run -A bench/programs/raw_fanout_floor.ts 1000'
 * ```
 *
 * (N up to about 9,000 within 20,000 descriptors: each connection takes two.)
 *
 * @module
 */

import process from "node:process";

const n = Number(Deno.args[0] ?? 1000);
const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
const port = (listener.addr as Deno.NetAddr).port;
const accepted: Deno.Conn[] = [];
const accepting = (async () => {
  for (let i = 0; i < n; i++) accepted.push(await listener.accept());
})();
const peers: Deno.Conn[] = [];
for (let i = 0; i < n; i++) peers.push(await Deno.connect({ hostname: "127.0.0.1", port }));
await accepting;
const message = new Uint8Array(18).fill(0x31);
const buffer = new Uint8Array(64);
const rounds: { cpuUsPerConnection: number; wallUsPerConnection: number }[] = [];
for (let round = 0; round < 7; round++) {
  await new Promise((resolve) => setTimeout(resolve, 50));
  const cpuBefore = process.cpuUsage();
  const before = performance.now();
  const writes = new Array<Promise<number>>(n);
  for (let i = 0; i < n; i++) writes[i] = accepted[i].write(message);
  await Promise.all(writes);
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
console.log(JSON.stringify({ connections: n, rounds }));
Deno.exit(0);
