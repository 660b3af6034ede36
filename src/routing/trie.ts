/**
 * Prefix trees for subscriptions, after libzmq's trie_t (subscriber side)
 * and mtrie_t (publisher side), stored as radix trees.
 *
 * A radix tree keeps a run of bytes on each edge instead of one node per
 * byte, so a 1 MB subscription from a hostile peer costs one node, not a
 * million, and matching a topic compares bytes in a tight loop. Every
 * non-root node either holds a value or has at least two children (a node
 * left with neither is pruned; one left with a single child absorbs it).
 *
 * Children are found by their edge's first byte in a table indexed from
 * the smallest such byte (libzmq's `min`/`count` layout), so a step costs
 * one array load whatever the fan-out.
 *
 * Nothing here recurses: prefix length is chosen by peers, so every walk
 * uses a loop or an explicit stack.
 *
 * @module
 */

const EMPTY = new Uint8Array(0);

/** One node: the bytes on the edge from its parent, its children, its value. */
class Node<T> {
  /** The edge label from the parent (empty for the root). */
  key: Uint8Array;
  /** Byte that `table[0]` stands for. */
  min = 0;
  /** Children indexed by (first byte of their key − min); null where none. */
  table: (Node<T> | null)[] = [];
  /** Number of non-null entries in `table`. */
  live = 0;
  /** Publisher side: who subscribed to exactly this prefix (null: nobody). */
  values: T[] | null = null;
  /** Subscriber side: how many times this exact prefix was subscribed. */
  count = 0;

  constructor(key: Uint8Array) {
    this.key = key;
  }

  get hasValue(): boolean {
    return this.values !== null || this.count > 0;
  }

  /** No value and no children: its parent may drop it. */
  get redundant(): boolean {
    return this.live === 0 && !this.hasValue;
  }

  child(byte: number): Node<T> | null {
    const i = byte - this.min;
    return i >= 0 && i < this.table.length ? this.table[i] : null;
  }

  /** Puts `node` in the slot for its first byte, growing the table as needed. */
  setChild(node: Node<T>): void {
    const byte = node.key[0];
    const table = this.table;
    if (table.length === 0) {
      this.min = byte;
      table.push(node);
      this.live = 1;
      return;
    }
    if (byte < this.min) {
      const grow = this.min - byte;
      const fresh = new Array<Node<T> | null>(grow).fill(null);
      this.table = fresh.concat(table);
      this.min = byte;
    } else {
      while (byte - this.min >= this.table.length) this.table.push(null);
    }
    const i = byte - this.min;
    if (this.table[i] === null) this.live++;
    this.table[i] = node;
  }

  /** Drops the child for `byte` and trims empty slots at both ends of the table. */
  removeChild(byte: number): void {
    const table = this.table;
    const i = byte - this.min;
    if (i < 0 || i >= table.length || table[i] === null) return;
    table[i] = null;
    this.live--;
    let start = 0;
    while (start < table.length && table[start] === null) start++;
    let end = table.length;
    while (end > start && table[end - 1] === null) end--;
    if (start === table.length) {
      this.table = [];
      this.min = 0;
      return;
    }
    if (start > 0 || end < table.length) {
      this.table = table.slice(start, end);
      this.min += start;
    }
  }

  /** This valueless node has one child: take the child's place (keeps this node's identity). */
  absorbOnlyChild(): void {
    let only: Node<T> | null = null;
    for (const node of this.table) if (node !== null) only = node;
    if (only === null) return;
    const key = new Uint8Array(this.key.length + only.key.length);
    key.set(this.key);
    key.set(only.key, this.key.length);
    this.key = key;
    this.min = only.min;
    this.table = only.table;
    this.live = only.live;
    this.values = only.values;
    this.count = only.count;
  }
}

/** Length of the common start of `key` and `data[from..]`. */
function commonLength(key: Uint8Array, data: Uint8Array, from: number): number {
  const n = Math.min(key.length, data.length - from);
  let i = 0;
  while (i < n && key[i] === data[from + i]) i++;
  return i;
}

/** The radix-tree mechanics both tries share. */
class RadixTree<T> {
  protected readonly root: Node<T> = new Node<T>(EMPTY);

