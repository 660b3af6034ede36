/**
 * Message shapes: what users pass to `send()` and what `receive()` yields.
 *
 * @module
 */

import { zmqError } from "./errors.ts";

/** One frame as a user may give it; strings are sent as UTF-8. */
export type MessageLike = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** A whole message as the library moves it: one `Uint8Array` per frame. */
export type Message = Uint8Array[];

const encoder = new TextEncoder();

/** Converts one user frame to bytes without copying binary input. */
export function toFrame(part: MessageLike): Uint8Array {
  if (part instanceof Uint8Array) return part;
  if (typeof part === "string") return encoder.encode(part);
  if (part instanceof ArrayBuffer) return new Uint8Array(part);
  if (ArrayBuffer.isView(part)) {
    return new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
  }
  throw zmqError("EINVAL", `Cannot send a ${typeof part}: use a string, Uint8Array or ArrayBuffer`);
}

/**
 * Converts what the user passed to `send()` into frames. The buffers are not
 * copied: the caller hands them over and must not change them afterwards.
 */
export function toMessage(msg: MessageLike | MessageLike[]): Message {
  if (Array.isArray(msg)) {
    const frames = new Array<Uint8Array>(msg.length);
    for (let i = 0; i < msg.length; i++) frames[i] = toFrame(msg[i]);
    return frames;
  }
  return [toFrame(msg)];
}

/**
 * Several messages queued as one item: a producer that has many messages
 * at once (the engine, after a read) queues them together, and each is
 * built only when it is taken. Until then a message costs a few bytes of
 * bookkeeping instead of an object per frame, which keeps a long queue
 * (a consumer that stalls) small. See `MessageQueue.pushBatch`.
 */
export abstract class MessageBatch<T = Message> {
  /** @param remaining how many messages the batch holds */
  constructor(public remaining: number) {}
  /** Takes the next message; only called while `remaining > 0`. */
  abstract next(): T;
  /** The next message without taking it (built afresh on each call). */
  abstract peek(): T;
}

/** Total payload bytes of a message. */
export function messageSize(msg: readonly Uint8Array[]): number {
  let size = 0;
  for (let i = 0; i < msg.length; i++) size += msg[i].length;
  return size;
}

/** Joins byte arrays into one new buffer. */
export function concatBytes(parts: readonly Uint8Array[], size = messageSize(parts)): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
