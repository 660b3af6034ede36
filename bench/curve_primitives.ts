/**
 * What CURVE's cryptography costs, piece by piece, and noble against
 * WebCrypto for X25519 (the one primitive WebCrypto offers here).
 *
 *   deno run -A bench/curve_primitives.ts [--boxes]
 *
 * `--boxes` measures only XSalsa20-Poly1305: JavaScript, WebAssembly and
 * libsodium (bench/c/secretbox.c, where cc and libsodium-dev are installed).
 *
 * Prints microseconds per operation; run on a quiet machine.
 */

import {
  boxKey,
  nobleX25519,
  randomBytes,
  webCryptoX25519,
  type X25519Backend,
} from "../src/mechanism/crypto.ts";
import {
  CLIENT_MESSAGE_PREFIX,
  CurveClient,
  CurveCodec,
  CurveServer,
  SERVER_MESSAGE_PREFIX,
} from "../src/mechanism/curve.ts";
import type { Command } from "../src/wire/command.ts";
import { openWithSubkey, sealWithSubkey } from "../src/mechanism/secretbox.ts";
import { secretboxWasm } from "../src/mechanism/secretbox_wasm.ts";
import process from "node:process";

async function measure(
  name: string,
  iterations: number,
  op: () => unknown | Promise<unknown>,
): Promise<number> {
  for (let i = 0; i < Math.max(10, iterations / 10); i++) await op();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await op();
  const us = (performance.now() - start) * 1000 / iterations;
  console.log(`${name.padEnd(46)} ${us.toFixed(1).padStart(9)} µs`);
  return us;
}

async function handshake(backend: X25519Backend): Promise<void> {
  const serverSecret = randomBytes(32);
  const serverPublic = await backend.publicKey(serverSecret);
  const client = await backend.generate();
  const context = { socketType: "PUSH", routingId: new Uint8Array(0), peerAddress: "bench" };
  const c = new CurveClient(context, {
    publicKey: client.publicKey,
    secretKey: client.secretKey,
    serverKey: serverPublic,
  }, backend);
  const s = new CurveServer(
    { ...context, socketType: "PULL" },
    serverSecret,
    { authenticate: null, zapDomain: "" },
    backend,
  );
  const one = (cs: Command[]) => ({ name: cs[0].name, data: cs[0].data.slice() });
  await s.start();
  const welcome = one((await s.onCommand(one((await c.start()).send))).send);
  const ready = one((await s.onCommand(one((await c.onCommand(welcome)).send))).send);
  await c.onCommand(ready);
}

console.log(`Deno ${Deno.version.deno}, V8 ${Deno.version.v8}; load ${Deno.loadavg().join(" ")}`);
const boxesOnly = Deno.args.includes("--boxes");
const a = randomBytes(32);
const b = await nobleX25519.publicKey(randomBytes(32));
if (!boxesOnly) console.log("\nX25519");
for (const backend of boxesOnly ? [] : [nobleX25519, webCryptoX25519]) {
  await measure(`${backend.name}: key pair`, 300, () => backend.generate());
  await measure(`${backend.name}: agreement`, 300, () => backend.agree(a, b));
  await measure(`${backend.name}: boxKey (agreement + HSalsa20)`, 300, () => boxKey(b, a, backend));
  await measure(
    `${backend.name}: full handshake, both sides`,
    60,
    () => handshake(backend),
  );
}

/**
 * libsodium's crypto_secretbox (libzmq's cipher) on the same sizes, from
 * bench/c/secretbox.c built against the system's libsodium: MB/s of seal and
 * open by size, or the reason it cannot run here.
 */
