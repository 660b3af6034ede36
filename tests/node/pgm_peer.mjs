// This library's side of the epgm interop tests on Node or Bun (node:dgram
// underneath), against the built package; the same arguments and output as
// tests/interop/pgm/peer.ts and peer.py, so either end can be any of them.
//
// usage: node pgm_peer.mjs <path to mod.js> pub|sub ENDPOINT JSON_OPTIONS

const [modPath, role, endpoint, optionsText] = process.argv.slice(2);
const { Publisher, Subscriber } = await import(modPath);
const options = JSON.parse(optionsText);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function frames(seq, size, parts) {
  const body = new Uint8Array(size).fill(seq % 251);
  const step = Math.max(1, Math.ceil(size / parts));
  const chunks = [];
  for (let i = 0; i < size; i += step) chunks.push(body.subarray(i, i + step));
  if (chunks.length === 0) chunks.push(new Uint8Array(0));
  return [
    encoder.encode(options.topic ?? "t"),
    encoder.encode(String(seq).padStart(8, "0")),
    ...chunks,
  ];
}

const common = { linger: 5000, ...(options.rate ? { rate: options.rate } : {}) };
const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

if (role === "pub") {
  const pub = new Publisher({ ...common, sendHighWaterMark: 0 });
  pub.connect(endpoint);
  console.log("ready");
  await sleep(options.startDelay ?? 0.5);
  for (let seq = 0; seq < options.count; seq++) {
    await pub.send(frames(seq, options.size, options.parts ?? 1));
  }
  await sleep(options.hold ?? 3);
  console.log(JSON.stringify({ sent: options.count }));
  pub.close();
} else {
  const sub = new Subscriber({ ...common, receiveHighWaterMark: 0, receiveTimeout: 100 });
  sub.subscribe(options.subscribe ?? "");
  sub.connect(endpoint);
  console.log("ready");
  const deadline = Date.now() + (options.timeout ?? 20) * 1000;
  let received = 0, bad = 0, gaps = 0, expected = null, firstSeq = null, lastSeq = null;
  while (received < options.count && Date.now() < deadline) {
    let msg;
    try {
      msg = await sub.receive();
    } catch {
      continue; // receiveTimeout: look at the deadline
    }
    const seq = Number(decoder.decode(msg[1]));
    const body = msg.slice(2);
    const size = body.reduce((n, f) => n + f.length, 0);
    if (size !== options.size || body.some((f) => f.some((b) => b !== seq % 251))) bad++;
    if (expected !== null && seq !== expected) gaps++;
    expected = seq + 1;
    firstSeq ??= seq;
    lastSeq = seq;
    received++;
  }
  console.log(JSON.stringify({ received, bad, gaps, firstSeq, lastSeq }));
  sub.close();
}
