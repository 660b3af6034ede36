/**
 * Measuring program (not part of `deno task bench`): a Radio and a Dish in
 * one process over udp://127.0.0.1, COUNT datagrams of 64 B queued at once
 * (high-water marks off); prints how many arrived and the rate from the
 * first to the last. The same file runs on Deno (Deno's UDP sockets) and on
 * Node or Bun (node:dgram) against the npm build:
 *
 * ```
 * deno run -A --unstable-net bench/programs/udp_burst.mjs ./mod.ts [COUNT]
 * deno task build:npm && node bench/programs/udp_burst.mjs ./dist/npm/mod.js [COUNT]
 * ```
 */
const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const modPath = new URL(args[0], `file://${globalThis.Deno ? Deno.cwd() : process.cwd()}/`).href;
const { Dish, Radio } = await import(modPath);
const count = Number(args[1] ?? 200_000);

const dish = new Dish({ receiveHighWaterMark: 0 });
await dish.bind("udp://127.0.0.1:*");
dish.join("g");
const radio = new Radio({ sendHighWaterMark: 0 });
radio.connect(dish.lastEndpoint);
const body = new Uint8Array(64);
let got = 0, first = 0, last = 0, seen = 0;
// Whatever has not arrived after 300 ms without progress was lost.
const watchdog = setInterval(() => {
  if (got > 0 && got === seen) dish.close();
  seen = got;
}, 300);
const receiving = (async () => {
  for (;;) {
    try {
      await dish.receive();
    } catch {
      return;
    }
    last = performance.now();
    if (got++ === 0) first = last;
    if (got === count) return;
  }
})();
for (let i = 0; i < count; i++) await radio.send(body, { group: "g" });
await receiving;
clearInterval(watchdog);
console.log(
  JSON.stringify({
    sent: count,
    received: got,
    perSecond: Math.round(got / ((last - first) / 1000)),
  }),
);
radio.close();
dish.close();
