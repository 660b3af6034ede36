import assert from "node:assert/strict";
import { Pipe } from "../../src/pipe/pipe.ts";
import { MessageQueue } from "../../src/pipe/queue.ts";
import { Distributor } from "../../src/routing/distributor.ts";
import { bytes } from "../helpers.ts";

function pipe(hwm: number, endpoint = "tcp://127.0.0.1:1"): Pipe {
  return new Pipe(endpoint, new MessageQueue(0), new MessageQueue(hwm));
}

Deno.test("Distributor sends once to a target matched several times", () => {
  const dist = new Distributor();
  const p = pipe(10);
  const target = dist.attach(p);
  dist.startMatch();
  dist.match(target);
  dist.match(target);
  dist.sendToMatching([bytes("m")]);
  assert.equal(p.outbound.length, 1);
});

Deno.test("Distributor drops for a full pipe until it drains to its low-water mark", () => {
  const dist = new Distributor();
  const p = pipe(4);
  p.outbound.onSpace = () => dist.activate(p);
  dist.attach(p);
  for (let i = 0; i < 6; i++) dist.sendToAll([bytes(String(i))]);
  assert.equal(p.outbound.length, 4);
  p.outbound.shift(); // 3 left: room, but above the low-water mark (2)
  dist.sendToAll([bytes("dropped")]);
  assert.equal(p.outbound.length, 3);
  p.outbound.shift(); // 2 left: activated again
  dist.sendToAll([bytes("kept")]);
  assert.equal(p.outbound.length, 3);
});

Deno.test("Distributor inverts a match to the targets not matched", () => {
  const dist = new Distributor();
  const a = pipe(10);
  const b = pipe(10);
  const ta = dist.attach(a);
  dist.attach(b);
  dist.startMatch();
  dist.match(ta);
  dist.invertMatch();
  dist.sendToMatching([bytes("m")]);
  assert.deepEqual([a.outbound.length, b.outbound.length], [0, 1]);
});

Deno.test("Distributor gives inproc pipes their own message array and engines the shared one", () => {
  const dist = new Distributor();
  const tcp = pipe(10);
  const inproc = pipe(10, "inproc://x");
  dist.attach(tcp);
  dist.attach(inproc);
  const msg = [bytes("m")];
  dist.sendToAll(msg);
  assert.equal(tcp.outbound.peek(), msg);
  assert.notEqual(inproc.outbound.peek(), msg);
  assert.equal(inproc.outbound.peek()![0], msg[0], "frames are shared");
});

Deno.test("Distributor stops sending to a detached pipe", () => {
  const dist = new Distributor();
  const a = pipe(10);
  const b = pipe(10);
  dist.attach(a);
  dist.attach(b);
  assert.equal(dist.detach(a)?.attached, false);
  dist.sendToAll([bytes("m")]);
  assert.deepEqual([a.outbound.length, b.outbound.length], [0, 1]);
  assert.equal(dist.size, 1);
});
