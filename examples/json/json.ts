/**
 * JSON over ZeroMQ: a message is bytes, so JSON travels as one UTF-8 frame
 * made with `JSON.stringify` and read back with `JSON.parse`. These two
 * helpers are all it takes; `receiveJson` turns a frame that is not JSON
 * into a clear error instead of a crash.
 *
 * @module
 */

import type { SocketBase } from "../../mod.ts";

const decoder = new TextDecoder();

/** Sends `value` as one JSON frame (the same as `socket.send(JSON.stringify(value))`). */
export function sendJson(socket: SocketBase, value: unknown): Promise<void> {
  return socket.send(JSON.stringify(value));
}

/** What `receiveJson` gives: the parsed value, or why the message was not JSON. */
export type JsonResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses a message's last frame as JSON (earlier frames, e.g. a topic, are left alone). */
export function parseJson<T>(msg: Uint8Array[]): JsonResult<T> {
  const text = decoder.decode(msg[msg.length - 1]);
  try {
    return { ok: true, value: JSON.parse(text) as T };
  } catch (err) {
    return { ok: false, error: `not JSON (${(err as Error).message}): ${text.slice(0, 40)}` };
  }
}

/** Receives one message and parses it as JSON. */
export async function receiveJson<T>(socket: SocketBase): Promise<JsonResult<T>> {
  return parseJson<T>(await socket.receive());
}
