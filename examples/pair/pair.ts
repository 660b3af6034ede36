/**
 * PAIR between tasks of one program over inproc (the zguide's mtrelay):
 * three steps, each an async task, signal each other down a chain of PAIR
 * sockets; then two tasks play ping-pong on one PAIR, which carries
 * messages both ways. inproc needs no network and no permission: the two
 * sockets share their queues directly.
 *
 *   deno run examples/pair/pair.ts [round trips]
 *
 * @module
 */

import { Context, Pair } from "../../mod.ts";

// An isolated inproc namespace: names here cannot clash with another library's.
const context = new Context();

/** Step 1: connects to step 2 and tells it that it is ready. */
async function step1(): Promise<void> {
  using xmitter = new Pair({ context });
  xmitter.connect("inproc://step2");
  console.log("Step 1 ready, signaling step 2");
  await xmitter.send("READY");
}

/** Step 2: waits for step 1, then tells step 3. */
async function step2(): Promise<void> {
  using receiver = new Pair({ context });
  await receiver.bind("inproc://step2");
  const started = step1();
  await receiver.receive();
  await started;
  using xmitter = new Pair({ context });
  xmitter.connect("inproc://step3");
  console.log("Step 2 ready, signaling step 3");
  await xmitter.send("READY");
}

/** Ping-pong: `rounds` round trips on one PAIR, the other end in its own task. */
async function pingPong(rounds: number): Promise<void> {
  using ping = new Pair({ context });
  await ping.bind("inproc://ping-pong");
  const ponger = (async () => {
    using pong = new Pair({ context });
    pong.connect("inproc://ping-pong");
    for await (const [n] of pong) {
      await pong.send(n); // straight back
      if (new TextDecoder().decode(n) === String(rounds - 1)) return;
    }
  })();
  const start = performance.now();
  for (let i = 0; i < rounds; i++) {
    await ping.send(String(i));
    const [back] = await ping.receive();
    if (new TextDecoder().decode(back) !== String(i)) throw new Error(`round ${i} came back wrong`);
  }
  const ms = performance.now() - start;
  await ponger;
  console.log(`Ping-pong: ${rounds} round trips in ${ms.toFixed(1)} ms`);
}

using receiver = new Pair({ context });
await receiver.bind("inproc://step3");
const chain = step2();
await receiver.receive();
await chain;
console.log("Test successful!");

await pingPong(Number(Deno.args[0] ?? 1000));
