/**
 * A one-way message queue with a high-water mark: one writer, one reader.
 *
 * The reader is told when the queue goes from empty to non-empty
 * ({@link MessageQueue.onData}); a writer that found the queue full is told
 * when it has drained to the low-water mark ({@link MessageQueue.onSpace}).
 * Both are edge-triggered and cost nothing per message otherwise.
 *
 * A producer with many messages at once may queue them as one
 * {@link MessageBatch}; the queue counts (and limits) messages either way.
 *
 * A conflating queue (libzmq's ZMQ_CONFLATE) holds only the newest message:
 * each new one replaces it, so it is never full and the high-water mark
 * does not apply. A message is kept whole, multipart included.
 *
 * @module
 */

import { MessageBatch } from "../message.ts";

/** libzmq's rule for the low-water mark that wakes a blocked writer. */
export function lowWaterMark(hwm: number): number {
  const maxDelta = 1024;
  return hwm > maxDelta * 2 ? hwm - maxDelta : Math.floor((hwm + 1) / 2);
}

/** Ring-buffer queue; see the module documentation. */
export class MessageQueue<T> {
  private items: (T | MessageBatch<T> | undefined)[];
  private mask: number;
  private head = 0;
  /** Occupied slots of `items` (a batch takes one). */
  private entries = 0;
  /** Queued messages. */
  private count = 0;
  private lwm: number;
  private writerWaiting = false;
  private conflating = false;
  /** Called when the queue goes from empty to non-empty. */
  onData: (() => void) | null = null;
  /** Called when a writer that was refused may write again. */
  onSpace: (() => void) | null = null;

  /** @param hwm maximum number of messages (0: unlimited) */
  constructor(private hwmValue: number) {
    // Small to start with (a pipe per connection, most of them idle); it doubles as needed.
    this.items = new Array(4);
    this.mask = 3;
    this.lwm = lowWaterMark(hwmValue);
  }

  /** Number of queued messages. */
  get length(): number {
    return this.count;
  }

  /** The high-water mark (0: unlimited). */
  get hwm(): number {
    return this.hwmValue;
  }

  set hwm(value: number) {
    this.hwmValue = value;
    this.lwm = lowWaterMark(value);
    this.wakeWriterIfRoom();
  }

  /** Keep only the newest message (see the module documentation); turning it on drops the older ones. */
  get conflate(): boolean {
    return this.conflating;
  }

  set conflate(on: boolean) {
    this.conflating = on;
    if (!on || this.count <= 1) return;
    let newest: T | undefined;
    while (this.count > 0) newest = this.shift();
    this.push(newest!);
  }

  /** True when a writer that respects the high-water mark must wait. */
  get full(): boolean {
    return !this.conflating && this.hwmValue > 0 && this.count >= this.hwmValue;
  }

  /** Appends if below the high-water mark; otherwise remembers that the writer waits. */
  tryPush(item: T): boolean {
    if (this.full) {
      this.writerWaiting = true;
      return false;
    }
    this.push(item);
    return true;
  }

  /** Appends regardless of the high-water mark (a read batch that overshoots it). */
  push(item: T): void {
    if (this.conflating && this.count > 0) {
      this.replaceWith(item);
      return;
    }
    if (this.entries === this.items.length) this.grow();
    this.items[(this.head + this.entries) & this.mask] = item;
    this.entries++;
    this.count++;
    if (this.count === 1 && this.onData !== null) this.onData();
  }

  /** Puts a message in front of the others, regardless of the high-water mark. */
  unshift(item: T): void {
    if (this.entries === this.items.length) this.grow();
    this.head = (this.head - 1) & this.mask;
    this.items[this.head] = item;
    this.entries++;
    this.count++;
    if (this.count === 1 && this.onData !== null) this.onData();
  }

  /** Appends every message of a batch regardless of the high-water mark, as {@link push}. */
  pushBatch(batch: MessageBatch<T>): void {
    const added = batch.remaining;
    if (added === 0) return;
    if (this.conflating) {
      while (batch.remaining > 1) batch.next();
      this.push(batch.next());
      return;
    }
    if (this.entries === this.items.length) this.grow();
    this.items[(this.head + this.entries) & this.mask] = batch;
    this.entries++;
    this.count += added;
    if (this.count === added && this.onData !== null) this.onData();
  }

  /** Registers a writer that stopped because the queue is full. */
  waitForSpace(): void {
    this.writerWaiting = true;
    this.wakeWriterIfRoom();
  }

  /** The oldest message, without removing it. */
  peek(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    return item instanceof MessageBatch ? item.peek() : item;
  }

  /** Removes and returns the oldest message. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    let msg: T;
    // Messages are arrays (a cheap test); anything else queued is a batch.
    if (Array.isArray(item) || !(item instanceof MessageBatch)) {
      msg = item as T;
      this.dropHead();
    } else {
      msg = item.next();
      if (item.remaining === 0) this.dropHead();
    }
    this.count--;
    if (this.writerWaiting && this.count <= this.lwm) this.wakeWriter();
    return msg;
  }

  /** Removes every message and returns how many there were. */
  clear(): number {
    const dropped = this.count;
    while (this.entries > 0) this.dropHead();
    this.count = 0;
    this.head = 0;
    if (this.writerWaiting && dropped > 0) this.wakeWriter();
    return dropped;
  }

  /** Makes `item` the only message; the reader already knows the queue is not empty. */
  private replaceWith(item: T): void {
    while (this.entries > 0) this.dropHead();
    this.head = 0;
    this.items[0] = item;
    this.entries = 1;
    this.count = 1;
  }

  private dropHead(): void {
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.entries--;
  }

  private wakeWriterIfRoom(): void {
    if (this.writerWaiting && (this.hwmValue === 0 || this.count <= this.lwm)) this.wakeWriter();
  }

  private wakeWriter(): void {
    this.writerWaiting = false;
    if (this.onSpace !== null) this.onSpace();
  }

  private grow(): void {
    const old = this.items;
    const next = new Array<T | MessageBatch<T> | undefined>(old.length * 2);
    for (let i = 0; i < this.entries; i++) next[i] = old[(this.head + i) & this.mask];
    this.items = next;
    this.mask = next.length - 1;
    this.head = 0;
  }
}