async function libsodiumRates(sizes: number[]): Promise<Map<number, number[]> | string> {
  const dir = await Deno.makeTempDir({ prefix: "zmtp-secretbox-" });
  try {
    const source = new URL("./c/secretbox.c", import.meta.url).pathname;
    const built = await new Deno.Command("cc", {
      args: ["-O2", "-o", `${dir}/secretbox`, source, "-lsodium"],
      stderr: "piped",
    }).output();
    if (!built.success) return "cc could not build bench/c/secretbox.c (libsodium-dev?)";
    const ran = await new Deno.Command(`${dir}/secretbox`, { args: sizes.map(String) }).output();
    const rows = new TextDecoder().decode(ran.stdout).trim().split("\n").map((l) => l.split(" "));
    return new Map(rows.map(([size, seal, open]) => [Number(size), [Number(seal), Number(open)]]));
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Microseconds of this process's CPU time per call of a synchronous `op`, best of five windows. */
function measureSync(iterations: number, op: () => unknown): number {
  for (let i = 0; i < Math.max(10, iterations / 10); i++) op();
  let best = Infinity;
  for (let window = 0; window < 5; window++) {
    const start = process.cpuUsage();
    for (let i = 0; i < iterations; i++) op();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / iterations);
  }
  return best;
}

function formatBytes(size: number): string {
  return size >= 1 << 20 ? `${size >> 20} MiB` : size >= 1024 ? `${size >> 10} KiB` : `${size} B`;
}

console.log(
  "\nXSalsa20-Poly1305 per box, MB/s of CPU time (seal / open): JavaScript, WebAssembly, libsodium",
);
const wasm = secretboxWasm();
if (wasm === null) console.log("  no WebAssembly SIMD here");
const subkey = new Uint32Array(randomBytes(32).buffer);
const boxSizes = [32, 64, 96, 128, 192, 256, 512, 1024, 4096, 16384, 65536, 1 << 20];
const sodium = await libsodiumRates(boxSizes);
if (typeof sodium === "string") console.log(`  libsodium: ${sodium}`);
for (const size of boxSizes) {
  const box = new Uint8Array(size + 32);
  for (let at = 32; at < box.length; at += 65536) {
    box.set(randomBytes(Math.min(65536, box.length - at)), at);
  }
  sealWithSubkey(subkey, 1, 2, box);
  const sealed = box.slice();
  const work = sealed.slice();
  const iterations = Math.max(5, Math.floor(2e7 / (size + 256)));
  const rate = (us: number) => (size / us).toFixed(0).padStart(5);
  const pair = (seal: number, open: number) => `${rate(seal)} / ${rate(open)}`;
  const opening = (open: typeof openWithSubkey) => () => {
    work.set(sealed);
    if (!open(subkey, 1, 2, work)) throw new Error("a sealed box did not open");
  };
  const js = measureSync(iterations, () => sealWithSubkey(subkey, 1, 2, box));
  const jsOpen = measureSync(iterations, opening(openWithSubkey));
  let line = `  ${formatBytes(size).padStart(7)}  js ${pair(js, jsOpen)}`;
  if (wasm !== null) {
    const wa = measureSync(iterations, () => wasm.seal(subkey, 1, 2, box));
    const waOpen = measureSync(iterations, opening((...args) => wasm.open(...args)));
    line += `   wasm ${pair(wa, waOpen)}   wasm ÷ js ${(js / wa).toFixed(2)}`;
    if (typeof sodium !== "string") {
      const [sealRate, openRate] = sodium.get(size)!;
      line +=
        `   libsodium ${sealRate.toFixed(0).padStart(5)} / ${openRate.toFixed(0).padStart(5)}` +
        `   wasm ÷ libsodium ${(size / wa / sealRate).toFixed(2)}`;
    }
  }
  console.log(line);
}

if (!boxesOnly) console.log("\nMESSAGE (XSalsa20-Poly1305), per frame");
const key = randomBytes(32);
for (const size of boxesOnly ? [] : [64, 1024, 65536]) {
  const body = randomBytes(size);
  const n = size >= 65536 ? 2000 : 50000;
  const warmup = Math.max(10, n / 10);
  const sender = new CurveCodec(key, CLIENT_MESSAGE_PREFIX, SERVER_MESSAGE_PREFIX, 3, 1);
  const seal = await measure(`seal ${size} B`, n, () => sender.seal(0, body));
  // Opened in the order a fresh sender sealed them, as nonces must increase.
  const fresh = new CurveCodec(key, CLIENT_MESSAGE_PREFIX, SERVER_MESSAGE_PREFIX, 3, 1);
  const sealed = Array.from({ length: n + warmup }, () => fresh.seal(0, body));
  const receiver = new CurveCodec(key, SERVER_MESSAGE_PREFIX, CLIENT_MESSAGE_PREFIX, 2, 2);
  let next = 0;
  const open = await measure(`open ${size} B`, n, () => receiver.open(0, sealed[next++]));
  const slowest = Math.max(seal, open);
  console.log(
    `  → one core: ${(1e6 / slowest).toFixed(0)} msgs/s, ` +
      `${(size * 1e6 / slowest / 2 ** 20).toFixed(1)} MiB/s`,
  );
}
