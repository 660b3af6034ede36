import assert from "node:assert/strict";
import { FLAG_COMMAND, FLAG_MORE, type FrameRun, ProtocolError } from "../../src/wire/frame.ts";
import { WsFrameDecoder, WsFrameEncoder } from "../../src/wire/websocket.ts";
import {
  chooseProtocol,
  fromZwsFlags,
  offeredProtocols,
  toZwsFlags,
  type ZwsControl,
  ZwsDecoder,
} from "../../src/wire/zws.ts";
import { bytes, texts } from "../helpers.ts";

/** Records what a ZwsDecoder hands to the engine. */
function engineDouble() {
  const log: unknown[] = [];
  const sink = {
    onMessage: (frames: Uint8Array[]) => log.push({ message: texts(frames) }),
    onMessages: (run: FrameRun) => {
      const batch = [];
      while (run.remaining > 0) batch.push(texts(run.next()));
      log.push({ batch });
    },
    onCommand: (body: Uint8Array) => {
      log.push({ command: texts([body])[0] });
      return false;
    },
    onFrame: (flags: number, body: Uint8Array) => log.push({ frame: [flags, texts([body])[0]] }),
  };
  const control: ZwsControl = {
    onPing: () => log.push("ping"),
    onPong: () => log.push("pong"),
    onClose: (code) => log.push({ close: code }),
  };
  return { log, sink, control };
}

/** Server-side wire bytes (unmasked) for ZWS messages given as [flags, body]. */
function wire(...messages: [number, string][]): Uint8Array {
  const encoder = new WsFrameEncoder(false);
  for (const [flags, body] of messages) encoder.binary(flags, bytes(body));
  const chunks = encoder.take();
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function decode(data: Uint8Array, zws: ZwsDecoder, step = data.length): void {
  const ws = new WsFrameDecoder(false);
  for (let offset = 0; offset < data.length; offset += step) {
    const part = data.subarray(offset, Math.min(data.length, offset + step));
    ws.readTarget().set(part);
    ws.commit(part.length, zws);
  }
}

Deno.test("zws: libzmq's READY (flags 0x02) is a command", () => {
  const { log, sink, control } = engineDouble();
  const ready = new Uint8Array([0x82, 0x07, 0x02, 0x05, ...bytes("READY")]);
  decode(ready, new ZwsDecoder(sink, control));
  assert.deepEqual(log, [{ command: "\x05READY" }]);
});

Deno.test("zws: the messages of one read go out as one batch, MORE (0x01) joining frames", () => {
  const { log, sink, control } = engineDouble();
  decode(wire([1, "a"], [0, "b"], [0, "c"]), new ZwsDecoder(sink, control));
  assert.deepEqual(log, [{ batch: [["a", "b"], ["c"]] }]);
});

Deno.test("zws: a message split across reads arrives whole", () => {
  const { log, sink, control } = engineDouble();
  decode(wire([1, "first"], [1, "second"], [0, "third"]), new ZwsDecoder(sink, control), 5);
  assert.deepEqual(log, [{ message: ["first", "second", "third"] }]);
});

Deno.test("zws: in raw mode every frame goes out with ZMTP flags (CURVE opens them)", () => {
  const { log, sink, control } = engineDouble();
  const zws = new ZwsDecoder(sink, control);
  zws.raw = true;
  decode(wire([2, "\x07MESSAGEx"], [1, "m"]), zws);
  assert.deepEqual(log, [{ frame: [FLAG_COMMAND, "\x07MESSAGEx"] }, { frame: [FLAG_MORE, "m"] }]);
});

Deno.test("zws: flags map MORE 1 <-> 1 and COMMAND 2 <-> 4", () => {
  assert.equal(toZwsFlags(FLAG_MORE), 1);
  assert.equal(toZwsFlags(FLAG_COMMAND), 2);
  assert.equal(fromZwsFlags(3), FLAG_MORE | FLAG_COMMAND);
});

for (
  const [what, data] of [
    ["an empty message (no flags byte)", new Uint8Array([0x82, 0x00])],
    ["unknown flags", new Uint8Array([0x82, 0x01, 0x04])],
    ["a command with MORE", new Uint8Array([0x82, 0x02, 0x03, 0x00])],
  ] as const
) {
  Deno.test(`zws: ${what} is a protocol error`, () => {
    const { sink, control } = engineDouble();
    assert.throws(() => decode(data, new ZwsDecoder(sink, control)), ProtocolError);
  });
}

Deno.test("zws: a multipart message over maxMessageSize fails with EMSGSIZE", () => {
  const { sink, control } = engineDouble();
  assert.throws(
    () => decode(wire([1, "12345"], [0, "67890"]), new ZwsDecoder(sink, control, 8)),
    (err: unknown) => err instanceof ProtocolError && err.code === "EMSGSIZE",
  );
});

Deno.test("zws: pings, pongs and close go to the control side", () => {
  const { log, sink, control } = engineDouble();
  decode(
    new Uint8Array([0x89, 0x00, 0x8a, 0x00, 0x88, 0x02, 0x03, 0xe8]),
    new ZwsDecoder(sink, control),
  );
  assert.deepEqual(log, ["ping", "pong", { close: 1000 }]);
});

Deno.test("subprotocols: a client offers libzmq's lists", () => {
  assert.deepEqual(offeredProtocols("NULL"), ["ZWS2.0/NULL", "ZWS2.0"]);
  assert.deepEqual(offeredProtocols("CURVE"), ["ZWS2.0/CURVE"]);
});

Deno.test("subprotocols: a server picks its mechanism's, or bare ZWS2.0 for NULL (browsers)", () => {
  assert.equal(chooseProtocol(["ZWS2.0/NULL", "ZWS2.0"], "NULL"), "ZWS2.0/NULL");
  assert.equal(chooseProtocol(["ZWS2.0"], "NULL"), "ZWS2.0");
  assert.equal(chooseProtocol(["ZWS2.0"], "PLAIN"), null);
  assert.equal(chooseProtocol(["chat"], "NULL"), null);
  assert.equal(chooseProtocol(["ZWS2.0/PLAIN"], "PLAIN"), "ZWS2.0/PLAIN");
});
