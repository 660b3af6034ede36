import assert from "node:assert/strict";
import { Push } from "../../mod.ts";
import { bytes, pattern, texts, within } from "../helpers.ts";
import { eventsOf, recordEvents } from "../sockets/raw_peer.ts";
import { type Binder, link } from "./link.ts";
import { LibzmqPeer } from "./libzmq.ts";

const SIZES = [0, 255, 256, 64 * 1024, 4 * 1024 * 1024];

/** The four ways PUSH/PULL can be split between the two libraries. */
const ROLES: { pusher: "ours" | "libzmq"; binder: Binder }[] = [
  { pusher: "libzmq", binder: "ours" },
  { pusher: "libzmq", binder: "libzmq" },
  { pusher: "ours", binder: "ours" },
  { pusher: "ours", binder: "libzmq" },
];

function describe(role: (typeof ROLES)[number]): string {
  const pusher = role.pusher === "ours" ? "our PUSH" : "libzmq PUSH";
  const puller = role.pusher === "ours" ? "libzmq PULL" : "our PULL";
  const binder = role.binder === "ours" ? "we bind" : "libzmq binds";
  return `${pusher} → ${puller} (${binder})`;
}

/** A PUSH→PULL link with the roles given; `push`/`pull` are the two sides. */
async function pushPull(peer: LibzmqPeer, role: (typeof ROLES)[number]) {
  const ourType = role.pusher === "ours" ? "Push" : "Pull";
  const theirType = role.pusher === "ours" ? "Pull" : "Push";
  const l = await link(peer, ourType, theirType, role.binder);
  const [push, pull] = role.pusher === "ours" ? [l.ours, l.theirs] : [l.theirs, l.ours];
  return { push, pull, close: l.close };
}

for (const role of ROLES) {
  Deno.test(`${describe(role)}: multipart messages with empty frames`, async () => {
    await using peer = await LibzmqPeer.start();
    const { push, pull, close } = await pushPull(peer, role);
    const messages = [["", "a", "", "bc", ""], [""], ["x"], ["", ""]];
    for (const m of messages) await push.send(m.map(bytes));
    for (const m of messages) assert.deepEqual(texts(await pull.receive()), m);
    await close();
  });

  Deno.test(`${describe(role)}: frames of 0, 255, 256 bytes, 64 KiB and 4 MiB`, async () => {
    await using peer = await LibzmqPeer.start();
    const { push, pull, close } = await pushPull(peer, role);
    for (const [i, size] of SIZES.entries()) await push.send([pattern(size, i)]);
    await push.send(SIZES.map((size, i) => pattern(size, i + 50)));
    for (const [i, size] of SIZES.entries()) {
      assert.deepEqual(await pull.receive(), [pattern(size, i)], `${size} bytes`);
    }
    assert.deepEqual(await pull.receive(), SIZES.map((size, i) => pattern(size, i + 50)));
    await close();
  });
}

/** 5,000 messages, 0 to 699 bytes, some multipart: every frame boundary lands somewhere new. */
function mixedMessages(): Uint8Array[][] {
  return Array.from(
    { length: 5000 },
    (_, i) => i % 7 === 0 ? [pattern(i % 300, i), new Uint8Array(0)] : [pattern((i * 37) % 700, i)],
  );
}

for (const pusher of ["libzmq", "ours"] as const) {
  const name = pusher === "libzmq" ? "libzmq PUSH → our PULL" : "our PUSH → libzmq PULL";
  Deno.test(`${name}: 5,000 messages of mixed sizes arrive complete and in order`, async () => {
    await using peer = await LibzmqPeer.start();
    const { push, pull, close } = await pushPull(peer, { pusher, binder: "ours" });
    const messages = mixedMessages();
    const [, received] = await Promise.all([
      push.sendMany(messages),
      pull.receiveMany(messages.length),
    ]);
    assert.equal(received.length, messages.length);
    received.forEach((m, i) => assert.deepEqual(m, messages[i], `message ${i}`));
    await close();
  });
}

Deno.test("our PUSH and a libzmq PUSH refuse each other (handshake:error:protocol)", async () => {
  await using peer = await LibzmqPeer.start();
  const push = new Push();
  const events = recordEvents(push);
  await push.bind("tcp://127.0.0.1:*");
  const theirs = await peer.socket("Push");
  await theirs.connect(push.lastEndpoint!);
  await within(16000, eventsOf(events, "handshake:error:protocol", 1, 15000));
  assert.equal(events.some((e) => e.type === "handshake"), false);
  await theirs.close();
  push.close();
});
