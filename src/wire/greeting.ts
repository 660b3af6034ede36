/**
 * Greetings. We speak ZMTP 3.1 (RFC 23 / RFC 37) and, as libzmq 4.3 does,
 * downgrade to ZMTP 2.0 (RFC 15) for a peer that announces it.
 *
 * ```
 * signature  0xFF, 8-byte size, 0x7F          (10 bytes)
 * ZMTP 3.x:  major (3), minor (0 or 1),       (2 bytes)
 *            mechanism, NUL padded            (20 bytes)
 *            as-server (0 or 1), filler       (32 bytes)
 * ZMTP 2.0:  revision (1), socket type        (2 bytes)
 * ```
 *
 * As libzmq, we send the greeting in steps: the signature; the major
 * version once the peer's signature arrived; the rest once the peer's
 * version byte told us which protocol it speaks. The signature's size
 * field holds our routing id's length + 1, as libzmq writes it.
 *
 * @module
 */

/** Length of a ZMTP 3.x greeting. */
export const GREETING_SIZE = 64;
/** Length of the signature that starts every versioned greeting. */
export const SIGNATURE_SIZE = 10;
/** Bytes that must arrive before the peer's major version can be judged. */
export const VERSION_KNOWN_AT = 11;
/** Length of a ZMTP 2.0 greeting: signature, revision, socket type. */
export const ZMTP2_GREETING_SIZE = 12;

/** What the peer told us in its greeting. */
export interface Greeting {
  major: number;
  minor: number;
  mechanism: string;
  asServer: boolean;
}

/** The protocol a peer's first bytes announce. */
export type PeerProtocol = "zmtp1" | "zmtp2" | "zmtp3";

/** Our signature: 0xFF, routing id length + 1 as a 64-bit size, 0x7F (as libzmq). */
export function encodeSignature(routingIdSize: number): Uint8Array {
  const signature = new Uint8Array(SIGNATURE_SIZE);
  signature[0] = 0xff;
  new DataView(signature.buffer).setBigUint64(1, BigInt(routingIdSize + 1));
  signature[9] = 0x7f;
  return signature;
}

/** Our ZMTP 3.1 greeting after the signature and the major version: 53 bytes. */
export function encodeGreetingTail(mechanism: string, asServer: boolean): Uint8Array {
  const tail = new Uint8Array(GREETING_SIZE - VERSION_KNOWN_AT);
  tail[0] = 1;
  for (let i = 0; i < mechanism.length && i < 20; i++) tail[1 + i] = mechanism.charCodeAt(i);
  tail[21] = asServer ? 1 : 0;
  return tail;
}

/** Our whole ZMTP 3.1 greeting, as it goes out in its three steps. */
export function encodeGreeting(
  mechanism: string,
  asServer: boolean,
  routingIdSize = 0,
): Uint8Array {
  const g = new Uint8Array(GREETING_SIZE);
  g.set(encodeSignature(routingIdSize));
  g[SIGNATURE_SIZE] = 3;
  g.set(encodeGreetingTail(mechanism, asServer), VERSION_KNOWN_AT);
  return g;
}

/**
 * The protocol the first `length` bytes of a peer's greeting announce, or
 * null while they do not tell yet. As libzmq: a first byte other than 0xFF,
 * or a signature whose last byte has bit 0 clear, is a ZMTP 1.0 peer with
 * no greeting; version byte 0 is a versioned ZMTP 1.0 peer, 1 is ZMTP 2.0,
 * anything else is ZMTP 3.x (a major 2 or 4+ is answered as 3.1).
 */
export function peerProtocol(bytes: Uint8Array, length: number): PeerProtocol | null {
  if (length >= 1 && bytes[0] !== 0xff) return "zmtp1";
  if (length >= SIGNATURE_SIZE && (bytes[9] & 1) === 0) return "zmtp1";
  if (length < VERSION_KNOWN_AT) return null;
  const version = bytes[SIGNATURE_SIZE];
  return version === 0 ? "zmtp1" : version === 1 ? "zmtp2" : "zmtp3";
}

/** The ZMTP 3 minor version we speak with a peer: 0 for a 3.0 peer, 1 for any other (as libzmq). */
export function zmtp3Minor(greeting: Greeting): number {
  return greeting.major === 3 && greeting.minor === 0 ? 0 : 1;
}

/** Decodes a complete 64-byte ZMTP 3.x greeting. */
export function decodeGreeting(bytes: Uint8Array): Greeting {
  let end = 12;
  while (end < 32 && bytes[end] !== 0) end++;
  let mechanism = "";
  for (let i = 12; i < end; i++) mechanism += String.fromCharCode(bytes[i]);
  return { major: bytes[10], minor: bytes[11], mechanism, asServer: bytes[32] === 1 };
}
