import assert from "node:assert/strict";
import {
  canReceive,
  canSend,
  compatibleSocketTypes,
  type ZmtpSocketType,
} from "../../src/wire/socket_types.ts";

const TYPES: ZmtpSocketType[] = [
  "PAIR",
  "PUB",
  "SUB",
  "XPUB",
  "XSUB",
  "REQ",
  "REP",
  "DEALER",
  "ROUTER",
  "PUSH",
  "PULL",
  "STREAM",
  "SERVER",
  "CLIENT",
  "RADIO",
  "DISH",
  "GATHER",
  "SCATTER",
  "PEER",
  "CHANNEL",
];

/** RFC 23's table (and libzmq's mechanism_base_t::check_socket_type). */
const VALID: Record<ZmtpSocketType, ZmtpSocketType[]> = {
  PAIR: ["PAIR"],
  PUB: ["SUB", "XSUB"],
  SUB: ["PUB", "XPUB"],
  XPUB: ["SUB", "XSUB"],
  XSUB: ["PUB", "XPUB"],
  REQ: ["REP", "ROUTER"],
  REP: ["REQ", "DEALER"],
  DEALER: ["REP", "DEALER", "ROUTER"],
  ROUTER: ["REQ", "DEALER", "ROUTER"],
  PUSH: ["PULL"],
  PULL: ["PUSH"],
  // STREAM speaks raw TCP; no ZMTP peer is ever compatible with it.
  STREAM: [],
  // libzmq's draft types (mechanism_base_t::check_socket_type under ZMQ_BUILD_DRAFT_API).
  SERVER: ["CLIENT"],
  CLIENT: ["SERVER"],
  RADIO: ["DISH"],
  DISH: ["RADIO"],
  GATHER: ["SCATTER"],
  SCATTER: ["GATHER"],
  PEER: ["PEER"],
  CHANNEL: ["CHANNEL"],
};

Deno.test("every pair of socket types is judged as RFC 23's table says", () => {
  for (const ours of TYPES) {
    for (const peer of TYPES) {
      assert.equal(
        compatibleSocketTypes(ours, peer),
        VALID[ours].includes(peer),
        `${ours} with ${peer}`,
      );
    }
  }
});

Deno.test("compatibility is symmetric", () => {
  for (const a of TYPES) {
    for (const b of TYPES) {
      assert.equal(compatibleSocketTypes(a, b), compatibleSocketTypes(b, a), `${a}/${b}`);
    }
  }
});

Deno.test("the peer's type name is compared without regard to case", () => {
  assert.ok(compatibleSocketTypes("PUSH", "pull"));
  assert.ok(compatibleSocketTypes("PAIR", "Pair"));
});

Deno.test("unknown or missing peer types are incompatible with everything", () => {
  for (const ours of TYPES) {
    for (const peer of ["", "DGRAM", "PULLX", "PUSH PULL"]) {
      if (VALID[ours].includes(peer as ZmtpSocketType)) continue;
      assert.equal(compatibleSocketTypes(ours, peer), false, `${ours} with "${peer}"`);
    }
  }
});

Deno.test("send and receive are allowed per type as libzmq allows them", () => {
  const sendOnly = ["PUB", "PUSH", "RADIO", "SCATTER"];
  const receiveOnly = ["SUB", "PULL", "DISH", "GATHER"];
  for (const type of TYPES) {
    assert.equal(canSend(type), !receiveOnly.includes(type), `${type} send`);
    assert.equal(canReceive(type), !sendOnly.includes(type), `${type} receive`);
  }
});
