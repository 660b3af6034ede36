import assert from "node:assert/strict";
import { ProtocolError } from "../../src/wire/frame.ts";
import {
  acceptKey,
  applyMask,
  parseHttpHead,
  readUpgradeRequest,
  readUpgradeResponse,
  upgradeRequest,
  WsFrameDecoder,
  WsFrameEncoder,
  type WsFrameSink,
} from "../../src/wire/websocket.ts";
import { bytes, pattern } from "../helpers.ts";

type Event =
  | { binary: number[] }
  | { ping: number[] }
  | { pong: true }
  | { close: [number, string] };

/** A sink that records what the decoder hands out, payloads copied. */
function recorder(maxPayload?: number): WsFrameSink & { events: Event[]; passes: number } {
  const sink = {
    events: [] as Event[],
    passes: 0,
    maxPayload,
    onBinary(buf: Uint8Array, start: number, end: number) {
      sink.events.push({ binary: [...buf.subarray(start, end)] });
    },
    onPing: (payload: Uint8Array) => sink.events.push({ ping: [...payload] }),
    onPong: () => sink.events.push({ pong: true }),
    onClose: (code: number, reason: string) => sink.events.push({ close: [code, reason] }),
    onPassEnd: () => sink.passes++,
  };
  return sink;
}

function join(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

/** Feeds `data` to a decoder in reads of `step` bytes. */
function decodeAll(
  decoder: WsFrameDecoder,
  data: Uint8Array,
  sink: WsFrameSink,
  step = data.length,
) {
  let offset = 0;
  while (offset < data.length) {
    const target = decoder.readTarget();
    const n = Math.min(target.length, step, data.length - offset);
    target.set(data.subarray(offset, offset + n));
    offset += n;
    decoder.commit(n, sink);
  }
}

Deno.test("accept key: RFC 6455's example key gives its example accept value", async () => {
  assert.equal(await acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
});

Deno.test("masking: RFC 6455's masked 'Hello' (key 37 fa 21 3d) gives its example bytes", () => {
  const hello = bytes("Hello");
  applyMask(hello, 0, 5, 0x37fa213d);
  assert.deepEqual([...hello], [0x7f, 0x9f, 0x4d, 0x51, 0x58]);
});

Deno.test("masking: word-at-a-time XOR equals byte-by-byte XOR at every alignment", () => {
  const mask = 0x01234567;
  const key = [0x01, 0x23, 0x45, 0x67];
  for (let start = 0; start < 8; start++) {
    for (const length of [0, 1, 3, 4, 5, 17, 64, 1001, 1024, 16385, 65537]) {
      const data = pattern(start + length + 3, start);
      const fast = data.slice();
      applyMask(fast, start, start + length, mask);
      const slow = data.slice();
      for (let i = 0; i < length; i++) slow[start + i] ^= key[i & 3];
      assert.deepEqual(fast, slow, `start ${start}, length ${length}`);
    }
  }
});

Deno.test("frames: a server's unmasked 2-byte header, as libzmq sends READY", () => {
  const encoder = new WsFrameEncoder(false);
  encoder.binary(0x02, bytes("\x05READY"));
  assert.deepEqual([...join(encoder.take())], [0x82, 0x07, 0x02, ...bytes("\x05READY")]);
});

Deno.test("frames: 16-bit and 64-bit lengths round-trip, masked and unmasked, in any read size", () => {
  for (const client of [true, false]) {
    const encoder = new WsFrameEncoder(client);
    const bodies = [0, 124, 125, 126, 65534, 65535, 70000, 300000].map((n) => pattern(n, n));
    for (const body of bodies) encoder.binary(0, body);
    const wire = join(encoder.take());
    for (const step of [wire.length, 4096, 7]) {
      const sink = recorder();
      decodeAll(new WsFrameDecoder(client), wire, sink, step);
      assert.deepEqual(sink.events, bodies.map((b) => ({ binary: [0, ...b] })));
    }
  }
});

Deno.test("frames: a client masks each frame with its own key, never sending the payload in clear", () => {
  const encoder = new WsFrameEncoder(true);
  const body = new Uint8Array(64).fill(0x41);
  encoder.binary(0, body);
  encoder.binary(0, body);
  const wire = join(encoder.take());
  assert.equal(wire[1] & 0x80, 0x80);
  const first = wire.subarray(2, 6), second = wire.subarray(2 + 4 + 65 + 2, 2 + 4 + 65 + 6);
  assert.notDeepEqual([...first], [...second]);
  assert.ok(!wire.subarray(7, 7 + 64).every((b) => b === 0x41));
});

Deno.test("frames: a client's large masked frame unmasks byte by byte to its payload", () => {
  for (const size of [1023, 1024, 65536, 100_000]) {
    const encoder = new WsFrameEncoder(true);
    const body = pattern(size, size);
    encoder.binary(0x01, body);
    const wire = join(encoder.take());
    const header = size + 1 < 126 ? 2 : size + 1 < 0x10000 ? 4 : 10;
    const key = wire.subarray(header, header + 4);
    const payload = wire.subarray(header + 4).map((b, i) => b ^ key[i & 3]);
    assert.equal(payload.length, size + 1);
    assert.equal(payload[0], 0x01);
    assert.deepEqual(payload.subarray(1), body, `${size} bytes`);
  }
});

/** `count` masked frames of `size` payload bytes, as a client sends them. */
function clientFrames(count: number, size: number): Uint8Array {
  const encoder = new WsFrameEncoder(true);
  for (let i = 0; i < count; i++) encoder.binary(0, pattern(size - 1, i));
  return join(encoder.take());
}

Deno.test("frames: after 64 KiB frames a new read buffer holds whole frames (no partial to copy)", () => {
  const stride = 10 + 4 + 65537;
  const wire = clientFrames(12, 65537);
  const decoder = new WsFrameDecoder(true);
  const sink = recorder();
  const lengths: number[] = [];
  let offset = 0;
  while (offset < wire.length) {
    const target = decoder.readTarget();
    lengths.push(target.buffer.byteLength);
    const n = Math.min(target.length, wire.length - offset);
    target.set(wire.subarray(offset, offset + n));
    offset += n;
    decoder.commit(n, sink);
  }
  assert.equal(sink.events.length, 12);
  sink.events.forEach((event, i) => {
    assert.deepEqual((event as { binary: number[] }).binary, [0, ...pattern(65536, i)]);
  });
  // The first buffer is cut before any frame is known; the later ones to four frames.
  assert.ok(lengths.slice(1).every((length) => length === 4 * stride), `buffers ${lengths}`);
});

Deno.test("frames: a large partial frame whose rest fits its buffer is finished there", () => {
  const stride = 10 + 4 + 65537;
  const wire = clientFrames(8, 65537);
  const decoder = new WsFrameDecoder(true);
  const sink = recorder();
  decodeAll(decoder, wire.subarray(0, 6 * stride), sink);
  const before = decoder.readTarget();
  // 50,000 bytes of the seventh frame: less room is left than a read is
  // usually given, but the rest of the frame fits, so no copy is made.
  decodeAll(decoder, wire.subarray(6 * stride, 6 * stride + 50_000), sink);
  const rest = decoder.readTarget();
  assert.equal(rest.buffer, before.buffer, "the frame stays in its buffer");
  assert.equal(rest.byteOffset, before.byteOffset + 50_000);
  decodeAll(decoder, wire.subarray(6 * stride + 50_000), sink);
  assert.equal(sink.events.length, 8);
  sink.events.forEach((event, i) => {
    assert.deepEqual((event as { binary: number[] }).binary, [0, ...pattern(65536, i)]);
  });
});

Deno.test("frames: a fragmented message is joined; a ping between its fragments comes first", () => {
  const wire = new Uint8Array([
    0x02,
    0x02,
    0x00,
    0x61, // binary, not FIN: flags 0, "a"
    0x89,
    0x01,
    0x7a, //       ping "z"
    0x80,
    0x02,
    0x62,
    0x63, // continuation, FIN: "bc"
  ]);
  const sink = recorder();
  decodeAll(new WsFrameDecoder(false), wire, sink);
  assert.deepEqual(sink.events, [{ ping: [0x7a] }, { binary: [0x00, 0x61, 0x62, 0x63] }]);
});

Deno.test("frames: close carries its code and reason and stops decoding", () => {
  const wire = new Uint8Array([0x88, 0x04, 0x03, 0xe8, 0x6f, 0x6b, 0x82, 0x01, 0x00]);
  const sink = recorder();
  const decoder = new WsFrameDecoder(false);
  const target = decoder.readTarget();
  target.set(wire);
  assert.equal(decoder.commit(wire.length, sink), true);
  assert.deepEqual(sink.events, [{ close: [1000, "ok"] }]);
});

Deno.test("frames: a sink that asks to stop holds the rest until resume", () => {
  const encoder = new WsFrameEncoder(false);
  encoder.binary(2, bytes("cmd"));
  encoder.binary(0, bytes("data"));
  const wire = join(encoder.take());
  const events: string[] = [];
  const sink = recorder();
  sink.onBinary = (buf, start, end) => {
    events.push(new TextDecoder().decode(buf.subarray(start + 1, end)));
    return buf[start] === 2;
  };
  const decoder = new WsFrameDecoder(false);
  decoder.readTarget().set(wire);
  assert.equal(decoder.commit(wire.length, sink), true);
  assert.deepEqual(events, ["cmd"]);
  assert.equal(decoder.resume(sink), false);
  assert.deepEqual(events, ["cmd", "data"]);
});

const refusals: [string, number[], boolean][] = [
  ["an unmasked frame from a client", [0x82, 0x01, 0x00], true],
  ["a masked frame from a server", [0x82, 0x81, 1, 2, 3, 4, 0], false],
  ["reserved bits", [0xc2, 0x01, 0x00], false],
  ["a text message", [0x81, 0x01, 0x41], false],
  ["an unknown opcode", [0x83, 0x00], false],
  ["a fragmented ping", [0x09, 0x00], false],
  ["a ping longer than 125 bytes", [0x89, 126, 0, 126], false],
  ["a continuation with nothing to continue", [0x80, 0x00], false],
  ["a 64-bit length with the top bit set", [0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1], false],
];

for (const [what, wire, server] of refusals) {
  Deno.test(`frames: ${what} is a protocol error`, () => {
    assert.throws(
      () => decodeAll(new WsFrameDecoder(server), new Uint8Array(wire), recorder()),
      ProtocolError,
    );
  });
}

Deno.test("frames: a frame over the sink's limit fails on its header, before its payload comes", () => {
  const header = new Uint8Array([0x82, 127, 0, 0, 0, 0, 0x40, 0, 0, 0]); // 1 GiB
  assert.throws(
    () => decodeAll(new WsFrameDecoder(false), header, recorder(1024)),
    (err: unknown) => err instanceof ProtocolError && err.code === "EMSGSIZE",
  );
});

Deno.test("frames: a large frame arriving slowly is buffered as its bytes come, not as declared", () => {
  const size = 4 * 1024 * 1024;
  const encoder = new WsFrameEncoder(false);
  encoder.binary(0, pattern(size - 1));
  const wire = join(encoder.take());
  const decoder = new WsFrameDecoder(false);
  const sink = recorder();
  decodeAll(decoder, wire.subarray(0, 100_000), sink);
  assert.ok(decoder.readTarget().length < size / 2, "storage grows with the bytes received");
  decodeAll(decoder, wire.subarray(100_000), sink);
  assert.equal(sink.events.length, 1);
  assert.equal((sink.events[0] as { binary: number[] }).binary.length, size);
});

// ---- opening handshake -------------------------------------------------------

/** libzmq 4.3.5's client request, as captured from zeromq.js 6.8.0. */
const LIBZMQ_REQUEST = "GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n" +
  "Connection: Upgrade\r\nSec-WebSocket-Key: Z0WLa2mYPORR3LD0SpToKg==\r\n" +
  "Sec-WebSocket-Protocol: ZWS2.0/NULL,ZWS2.0\r\nSec-WebSocket-Version: 13\r\n\r\n";

/** libzmq 4.3.5's server response to the RFC's example key, then its READY frame. */
const LIBZMQ_RESPONSE = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n" +
  "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" +
  "Sec-WebSocket-Protocol: ZWS2.0/NULL\r\n\r\n\x82\x1b\x02\x05READY";

Deno.test("handshake: libzmq's request gives its path, key and protocol list", () => {
  const head = parseHttpHead(bytes(LIBZMQ_REQUEST))!;
  assert.equal(head.size, LIBZMQ_REQUEST.length);
  assert.deepEqual(readUpgradeRequest(head), {
    path: "/x",
    key: "Z0WLa2mYPORR3LD0SpToKg==",
    protocols: ["ZWS2.0/NULL", "ZWS2.0"],
  });
});

Deno.test("handshake: libzmq's response is accepted and what follows the head is left over", async () => {
  const wire = Uint8Array.from(LIBZMQ_RESPONSE, (c) => c.charCodeAt(0));
  const head = parseHttpHead(wire)!;
  assert.equal(wire[head.size], 0x82);
  const protocol = await readUpgradeResponse(head, "dGhlIHNhbXBsZSBub25jZQ==", [
    "ZWS2.0/NULL",
    "ZWS2.0",
  ]);
  assert.equal(protocol, "ZWS2.0/NULL");
});

Deno.test("handshake: our request offers libzmq's list without spaces", () => {
  const text = new TextDecoder().decode(
    upgradeRequest("127.0.0.1:5555", "/feed", "dGhlIHNhbXBsZSBub25jZQ==", [
      "ZWS2.0/NULL",
      "ZWS2.0",
    ]),
  );
  assert.match(text, /^GET \/feed HTTP\/1\.1\r\n/);
  assert.match(text, /\r\nSec-WebSocket-Protocol: ZWS2\.0\/NULL,ZWS2\.0\r\n/);
  assert.match(text, /\r\nSec-WebSocket-Version: 13\r\n\r\n$/);
});

Deno.test("handshake: a response with the wrong accept key or an unoffered protocol is refused", async () => {
  const head = parseHttpHead(bytes(LIBZMQ_RESPONSE))!;
  await assert.rejects(
    readUpgradeResponse(head, "Z0WLa2mYPORR3LD0SpToKg==", ["ZWS2.0/NULL"]),
    /Accept/,
  );
  await assert.rejects(
    readUpgradeResponse(head, "dGhlIHNhbXBsZSBub25jZQ==", ["ZWS2.0/PLAIN"]),
    /not one offered/,
  );
});

Deno.test("handshake: an incomplete head waits; binary garbage fails at once", () => {
  assert.equal(parseHttpHead(bytes("GET / HTTP/1.1\r\nHost: x\r\n")), null);
  assert.throws(
    () => parseHttpHead(new Uint8Array([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f])),
    ProtocolError,
  );
});

Deno.test("handshake: a head that never ends is refused past 16 KiB", () => {
  const endless = bytes("GET / HTTP/1.1\r\nX: " + "a".repeat(17 * 1024));
  assert.throws(() => parseHttpHead(endless), /larger than/);
});

Deno.test("handshake: a plain HTTP GET is not an upgrade", () => {
  const head = parseHttpHead(bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))!;
  assert.throws(() => readUpgradeRequest(head), /Upgrade: websocket/);
});
