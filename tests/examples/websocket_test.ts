import assert from "node:assert/strict";
import { Subscriber } from "../../mod.ts";
import { delay, texts, within } from "../helpers.ts";
import { ExampleProcess, freeEndpoint } from "./run.ts";

Deno.test("example websocket: a Publisher behind Deno.serve's /feed, next to its /health route", async () => {
  const port = Number(freeEndpoint().split(":").pop());
  const server = new ExampleProcess("websocket/server.ts", [String(port)]);
  const sub = new Subscriber();
  try {
    sub.subscribe("tick ");
    sub.connect(`ws://127.0.0.1:${port}/feed`); // retries until the server is up
    const [tick] = texts(await within(20000, sub.receive(), "a tick over ws"));
    assert.match(tick, /^tick \d+$/);
    let health: { ok: boolean; ticks: number } | undefined;
    for (let attempt = 0; health === undefined && attempt < 50; attempt++) {
      try {
        health = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
      } catch {
        await delay(100);
      }
    }
    assert.equal(health?.ok, true);
    assert.ok(health!.ticks >= 1);
  } finally {
    sub.close();
    await server.stop();
  }
});
