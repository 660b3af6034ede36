import assert from "node:assert/strict";
import { MessageBatch } from "../../src/message.ts";
import { MessageQueue } from "../../src/pipe/queue.ts";

/** A batch of numbered messages. */
class Numbers extends MessageBatch<number[]> {
  private at: number;
  constructor(from: number, count: number) {
    super(count);
    this.at = from;
  }
  next(): number[] {
    this.remaining--;
    return [this.at++];
  }
  peek(): number[] {
    return [this.at];
  }
}

Deno.test("a batch counts each of its messages against the high-water mark", () => {
  const queue = new MessageQueue<number[]>(5);
  queue.pushBatch(new Numbers(0, 5));
  assert.equal(queue.length, 5);
  assert.equal(queue.full, true);
  assert.equal(queue.tryPush([9]), false);
});

Deno.test("a batch's messages are taken in order, between single messages", () => {
  const queue = new MessageQueue<number[]>(0);
  queue.push([0]);
  queue.pushBatch(new Numbers(1, 3));
  queue.push([4]);
  assert.deepEqual(queue.peek(), [0]);
  const taken: number[] = [];
  for (let msg = queue.shift(); msg !== undefined; msg = queue.shift()) taken.push(msg[0]);
  assert.deepEqual(taken, [0, 1, 2, 3, 4]);
  assert.equal(queue.length, 0);
});

Deno.test("a batch announces data once, when the queue was empty", () => {
  const queue = new MessageQueue<number[]>(0);
  let announced = 0;
  queue.onData = () => announced++;
  queue.pushBatch(new Numbers(0, 3));
  queue.pushBatch(new Numbers(3, 3));
  assert.equal(announced, 1);
});

Deno.test("clear drops a batch's messages, counts them, and wakes a waiting writer", () => {
  const queue = new MessageQueue<number[]>(4);
  let woken = 0;
  queue.onSpace = () => woken++;
  queue.pushBatch(new Numbers(0, 4));
  assert.equal(queue.tryPush([4]), false);
  assert.equal(queue.clear(), 4);
  assert.equal(queue.length, 0);
  assert.equal(woken, 1);
});

Deno.test("a queue grows past its first slots with batches and messages mixed", () => {
  const queue = new MessageQueue<number[]>(0);
  let next = 0;
  for (let i = 0; i < 40; i++) {
    if (i % 2 === 0) queue.push([next++]);
    else {
      queue.pushBatch(new Numbers(next, 3));
      next += 3;
    }
  }
  const taken: number[] = [];
  for (let msg = queue.shift(); msg !== undefined; msg = queue.shift()) taken.push(msg[0]);
  assert.deepEqual(taken, Array.from({ length: next }, (_, i) => i));
});

Deno.test("a conflating queue holds only the newest message, whether pushed alone or in a batch", () => {
  const queue = new MessageQueue<number[]>(1000);
  queue.conflate = true;
  queue.push([1]);
  queue.push([2]);
  assert.equal(queue.length, 1);
  queue.pushBatch(new Numbers(10, 5));
  assert.deepEqual(queue.shift(), [14]);
  assert.equal(queue.shift(), undefined);
});

Deno.test("a conflating queue is never full: the high-water mark does not apply", () => {
  const queue = new MessageQueue<number[]>(1);
  queue.conflate = true;
  for (let i = 0; i < 5; i++) assert.equal(queue.tryPush([i]), true);
  assert.equal(queue.full, false);
  assert.deepEqual(queue.shift(), [4]);
});

Deno.test("a conflating queue tells its reader once, when it goes from empty to non-empty", () => {
  const queue = new MessageQueue<number[]>(0);
  queue.conflate = true;
  let told = 0;
  queue.onData = () => told++;
  queue.push([1]);
  queue.push([2]);
  queue.pushBatch(new Numbers(3, 2));
  assert.equal(told, 1);
  queue.shift();
  queue.push([5]);
  assert.equal(told, 2);
});

Deno.test("turning conflation on keeps only the newest of the queued messages", () => {
  const queue = new MessageQueue<number[]>(0);
  queue.push([1]);
  queue.pushBatch(new Numbers(2, 3));
  queue.conflate = true;
  assert.equal(queue.length, 1);
  assert.deepEqual(queue.shift(), [4]);
});
