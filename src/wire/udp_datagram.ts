/**
 * RADIO/DISH over udp://, as libzmq 4.3.5 frames it (udp_engine.cpp):
 * one message per datagram, `[group length: 1 byte][group][body]`.
 *
 * libzmq declares its receive buffer as `char`, so it reads the length
 * byte as signed: a group of 128 to 255 bytes comes out negative, and its
 * dish then asks for a buffer of that (huge, unsigned) size and aborts.
 * This codec therefore never writes a group over {@link UDP_GROUP_MAX}
 * (127) bytes — the Radio refuses such a send to a udp peer with `EINVAL`
 * — while it reads the byte as the unsigned length it is, so a datagram
 * from a sender that uses longer groups still decodes. libzmq's buffers
 * are 8192 bytes each way ({@link UDP_DATAGRAM_MAX}): it truncates what is
 * longer, so nothing longer is written either.
 *
 * @module
 */

/** Longest group a udp datagram carries to libzmq (its length byte is read as signed). */
export const UDP_GROUP_MAX = 127;
/** Largest datagram libzmq reads whole (its MAX_UDP_MSG). */
export const UDP_DATAGRAM_MAX = 8192;

/** One Radio/Dish message as a datagram. The caller checked the limits above. */
export function encodeDatagram(group: Uint8Array, body: Uint8Array): Uint8Array {
  const datagram = new Uint8Array(1 + group.length + body.length);
  datagram[0] = group.length;
  datagram.set(group, 1);
  datagram.set(body, 1 + group.length);
  return datagram;
}

/**
 * The group and body of a datagram (views into it), or null when it is
 * too short for the group its first byte announces (libzmq ignores those too).
 */
export function decodeDatagram(
  datagram: Uint8Array,
): { group: Uint8Array; body: Uint8Array } | null {
  if (datagram.length < 1) return null;
  const groupEnd = 1 + datagram[0];
  if (groupEnd > datagram.length) return null;
  return { group: datagram.subarray(1, groupEnd), body: datagram.subarray(groupEnd) };
}

/**
 * Why a message cannot go out as a datagram libzmq reads correctly, or
 * null when it can.
 */
export function datagramProblem(group: Uint8Array, body: Uint8Array): string | null {
  if (group.length > UDP_GROUP_MAX) {
    return `a udp:// group is at most ${UDP_GROUP_MAX} bytes ` +
      `(libzmq reads the length byte as signed), not ${group.length}`;
  }
  const size = 1 + group.length + body.length;
  if (size > UDP_DATAGRAM_MAX) {
    return `a udp:// message is at most ${UDP_DATAGRAM_MAX} bytes with its group ` +
      `(libzmq's datagram buffer), not ${size}`;
  }
  return null;
}
