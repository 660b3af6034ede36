import assert from "node:assert/strict";
import { PrefixCounter, SubscriptionTrie } from "../../src/routing/trie.ts";
import { bytes } from "../helpers.ts";

const text = (prefix: Uint8Array) => new TextDecoder().decode(prefix);

/** Collects what `match` reports, once per (value, matching prefix). */
function matches<T>(trie: SubscriptionTrie<T>, topic: string): T[] {
  const out: T[] = [];
  trie.match(bytes(topic), { match: (value) => out.push(value) });
  return out;
}

Deno.test("PrefixCounter counts subscriptions per prefix", () => {
  const trie = new PrefixCounter();
  assert.equal(trie.add(bytes("ab")), true);
  assert.equal(trie.add(bytes("ab")), false);
  assert.equal(trie.remove(bytes("ab")), false);
  assert.equal(trie.matches(bytes("abc")), true);
  assert.equal(trie.remove(bytes("ab")), true);
  assert.equal(trie.matches(bytes("abc")), false);
  assert.equal(trie.remove(bytes("ab")), false, "cancel of nothing");
});

Deno.test("PrefixCounter matches by prefix, and the empty prefix matches everything", () => {
  const trie = new PrefixCounter();
  trie.add(bytes("weather.1"));
  assert.equal(trie.matches(bytes("weather.10001")), true);
  assert.equal(trie.matches(bytes("weather.")), false);
  assert.equal(trie.matches(bytes("weather.2")), false);
  assert.equal(trie.matches(new Uint8Array(0)), false);
  trie.add(new Uint8Array(0));
  assert.equal(trie.matches(new Uint8Array(0)), true);
  assert.equal(trie.matches(bytes("anything")), true);
});

Deno.test("PrefixCounter lists its prefixes and prunes every node it no longer needs", () => {
  const trie = new PrefixCounter();
  const prefixes = ["", "a", "abc", "abd", "b", "bcdef", "bcxyz"];
  for (const p of prefixes) trie.add(bytes(p));
  const listed: string[] = [];
  trie.forEach((p) => listed.push(text(p)));
  assert.deepEqual(listed.sort(), prefixes.slice().sort());
  assert.equal(trie.size, prefixes.length);
  for (const p of prefixes) assert.equal(trie.remove(bytes(p)), true);
  assert.equal(trie.size, 0);
  assert.equal(trie.nodeCount, 1, "only the root is left");
});

Deno.test("tries handle a megabyte-long prefix without recursion", () => {
  const long = new Uint8Array(1 << 20).fill(7);
  const counter = new PrefixCounter();
  counter.add(long);
  counter.add(long.subarray(0, 1000));
  assert.equal(counter.nodeCount, 3, "one node per distinct edge, not per byte");
  assert.equal(counter.matches(long), true);
  let seen = 0;
  counter.forEach((p) => seen += p.length);
  assert.equal(seen, long.length + 1000);
  const trie = new SubscriptionTrie<string>();
  trie.add(long, "peer");
  trie.removeAll("peer", null, false);
  assert.equal(trie.nodeCount, 1);
});

Deno.test("SubscriptionTrie holds each subscriber once per prefix, as libzmq's mtrie", () => {
  const trie = new SubscriptionTrie<string>();
  assert.equal(trie.add(bytes("x"), "p"), true, "new prefix");
  assert.equal(trie.add(bytes("x"), "p"), false, "same peer again");
  assert.equal(trie.add(bytes("x"), "q"), false, "another peer, known prefix");
  assert.deepEqual(matches(trie, "x1").sort(), ["p", "q"]);
  assert.equal(trie.remove(bytes("x"), "p"), "othersRemain");
  assert.equal(trie.remove(bytes("x"), "p"), "notFound");
  assert.equal(trie.remove(bytes("x"), "q"), "lastRemoved");
  assert.equal(trie.remove(bytes("y"), "q"), "notFound");
  assert.equal(trie.size, 0);
});

Deno.test("SubscriptionTrie reports a subscriber once per matching prefix along the topic", () => {
  const trie = new SubscriptionTrie<string>();
  trie.add(bytes(""), "all");
  trie.add(bytes("A"), "p");
  trie.add(bytes("AB"), "p");
  trie.add(bytes("ABD"), "q");
  assert.deepEqual(matches(trie, "ABC").sort(), ["all", "p", "p"]);
  assert.deepEqual(matches(trie, "ABD").sort(), ["all", "p", "p", "q"]);
  assert.deepEqual(matches(trie, "B"), ["all"]);
  assert.deepEqual(matches(trie, ""), ["all"]);
});

Deno.test("SubscriptionTrie.removeAll reports the prefixes a subscriber held", () => {
  const trie = new SubscriptionTrie<string>();
  for (const p of ["a", "ab", "b"]) trie.add(bytes(p), "gone");
  trie.add(bytes("ab"), "stays");
  const onlyLast: string[] = [];
  trie.removeAll("gone", (p) => onlyLast.push(text(p)), true);
  assert.deepEqual(onlyLast.sort(), ["a", "b"]);
  assert.deepEqual(matches(trie, "abc"), ["stays"]);
  const every: string[] = [];
  trie.add(bytes("c"), "stays");
  trie.removeAll("stays", (p) => every.push(text(p)), false);
  assert.deepEqual(every.sort(), ["ab", "c"]);
  assert.equal(trie.nodeCount, 1);
});

Deno.test("SubscriptionTrie agrees with a plain scan over random operations", () => {
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const word = () => Array.from({ length: random(5) }, () => "abc"[random(3)]).join("");
  const trie = new SubscriptionTrie<number>();
  const model = new Map<string, Set<number>>();
  for (let step = 0; step < 5000; step++) {
    const prefix = word();
    const peer = random(4);
    if (random(3) > 0) {
      const isNew = !model.has(prefix);
      assert.equal(trie.add(bytes(prefix), peer), isNew);
      if (isNew) model.set(prefix, new Set());
      model.get(prefix)!.add(peer);
    } else {
      const set = model.get(prefix);
      const expected = set === undefined || !set.has(peer)
        ? "notFound"
        : set.size === 1
        ? "lastRemoved"
        : "othersRemain";
      assert.equal(trie.remove(bytes(prefix), peer), expected);
      set?.delete(peer);
      if (set !== undefined && set.size === 0) model.delete(prefix);
    }
    const topic = word() + word();
    const expected: number[] = [];
    for (const [p, peers] of model) if (topic.startsWith(p)) expected.push(...peers);
    assert.deepEqual(matches(trie, topic).sort(), expected.sort(), `step ${step}: ${topic}`);
    assert.equal(trie.size, model.size);
  }
  for (let peer = 0; peer < 4; peer++) trie.removeAll(peer, null, false);
  assert.equal(trie.nodeCount, 1);
});
