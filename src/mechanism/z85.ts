/**
 * Z85 (RFC 32): ZeroMQ's printable encoding of binary keys. Every 4 bytes
 * become 5 characters from an 85-letter alphabet that avoids quotes and
 * backslashes, so keys can sit in source code and config files.
 *
 * @module
 */

import { zmqError } from "../errors.ts";

const ALPHABET =
  "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/** Character code → digit value, 0xff for characters outside the alphabet. */
const DIGITS: Uint8Array = (() => {
  const table = new Uint8Array(128).fill(0xff);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/**
 * Encodes bytes as Z85 text. The length must be a multiple of 4 (a CURVE
 * key, 32 bytes, becomes 40 characters).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z85Encode } from "@zmtp/zmq";
 * const text = z85Encode(new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]));
 * assert.equal(text, "HelloWorld");
 * ```
 *
 * @throws {ZmqError} `EINVAL` unless `bytes` is a `Uint8Array` whose length is a multiple of 4.
 */
export function z85Encode(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) {
    throw zmqError("EINVAL", "z85Encode expects a Uint8Array");
  }
  if (bytes.length % 4 !== 0) {
    throw zmqError(
      "EINVAL",
      `z85Encode needs a multiple of 4 bytes, got ${bytes.length}`,
    );
  }
  let text = "";
  for (let i = 0; i < bytes.length; i += 4) {
    let value = ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>>
      0;
    const chunk = new Array<string>(5);
    for (let j = 4; j >= 0; j--) {
      chunk[j] = ALPHABET[value % 85];
      value = Math.floor(value / 85);
    }
    text += chunk.join("");
  }
  return text;
}

/**
 * Decodes Z85 text into bytes. The length must be a multiple of 5 and every
 * character must belong to the Z85 alphabet; otherwise a `ZmqError` with
 * code `EINVAL` says which rule was broken and where.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z85Decode } from "@zmtp/zmq";
 * const bytes = z85Decode("HelloWorld");
 * assert.deepEqual(bytes, new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]));
 * ```
 *
 * @throws {ZmqError} `EINVAL` unless `text` is a string of a multiple of 5 Z85 characters
 * whose groups fit in 32 bits.
 */
export function z85Decode(text: string): Uint8Array {
  if (typeof text !== "string") throw zmqError("EINVAL", "z85Decode expects a string");
  if (text.length % 5 !== 0) {
    throw zmqError(
      "EINVAL",
      `z85Decode needs a multiple of 5 characters, got ${text.length}`,
    );
  }
  const bytes = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, out = 0; i < text.length; i += 5, out += 4) {
    let value = 0;
    for (let j = 0; j < 5; j++) {
      const code = text.charCodeAt(i + j);
      const digit = code < 128 ? DIGITS[code] : 0xff;
      if (digit === 0xff) {
        throw zmqError(
          "EINVAL",
          `z85Decode: character ${JSON.stringify(text[i + j])} at ${
            i + j
          } is not in the Z85 alphabet`,
        );
      }
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) {
      throw zmqError(
        "EINVAL",
        `z85Decode: "${text.slice(i, i + 5)}" at ${i} encodes more than 4 bytes`,
      );
    }
    bytes[out] = value >>> 24;
    bytes[out + 1] = (value >>> 16) & 0xff;
    bytes[out + 2] = (value >>> 8) & 0xff;
    bytes[out + 3] = value & 0xff;
  }
  return bytes;
}