  /** The node for exactly `prefix`, created (and edges split) as needed. */
  protected insert(prefix: Uint8Array): Node<T> {
    let node = this.root;
    let pos = 0;
    while (pos < prefix.length) {
      const next = node.child(prefix[pos]);
      if (next === null) {
        const leaf = new Node<T>(prefix.slice(pos));
        node.setChild(leaf);
        return leaf;
      }
      const common = commonLength(next.key, prefix, pos);
      if (common < next.key.length) {
        // Split the edge: a middle node takes the shared part.
        const middle = new Node<T>(next.key.subarray(0, common));
        next.key = next.key.subarray(common);
        middle.setChild(next);
        node.setChild(middle);
        node = middle;
      } else {
        node = next;
      }
      pos += common;
    }
    return node;
  }

  /**
   * The node for exactly `prefix`, or null. `parents` (if given) receives
   * the node's parent and grandparent, for pruning afterwards.
   */
  protected find(prefix: Uint8Array, parents?: Node<T>[]): Node<T> | null {
    let node = this.root;
    let pos = 0;
    if (parents !== undefined) parents.length = 0;
    while (pos < prefix.length) {
      const next = node.child(prefix[pos]);
      if (next === null) return null;
      const key = next.key;
      if (commonLength(key, prefix, pos) < key.length) return null;
      if (parents !== undefined) parents.push(node);
      node = next;
      pos += key.length;
    }
    return node;
  }

  /** Restores the invariants after `node` (whose ancestors are `parents`) lost its value. */
  protected prune(node: Node<T>, parents: Node<T>[]): void {
    if (node === this.root || node.hasValue) return;
    const parent = parents[parents.length - 1];
    if (node.live === 0) {
      parent.removeChild(node.key[0]);
      if (parent !== this.root && !parent.hasValue && parent.live === 1) parent.absorbOnlyChild();
    } else if (node.live === 1) {
      node.absorbOnlyChild();
    }
  }

  /**
   * Visits every node with a value, depth first, giving the full prefix
   * (a view into a scratch buffer: copy it to keep it). Returns the nodes
   * in visiting order, for a clean-up pass.
   */
  protected walk(visit: (node: Node<T>, prefix: Uint8Array) => void): Node<T>[] {
    const order: Node<T>[] = [];
    const nodes: Node<T>[] = [this.root];
    const starts: number[] = [0];
    let buffer = new Uint8Array(256);
    while (nodes.length > 0) {
      const node = nodes.pop()!;
      const start = starts.pop()!;
      const end = start + node.key.length;
      if (end > buffer.length) {
        const bigger = new Uint8Array(Math.max(end, buffer.length * 2));
        bigger.set(buffer.subarray(0, start));
        buffer = bigger;
      }
      buffer.set(node.key, start);
      order.push(node);
      if (node.hasValue) visit(node, buffer.subarray(0, end));
      const table = node.table;
      for (let i = table.length - 1; i >= 0; i--) {
        const child = table[i];
        if (child === null) continue;
        nodes.push(child);
        starts.push(end);
      }
    }
    return order;
  }

  /** Prunes redundant nodes everywhere after a walk that removed values. */
  protected pruneAll(order: Node<T>[]): void {
    // Reverse pre-order visits every child before its parent.
    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k];
      // removeChild may replace node.table; iterate the table as it was.
      const table = node.table;
      for (let i = 0; i < table.length; i++) {
        const child = table[i];
        if (child !== null && child.redundant) node.removeChild(child.key[0]);
      }
      if (node !== this.root && !node.hasValue && node.live === 1) node.absorbOnlyChild();
    }
  }

  /** Number of nodes (for tests: pruning leaves no garbage). */
  get nodeCount(): number {
    let count = 0;
    const stack: Node<T>[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      count++;
      for (const child of node.table) if (child !== null) stack.push(child);
    }
    return count;
  }
}

/**
 * The subscriber's filter (libzmq's trie_t): prefixes with reference counts.
 * Subscribing twice and cancelling once leaves the prefix subscribed.
 */
export class PrefixCounter extends RadixTree<never> {
  private prefixes = 0;
  private readonly parents: Node<never>[] = [];

  /** Counts one more subscription to `prefix`; true when it is new. */
  add(prefix: Uint8Array): boolean {
    const node = this.insert(prefix);
    node.count++;
    if (node.count === 1) this.prefixes++;
    return node.count === 1;
  }

  /** Counts one subscription less; true when the last one for `prefix` went. */
  remove(prefix: Uint8Array): boolean {
    const node = this.find(prefix, this.parents);
    if (node === null || node.count === 0) return false;
    node.count--;
    if (node.count > 0) return false;
    this.prefixes--;
    this.prune(node, this.parents);
    return true;
  }

