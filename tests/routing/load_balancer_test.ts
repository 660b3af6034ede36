import assert from "node:assert/strict";
import { Pipe } from "../../src/pipe/pipe.ts";
import { MessageQueue } from "../../src/pipe/queue.ts";
import { LoadBalancer } from "../../src/routing/load_balancer.ts";
import { bytes } from "../helpers.ts";

function pipe(hwm: number, name: string): Pipe {
  return new Pipe(`inproc://${name}`, new MessageQueue(0), new MessageQueue(hwm));
}

/** Sends `count` messages and names the pipe each went to ("-" when none took it). */
function route(lb: LoadBalancer, count: number): string {
  const to: string[] = [];
  for (let i = 0; i < count; i++) {
    to.push(lb.send([bytes("m")]) ? lb.lastPipe!.endpoint.slice("inproc://".length) : "-");
  }
  return to.join("");
}

Deno.test("LoadBalancer sends to its pipes in turn, in the order they were attached", () => {
  const lb = new LoadBalancer();
  for (const name of ["a", "b", "c"]) lb.attach(pipe(10, name));
  assert.equal(route(lb, 7), "abcabca");
});

Deno.test("LoadBalancer skips a full pipe until it has room, then sends to it after the others", () => {
  const lb = new LoadBalancer();
  const a = pipe(1, "a");
  const b = pipe(10, "b");
  const c = pipe(10, "c");
  for (const p of [a, b, c]) lb.attach(p);
  assert.equal(route(lb, 4), "abcb"); // a is full after one message
  a.outbound.shift();
  lb.activate(a); // a's queue has room again: it joins after c
  assert.equal(route(lb, 4), "cabc");
});

Deno.test("LoadBalancer gives a pipe that joins after the last one sent to the next message", () => {
  const lb = new LoadBalancer();
  lb.attach(pipe(10, "a"));
  lb.attach(pipe(10, "b"));
  assert.equal(route(lb, 2), "ab");
  lb.attach(pipe(10, "c"));
  assert.equal(route(lb, 3), "cab");
});

Deno.test("LoadBalancer forgets a detached pipe at once, wherever it was in the turn", () => {
  const lb = new LoadBalancer();
  const a = pipe(10, "a");
  const b = pipe(10, "b");
  const c = pipe(10, "c");
  for (const p of [a, b, c]) lb.attach(p);
  assert.equal(route(lb, 1), "a");
  lb.detach(b); // b was next
  assert.equal(route(lb, 3), "cac");
  lb.detach(c);
  lb.detach(a);
  assert.equal(lb.hasRoom, false);
  assert.equal(route(lb, 1), "-");
});

Deno.test("LoadBalancer refuses a message when every pipe is full, and attaches a pipe only once", () => {
  const lb = new LoadBalancer();
  const a = pipe(1, "a");
  lb.attach(a);
  lb.activate(a);
  assert.equal(route(lb, 3), "a--");
  assert.equal(a.outbound.length, 1);
});
