// Connection churn: 2,000 raw TCP connections opened and closed at every
// stage of the handshake leave nothing open behind them, and the socket
// then exchanges messages as before.
import assert from "node:assert/strict";
import { Pull, Push } from "../../mod.ts";
import { EventLog } from "../event_log.ts";
import { eventually, texts, within } from "../helpers.ts";
import { greeting, message, openFileCount, RawClient, ready } from "../raw_zmtp.ts";

const CONNECTIONS = 2000;
const AT_ONCE = 50;

/** What connection `i` sends before hanging up: nothing, part of a greeting, ... a message. */
function stage(i: number): Uint8Array[] {
  switch (i % 5) {
    case 0:
      return [];
    case 1:
      return [greeting().subarray(0, 1 + (i % 63))];
    case 2:
      return [greeting()];
    case 3:
      return [greeting(), ready("PUSH")];
    default:
      return [greeting(), ready("PUSH"), message("from a short-lived peer")];
  }
}

async function openAndClose(endpoint: string, i: number): Promise<void> {
  const raw = await RawClient.connect(endpoint);
  try {
    await raw.write(...stage(i));
  } catch { /* the socket may already have hung up */ }
  raw.close();
}

Deno.test("2,000 connections opened and closed leave no open resources, and messages still flow", async () => {
  const pull = new Pull();
  const log = new EventLog(pull);
  await pull.bind("tcp://127.0.0.1:*");
  const endpoint = pull.lastEndpoint!;
  const push = new Push();
  push.connect(endpoint);
  await push.send("before");
  assert.deepEqual(texts(await within(5000, pull.receive())), ["before"]);
  const baseline = openFileCount();

  const started = performance.now();
  await within(
    45000,
    (async () => {
      for (let i = 0; i < CONNECTIONS; i += AT_ONCE) {
        const batch = [];
        for (let j = i; j < i + AT_ONCE; j++) batch.push(openAndClose(endpoint, j));
        await Promise.all(batch);
      }
    })(),
    "the churn",
  );
  const ms = performance.now() - started;
  // Every accepted connection ended, and was reported once.
  await eventually(
    () => log.events.filter((e) => e.type === "disconnect").length === CONNECTIONS,
    10000,
    "a disconnect for each connection",
  );
  await eventually(() => openFileCount() <= baseline, 5000, `open files back to ${baseline}`);

  for (let i = 0; i < 100; i++) await push.send(String(i));
  let next = 0;
  while (next < 100) {
    const got = texts(await within(5000, pull.receive()))[0];
    if (got === "from a short-lived peer") continue;
    assert.equal(got, String(next++));
  }
  const accepted = log.events.filter((e) => e.type === "accept").length;
  assert.equal(accepted, CONNECTIONS + 1);
  console.log(`${CONNECTIONS} connections in ${ms.toFixed(0)} ms; open files ${openFileCount()}`);
  push.close();
  pull.close();
});