  /** True when some subscribed prefix starts `data` (the message filter: hot path). */
  matches(data: Uint8Array): boolean {
    let node: Node<never> = this.root;
    let pos = 0;
    const length = data.length;
    for (;;) {
      if (node.count > 0) return true;
      if (pos >= length) return false;
      const next = node.child(data[pos]);
      if (next === null) return false;
      const key = next.key;
      const end = pos + key.length;
      if (end > length) return false;
      for (let i = 1; i < key.length; i++) if (data[pos + i] !== key[i]) return false;
      pos = end;
      node = next;
    }
  }

  /** Calls `visit` once per subscribed prefix (a view: copy to keep). */
  forEach(visit: (prefix: Uint8Array) => void): void {
    this.walk((_node, prefix) => visit(prefix));
  }

  /** Number of distinct subscribed prefixes. */
  get size(): number {
    return this.prefixes;
  }
}

/** What {@link SubscriptionTrie.remove} found. */
export type RemoveResult = "notFound" | "lastRemoved" | "othersRemain";

/** Receives the subscribers that match a topic. */
export interface MatchSink<T> {
  /** Called for each subscription of `value` that matches; a value may come more than once. */
  match(value: T): void;
}

/**
 * The publisher's subscriptions (libzmq's mtrie_t): each prefix maps to the
 * set of subscribers (pipes) that asked for it. As in libzmq, a subscriber
 * is in a prefix's set once: a repeated subscribe from the same peer changes
 * nothing, and one cancel removes it (the subscriber's own {@link
 * PrefixCounter} only cancels upstream when its count reaches zero).
 */
export class SubscriptionTrie<T> extends RadixTree<T> {
  private prefixes = 0;
  private readonly parents: Node<T>[] = [];

  /** Adds `value` to `prefix`'s set; true when the prefix had no subscriber before. */
  add(prefix: Uint8Array, value: T): boolean {
    const node = this.insert(prefix);
    const values = node.values;
    if (values === null) {
      node.values = [value];
      this.prefixes++;
      return true;
    }
    if (!values.includes(value)) values.push(value);
    return false;
  }

  /** Removes `value` from `prefix`'s set. */
  remove(prefix: Uint8Array, value: T): RemoveResult {
    const node = this.find(prefix, this.parents);
    if (node === null || node.values === null) return "notFound";
    if (!removeValue(node.values, value)) return "notFound";
    if (node.values.length > 0) return "othersRemain";
    node.values = null;
    this.prefixes--;
    this.prune(node, this.parents);
    return "lastRemoved";
  }

  /**
   * Removes `value` from every prefix, calling `removed(prefix)` for each
   * prefix it was in (with `onlyLast`, only where it was the last
   * subscriber). The prefix is a view: copy it to keep it.
   */
  removeAll(value: T, removed: ((prefix: Uint8Array) => void) | null, onlyLast: boolean): void {
    const order = this.walk((node, prefix) => {
      const values = node.values!;
      if (!removeValue(values, value)) return;
      const last = values.length === 0;
      if (last) {
        node.values = null;
        this.prefixes--;
      }
      if (removed !== null && (last || !onlyLast)) removed(prefix);
    });
    this.pruneAll(order);
  }

  /**
   * Tells `sink` about every subscriber whose prefix starts `data`, walking
   * the one path `data` spells out (the fan-out hot path: no allocation).
   */
  match(data: Uint8Array, sink: MatchSink<T>): void {
    let node: Node<T> = this.root;
    let pos = 0;
    const length = data.length;
    for (;;) {
      const values = node.values;
      if (values !== null) { for (let i = 0; i < values.length; i++) sink.match(values[i]); }
      if (pos >= length) return;
      const next = node.child(data[pos]);
      if (next === null) return;
      const key = next.key;
      const end = pos + key.length;
      if (end > length) return;
      for (let i = 1; i < key.length; i++) if (data[pos + i] !== key[i]) return;
      pos = end;
      node = next;
    }
  }

  /** Calls `visit` once per (prefix, subscriber) pair (a view: copy to keep). */
  forEach(visit: (prefix: Uint8Array, value: T) => void): void {
    this.walk((node, prefix) => {
      for (const value of node.values!) visit(prefix, value);
    });
  }

  /** Number of distinct prefixes someone subscribed to (libzmq's ZMQ_TOPICS_COUNT). */
  get size(): number {
    return this.prefixes;
  }
}

/** Removes one occurrence (order does not matter); false when absent. */
function removeValue<T>(values: T[], value: T): boolean {
  const index = values.indexOf(value);
  if (index < 0) return false;
  const last = values.pop()!;
  if (index < values.length) values[index] = last;
  return true;
}
