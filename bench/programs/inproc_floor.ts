/**
 * Measuring program (not part of `deno task bench`): what an inproc PUSH→PULL
 * message costs against the least any promise-based send/receive pair can
 * cost in V8, in CPU time per message (`process.cpuUsage()`, which a loaded
 * machine disturbs less than a rate).
 *
 * Both loops have the shape of `zmtp_thr.ts --role inproc`: a sender that
 * awaits each `send`, a receiver that awaits each `receive`, one process.
 *
 * - `floor`: the sender puts a new one-frame array in a ring and awaits a
 *   resolved promise; the receiver takes it and awaits `Promise.resolve` of
 *   it. Two awaits, one array and one promise per message: what is left
 *   when sending, routing, queueing and receiving cost nothing.
 * - `library`: `await push.send(payload)` and `await pull.receive()` over
 *   `inproc://`.
 *
 * Rounds alternate (floor, library, floor, …) in this one process, so both
 * see the same machine; the median and the lowest of each are printed.
 *
 * ```
 * deno run -A bench/programs/inproc_floor.ts [--size 64] [--count 2000000] [--rounds 9]
 * ```
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { Pull, Push } from "../../mod.ts";
import { say } from "./common.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    size: { type: "string", default: "64" },
    count: { type: "string", default: "2000000" },
    rounds: { type: "string", default: "9" },
  },
});
const size = Number(values.size);
const count = Number(values.count);
const rounds = Number(values.rounds);
const payload = new Uint8Array(size).fill(0x61);
const RESOLVED = Promise.resolve();

/** Two awaiting loops that hand each other one-frame arrays through a ring. */
async function floor(): Promise<void> {
  const ring: (Uint8Array[] | undefined)[] = new Array(4096);
  let head = 0;
  let tail = 0;
  const sender = async () => {
    for (let i = 0; i < count; i++) {
      ring[tail] = [payload];
      tail = (tail + 1) & 4095;
      await RESOLVED;
    }
  };
  const receiver = async () => {
    for (let i = 0; i < count; i++) {
      const msg = ring[head]!;
      ring[head] = undefined;
      head = (head + 1) & 4095;
      if ((await Promise.resolve(msg)).length !== 1) throw new Error("lost a message");
    }
  };
  await Promise.all([sender(), receiver()]);
}

const pull = new Pull();
await pull.bind("inproc://inproc-floor");
const push = new Push();
push.connect("inproc://inproc-floor");

/** The same two loops through the library. */
async function library(): Promise<void> {
  const sender = async () => {
    for (let i = 0; i < count; i++) await push.send(payload);
  };
  const receiver = async () => {
    for (let i = 0; i < count; i++) {
      const msg = await pull.receive();
      if (msg.length !== 1 || msg[0].length !== size) throw new Error("unexpected message");
    }
  };
  await Promise.all([sender(), receiver()]);
}

const cases: [string, () => Promise<void>][] = [["floor", floor], ["library", library]];
const nsPerMessage = new Map<string, number[]>(cases.map(([name]) => [name, []]));
// Round 0 warms both up and is not counted.
for (let round = 0; round <= rounds; round++) {
  for (const [name, run] of cases) {
    const before = process.cpuUsage();
    await run();
    const used = process.cpuUsage(before);
    if (round > 0) nsPerMessage.get(name)!.push((used.user + used.system) * 1000 / count);
  }
}
const summary: Record<string, unknown> = { size, count, rounds };
for (const [name, values] of nsPerMessage) {
  values.sort((a, b) => a - b);
  summary[name] = {
    medianNs: Math.round(values[values.length >> 1] * 10) / 10,
    lowestNs: Math.round(values[0] * 10) / 10,
  };
}
say(summary);
push.close();
pull.close();
Deno.exit(0);
