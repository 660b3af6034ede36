/**
 * The 64-byte ZMTP 3.x greeting (RFC 23 / RFC 37).
 *
 * ```
 * signature  0xFF, 8 padding bytes, 0x7F     (10 bytes)
 * version    major (3), minor (0 or 1)       (2 bytes)
 * mechanism  ASCII name, NUL padded          (20 bytes)
 * as-server  0 or 1                          (1 byte)
 * filler     zeros                           (31 bytes)
 * ```
 *
 * @module
 */

/** Length of a ZMTP 3.x greeting. */
export const GREETING_SIZE = 64;
/** Bytes that must arrive before the peer's major version can be judged. */
export const VERSION_KNOWN_AT = 11;

/** What the peer told us in its greeting. */
export interface Greeting {
  major: number;
  minor: number;
  mechanism: string;
  asServer: boolean;
}

/** Encodes our greeting. We always speak ZMTP 3.1. */
export function encodeGreeting(mechanism: string, asServer: boolean): Uint8Array {
  const g = new Uint8Array(GREETING_SIZE);
  g[0] = 0xff;
  g[9] = 0x7f;
  g[10] = 3;
  g[11] = 1;
  for (let i = 0; i < mechanism.length && i < 20; i++) g[12 + i] = mechanism.charCodeAt(i);
  g[32] = asServer ? 1 : 0;
  return g;
}

/**
 * Checks the first bytes of a peer's greeting as soon as they arrive, so a
 * peer that is not ZMTP 3.x is refused before we wait for 64 bytes.
 * Returns a reason when the prefix is unacceptable, otherwise null.
 */
export function checkGreetingPrefix(bytes: Uint8Array, length: number): string | null {
  if (length >= 1 && bytes[0] !== 0xff) return "not a ZMTP 3.x peer (ZMTP 1.0 signature)";
  if (length >= 10 && (bytes[9] & 1) === 0) return "not a ZMTP 3.x peer (ZMTP 1.0 signature)";
  if (length >= VERSION_KNOWN_AT && bytes[10] < 3) {
    // ZMTP 2.0 sends revision 1 here, ZMTP 1.0-style peers 0.
    const version = bytes[10] === 1 ? "2.0" : `revision ${bytes[10]}`;
    return `peer speaks ZMTP ${version}; only 3.0 and 3.1 are supported`;
  }
  return null;
}

/** Decodes a complete 64-byte greeting (whose prefix already passed the check). */
export function decodeGreeting(bytes: Uint8Array): Greeting {
  let end = 12;
  while (end < 32 && bytes[end] !== 0) end++;
  let mechanism = "";
  for (let i = 12; i < end; i++) mechanism += String.fromCharCode(bytes[i]);
  return { major: bytes[10], minor: bytes[11], mechanism, asServer: bytes[32] === 1 };
}
