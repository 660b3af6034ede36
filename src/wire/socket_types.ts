/**
 * ZMTP socket types and which pairs may talk (RFC 23, "Socket Types").
 *
 * @module
 */

/** The `Socket-Type` names this library speaks on the wire (and STREAM, which speaks raw TCP). */
export type ZmtpSocketType =
  | "PAIR"
  | "PUB"
  | "SUB"
  | "XPUB"
  | "XSUB"
  | "REQ"
  | "REP"
  | "DEALER"
  | "ROUTER"
  | "PUSH"
  | "PULL"
  | "STREAM"
  | "SERVER"
  | "CLIENT"
  | "RADIO"
  | "DISH"
  | "GATHER"
  | "SCATTER"
  | "PEER"
  | "CHANNEL";

const COMPATIBLE: Record<ZmtpSocketType, readonly string[]> = {
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
  // STREAM speaks raw TCP: it never exchanges a greeting with a ZMTP peer.
  STREAM: [],
  // libzmq's draft types (mechanism.cpp, check_socket_type).
  SERVER: ["CLIENT"],
  CLIENT: ["SERVER"],
  RADIO: ["DISH"],
  DISH: ["RADIO"],
  GATHER: ["SCATTER"],
  SCATTER: ["GATHER"],
  PEER: ["PEER"],
  CHANNEL: ["CHANNEL"],
};

/** True when a socket of type `ours` may talk to a peer announcing `peer`. */
export function compatibleSocketTypes(ours: ZmtpSocketType, peer: string): boolean {
  return COMPATIBLE[ours].includes(peer.toUpperCase());
}

/** False for the types libzmq refuses `send` on (PULL, SUB). */
export function canSend(type: ZmtpSocketType): boolean {
  return type !== "PULL" && type !== "SUB" && type !== "DISH" && type !== "GATHER";
}

/** False for the types libzmq refuses `receive` on (PUSH, PUB). */
export function canReceive(type: ZmtpSocketType): boolean {
  return type !== "PUSH" && type !== "PUB" && type !== "RADIO" && type !== "SCATTER";
}
