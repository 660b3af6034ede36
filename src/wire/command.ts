/**
 * ZMTP commands: a command frame's body is `name-len(1) name data`.
 * This module parses and builds that envelope, and the data of the commands
 * the engine itself speaks (READY, ERROR, PING, PONG; SUBSCRIBE and CANCEL
 * carry a bare prefix).
 *
 * @module
 */

import { ProtocolError } from "./frame.ts";
import { encodeMetadata } from "./metadata.ts";

/** A decoded command: its name and the bytes after the name. */
export interface Command {
  name: string;
  data: Uint8Array;
}

/**
 * How libzmq (4.2.3 and later, 4.3.5 included) writes a PLAIN server's
 * ERROR: its source spells the command as the C string `"\x05ERROR"`, which
 * C reads as the hex escape `\x5E` ("^") followed by "RROR". The frame is
 * therefore `^RROR`, reason length, reason: no name length byte.
 */
export const LIBZMQ_PLAIN_ERROR_NAME: Uint8Array = new Uint8Array([0x5e, 0x52, 0x52, 0x4f, 0x52]);

function isLibzmqPlainError(body: Uint8Array): boolean {
  // A real command named with 94 characters would be at least 95 bytes long.
  if (body.length >= 1 + 0x5e || body.length < LIBZMQ_PLAIN_ERROR_NAME.length) return false;
  for (let i = 0; i < LIBZMQ_PLAIN_ERROR_NAME.length; i++) {
    if (body[i] !== LIBZMQ_PLAIN_ERROR_NAME[i]) return false;
  }
  return true;
}

/**
 * Splits a command frame body into name and data. libzmq's malformed PLAIN
 * ERROR (see {@link LIBZMQ_PLAIN_ERROR_NAME}) is read as the ERROR it means.
 */
export function parseCommand(body: Uint8Array): Command {
  if (body.length < 1) throw new ProtocolError("empty command frame");
  if (isLibzmqPlainError(body)) {
    return { name: "ERROR", data: body.subarray(LIBZMQ_PLAIN_ERROR_NAME.length) };
  }
  const nameLength = body[0];
  if (nameLength === 0 || 1 + nameLength > body.length) {
    throw new ProtocolError("malformed command name");
  }
  let name = "";
  for (let i = 1; i <= nameLength; i++) name += String.fromCharCode(body[i]);
  return { name, data: body.subarray(1 + nameLength) };
}

/**
 * A command frame's body: name length, name (ASCII, at most 255
 * characters), data. The encoder writes the same layout straight into its
 * batch (`FrameEncoder.command`); this is for bodies that must exist on
 * their own (a CURVE box seals them).
 */
export function commandBody(name: string, data: Uint8Array): Uint8Array {
  const body = new Uint8Array(1 + name.length + data.length);
  body[0] = name.length;
  for (let i = 0; i < name.length; i++) body[1 + i] = name.charCodeAt(i);
  body.set(data, 1 + name.length);
  return body;
}

/** The data of a READY command carrying our socket type and routing id. */
export function readyData(
  socketType: string,
  routingId?: Uint8Array,
  extra: Readonly<Record<string, string>> = {},
): Uint8Array {
  const props: [string, Uint8Array | string][] = [["Socket-Type", socketType]];
  if (routingId !== undefined && routingId.length > 0) props.push(["Identity", routingId]);
  for (const [name, value] of Object.entries(extra)) props.push([name, value]);
  return encodeMetadata(props);
}

/** The data of an ERROR command: a reason of at most 255 bytes. */
export function errorData(reason: string): Uint8Array {
  const text = new TextEncoder().encode(reason).subarray(0, 255);
  const data = new Uint8Array(1 + text.length);
  data[0] = text.length;
  data.set(text, 1);
  return data;
}

/** Reads the reason out of an ERROR command's data. */
export function parseErrorReason(data: Uint8Array): string {
  if (data.length < 1 || 1 + data[0] > data.length) throw new ProtocolError("malformed ERROR");
  return new TextDecoder().decode(data.subarray(1, 1 + data[0]));
}

/** The data of a PING: time-to-live in deciseconds and up to 16 bytes of context. */
export function pingData(ttlMs: number, context: Uint8Array = new Uint8Array(0)): Uint8Array {
  const data = new Uint8Array(2 + Math.min(context.length, 16));
  // Truncated, as libzmq converts ZMQ_HEARTBEAT_TTL.
  const ttl = Math.min(0xffff, Math.max(0, Math.floor(ttlMs / 100)));
  data[0] = ttl >>> 8;
  data[1] = ttl & 0xff;
  data.set(context.subarray(0, 16), 2);
  return data;
}

/** Parses a PING's data into its time-to-live (ms) and context. */
export function parsePing(data: Uint8Array): { ttlMs: number; context: Uint8Array } {
  if (data.length < 2) throw new ProtocolError("malformed PING");
  return {
    ttlMs: ((data[0] << 8) | data[1]) * 100,
    context: data.subarray(2, Math.min(data.length, 18)),
  };
}
