import assert from "node:assert/strict";
import { concatBytes } from "../../src/message.ts";
import { FrameEncoder } from "../../src/wire/frame.ts";
import { DISH_ADAPTER, membershipMessage, RADIO_ADAPTER } from "../../src/wire/join_leave.ts";
import { bytes } from "../helpers.ts";

/** The wire bytes of a command as the engine writes it. */
function commandBytes(name: string, data: Uint8Array): Uint8Array {
  const encoder = new FrameEncoder();
  encoder.command(name, data);
  return concatBytes(encoder.take());
}

Deno.test("a DISH's join goes out as libzmq's JOIN command: flags 0x04, size, \\x04JOIN, group", () => {
  const command = DISH_ADAPTER.toCommand!(membershipMessage(true, bytes("tv")), 1)!;
  assert.deepEqual(
    commandBytes(command.name, command.data),
    new Uint8Array([0x04, 7, 4, ...bytes("JOIN"), ...bytes("tv")]),
  );
});

Deno.test("a DISH's leave goes out as libzmq's LEAVE command: \\x05LEAVE, group", () => {
  const command = DISH_ADAPTER.toCommand!(membershipMessage(false, bytes("tv")), 1)!;
  assert.deepEqual(
    commandBytes(command.name, command.data),
    new Uint8Array([0x04, 8, 5, ...bytes("LEAVE"), ...bytes("tv")]),
  );
});

Deno.test("a RADIO reads JOIN and LEAVE into joins and leaves; other commands and groups over 255 bytes are ignored", () => {
  assert.deepEqual(RADIO_ADAPTER.toMessage!({ name: "JOIN", data: bytes("g") }), [
    new Uint8Array([1, 0x67]),
  ]);
  assert.deepEqual(RADIO_ADAPTER.toMessage!({ name: "LEAVE", data: bytes("g") }), [
    new Uint8Array([0, 0x67]),
  ]);
  assert.equal(RADIO_ADAPTER.toMessage!({ name: "SUBSCRIBE", data: bytes("g") }), undefined);
  assert.equal(RADIO_ADAPTER.toMessage!({ name: "JOIN", data: new Uint8Array(256) }), undefined);
});
