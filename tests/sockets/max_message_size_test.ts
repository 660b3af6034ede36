// maxMessageSize: a peer whose message is too large loses its connection;
// every other peer keeps working.
import assert from "node:assert/strict";
import { Publisher, Pull, Push } from "../../mod.ts";
import { EventLog } from "../event_log.ts";
import { texts, within } from "../helpers.ts";
import { command, frame, message, RawClient } from "../raw_zmtp.ts";

const TCP = "tcp://127.0.0.1:*";

async function pullWithLimit(limit: number): Promise<{ pull: Pull; log: EventLog }> {
  const pull = new Pull({ maxMessageSize: limit });
  const log = new EventLog(pull);
  await pull.bind(TCP);
  return { pull, log };
}

async function rawPush(pull: Pull): Promise<RawClient> {
  const raw = await RawClient.connect(pull.lastEndpoint!);
  await within(5000, raw.handshake("PUSH"));
  return raw;
}

Deno.test("a message over maxMessageSize closes that connection only; another peer keeps sending", async () => {
  const { pull, log } = await pullWithLimit(1000);
  const offender = await rawPush(pull);
  const good = new Push();
  good.connect(pull.lastEndpoint!);
  await good.send("good 1");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["good 1"]);
  await offender.write(message("small"), message(new Uint8Array(1001)), message("after"));
  await within(5000, offender.closedByPeer());
  const gone = await log.waitFor("disconnect");
  assert.equal(gone.address, pull.lastEndpoint);
  assert.match(String(gone.error), /maxMessageSize/);
  assert.equal((gone.error as { code?: string }).code, "EMSGSIZE");
  // What came before the large message was delivered; nothing after it.
  assert.deepEqual(texts(await within(5000, pull.receive())), ["small"]);
  await good.send("good 2");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["good 2"]);
  offender.close();
  good.close();
  pull.close();
});

Deno.test("maxMessageSize counts every frame of a multipart message", async () => {
  const { pull } = await pullWithLimit(1000);
  const raw = await rawPush(pull);
  await raw.write(message(new Uint8Array(400), new Uint8Array(400), new Uint8Array(200)));
  assert.equal((await within(5000, pull.receive())).length, 3);
  await raw.write(message(new Uint8Array(400), new Uint8Array(400), new Uint8Array(201)));
  await within(5000, raw.closedByPeer());
  raw.close();
  pull.close();
});

Deno.test("a declared size over maxMessageSize is refused before any of the body arrives", async () => {
  const { pull } = await pullWithLimit(1000);
  const raw = await rawPush(pull);
  // A header announcing 1 GiB, and no body.
  await raw.write(frame(new Uint8Array(0), 0, { declaredSize: 2 ** 30 }));
  await within(5000, raw.closedByPeer());
  raw.close();
  pull.close();
});

Deno.test("after the handshake a command is held to maxMessageSize too", async () => {
  const pub = new Publisher({ maxMessageSize: 100 });
  const log = new EventLog(pub);
  await pub.bind(TCP);
  const raw = await RawClient.connect(pub.lastEndpoint!);
  await within(5000, raw.handshake("SUB"));
  await raw.write(command("SUBSCRIBE", new Uint8Array(50)));
  await raw.write(command("SUBSCRIBE", new Uint8Array(200)));
  await within(5000, raw.closedByPeer());
  assert.equal(((await log.waitFor("disconnect")).error as { code?: string }).code, "EMSGSIZE");
  raw.close();
  pub.close();
});

Deno.test("maxMessageSize -1 (the default) accepts a large message", async () => {
  const pull = new Pull();
  await pull.bind(TCP);
  const push = new Push();
  push.connect(pull.lastEndpoint!);
  await push.send(new Uint8Array(4 * 1024 * 1024));
  assert.equal((await within(5000, pull.receive()))[0].length, 4 * 1024 * 1024);
  push.close();
  pull.close();
});
