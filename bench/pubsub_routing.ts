/**
 * The publisher's routing cost alone, without sockets or I/O: matching a
 * message against the subscription trie and queueing it on N pipes
 * (1, 10, 100), every subscriber subscribed to the empty prefix, plus a
 * case with 10,000 distinct 5-digit topics where each message matches one.
 *
 *   deno run bench/pubsub_routing.ts
 *
 * @module
 */

import { Pipe } from "../src/pipe/pipe.ts";
import { MessageQueue } from "../src/pipe/queue.ts";
import { PublisherCore } from "../src/routing/publisher_core.ts";

const settings = { noDrop: false, invertMatching: false };
const utf8 = new TextEncoder();

function subscriber(core: PublisherCore, prefix: Uint8Array): Pipe {
  const pipe = new Pipe("tcp://bench", new MessageQueue(0), new MessageQueue(0));
  core.attach(pipe, null);
  const subscribe = new Uint8Array(prefix.length + 1);
  subscribe[0] = 1;
  subscribe.set(prefix, 1);
  pipe.inbound.push([subscribe]);
  core.read(pipe);
  return pipe;
}

function measure(
  label: string,
  core: PublisherCore,
  pipes: Pipe[],
  messages: Uint8Array[][],
  rounds: number,
) {
  let delivered = 0;
  const start = performance.now();
  for (let i = 0; i < rounds; i++) {
    core.send(messages[i % messages.length]);
    if (i % 1000 === 999) { for (const pipe of pipes) delivered += pipe.outbound.clear(); }
  }
  const ms = performance.now() - start;
  for (const pipe of pipes) delivered += pipe.outbound.clear();
  console.log(
    `${label}: ${(ms / rounds * 1e6).toFixed(0)} ns per message, ` +
      `${(ms / delivered * 1e6).toFixed(1)} ns per delivery (${delivered} deliveries)`,
  );
}

for (const count of [1, 10, 100]) {
  const core = new PublisherCore(settings, false);
  const pipes = Array.from({ length: count }, () => subscriber(core, new Uint8Array(0)));
  measure(`${count} subscriber(s), empty prefix`, core, pipes, [[new Uint8Array(16)]], 2e6 / count);
}

const core = new PublisherCore(settings, false);
const zip = (n: number) => String(n).padStart(5, "0") + " ";
const pipes = Array.from({ length: 10000 }, (_, i) => subscriber(core, utf8.encode(zip(i * 10))));
const messages = Array.from({ length: 1000 }, (_, i) => [utf8.encode(`${zip(i * 10)}23 45`)]);
measure("10,000 topics, one match each", core, pipes, messages, 2e6);
