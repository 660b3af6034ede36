/**
 * This library's side of the epgm interop tests; the same arguments and
 * output as peer.py, so either end can be either library.
 *
 * usage: deno run --unstable-net -A peer.ts pub|sub ENDPOINT JSON_OPTIONS
 * (option `x`: XPublisher / XSubscriber instead)
 */
import { Publisher, Subscriber, XPublisher, XSubscriber } from "../../../mod.ts";

const [role, endpoint, optionsText] = Deno.args;
const options = JSON.parse(optionsText);
const te = new TextEncoder();
const td = new TextDecoder();

function frames(seq: number, size: number, parts: number): Uint8Array[] {
  const body = new Uint8Array(size).fill(seq % 251);
  const step = Math.max(1, Math.ceil(size / parts));
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < size; i += step) chunks.push(body.subarray(i, i + step));
  if (chunks.length === 0) chunks.push(new Uint8Array(0));
  return [te.encode(options.topic ?? "t"), te.encode(String(seq).padStart(8, "0")), ...chunks];
}

const common = {
  linger: 5000,
  ...(options.rate ? { rate: options.rate } : {}),
  ...(options.recoveryInterval ? { recoveryInterval: options.recoveryInterval } : {}),
};

if (role === "pub") {
  const Type = options.x ? XPublisher : Publisher;
  const pub = new Type({ ...common, sendHighWaterMark: 0 });
  pub.connect(endpoint);
  console.log("ready");
  await new Promise((r) => setTimeout(r, (options.startDelay ?? 0.5) * 1000));
  const start = performance.now();
  for (let seq = 0; seq < options.count; seq++) {
    await pub.send(frames(seq, options.size, options.parts ?? 1));
  }
  const queued = (performance.now() - start) / 1000;
  await new Promise((r) => setTimeout(r, (options.hold ?? 3) * 1000));
  console.log(JSON.stringify({ sent: options.count, queuedSeconds: queued }));
  pub.close();
} else {
  const sub = options.x
    ? new XSubscriber({ ...common, receiveHighWaterMark: 0, receiveTimeout: 100 })
    : new Subscriber({ ...common, receiveHighWaterMark: 0, receiveTimeout: 100 });
  let disconnects = 0;
  (async () => {
    for await (const event of sub.events) if (event.type === "disconnect") disconnects++;
  })();
  if (sub instanceof Subscriber) sub.subscribe(options.subscribe ?? "");
  sub.connect(endpoint);
  console.log("ready");
  const deadline = Date.now() + (options.timeout ?? 20) * 1000;
  let received = 0, bad = 0, gaps = 0;
  let expected: number | null = null, firstSeq: number | null = null, lastSeq: number | null = null;
  let firstAt = 0, lastAt = 0;
  const more = () => options.untilLast ? lastSeq !== options.count - 1 : received < options.count;
  while (more() && Date.now() < deadline) {
    let msg: Uint8Array[];
    try {
      msg = await sub.receive();
    } catch {
      continue;
    }
    const now = performance.now();
    if (firstAt === 0) firstAt = now;
    lastAt = now;
    const seq = Number(td.decode(msg[1]));
    const body = msg.slice(2);
    const size = body.reduce((n, f) => n + f.length, 0);
    if (size !== options.size || body.some((f) => f.some((b) => b !== seq % 251))) bad++;
    if (expected !== null && seq !== expected) gaps++;
    expected = seq + 1;
    firstSeq ??= seq;
    lastSeq = seq;
    received++;
  }
  console.log(JSON.stringify({
    received,
    bad,
    gaps,
    firstSeq,
    lastSeq,
    disconnects,
    seconds: (lastAt - firstAt) / 1000,
  }));
  sub.close();
}
