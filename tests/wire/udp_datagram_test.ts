import assert from "node:assert/strict";
import {
  datagramProblem,
  decodeDatagram,
  encodeDatagram,
  UDP_DATAGRAM_MAX,
  UDP_GROUP_MAX,
} from "../../src/wire/udp_datagram.ts";
import { bytes } from "../helpers.ts";

Deno.test("udp datagram: [group length][group][body], as libzmq's udp_engine writes it", () => {
  assert.deepEqual(
    encodeDatagram(bytes("tv"), bytes("news")),
    new Uint8Array([2, 0x74, 0x76, 0x6e, 0x65, 0x77, 0x73]),
  );
  assert.deepEqual(encodeDatagram(new Uint8Array(0), new Uint8Array(0)), new Uint8Array([0]));
});

Deno.test("udp datagram: decodes group and body, empty ones too", () => {
  const decoded = decodeDatagram(new Uint8Array([2, 0x74, 0x76, 0x6e]))!;
  assert.deepEqual(decoded.group, bytes("tv"));
  assert.deepEqual(decoded.body, bytes("n"));
  const empty = decodeDatagram(new Uint8Array([0]))!;
  assert.equal(empty.group.length, 0);
  assert.equal(empty.body.length, 0);
});

Deno.test("udp datagram: a length byte beyond the datagram, or no byte at all, is ignored", () => {
  assert.equal(decodeDatagram(new Uint8Array([5, 1, 2])), null);
  assert.equal(decodeDatagram(new Uint8Array(0)), null);
});

Deno.test("udp datagram: the length byte is read unsigned (200-byte group)", () => {
  const group = new Uint8Array(200).fill(0x67);
  const decoded = decodeDatagram(encodeDatagram(group, bytes("x")))!;
  assert.equal(decoded.group.length, 200);
  assert.deepEqual(decoded.body, bytes("x"));
});

Deno.test("udp datagram: groups over 127 bytes and datagrams over 8192 bytes are refused", () => {
  assert.equal(datagramProblem(new Uint8Array(UDP_GROUP_MAX), new Uint8Array(10)), null);
  assert.match(datagramProblem(new Uint8Array(UDP_GROUP_MAX + 1), new Uint8Array(0))!, /signed/);
  const fits = new Uint8Array(UDP_DATAGRAM_MAX - 1 - 3);
  assert.equal(datagramProblem(bytes("abc"), fits), null);
  assert.match(datagramProblem(bytes("abc"), new Uint8Array(fits.length + 1))!, /8192/);
});
