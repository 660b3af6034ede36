/**
 * ZMTP socket types and which pairs may talk (RFC 23, "Socket Types").
 *
 * @module
 */

/** The `Socket-Type` names this library speaks on the wire. */
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
  | "PULL";

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
};

/** True when a socket of type `ours` may talk to a peer announcing `peer`. */
export function compatibleSocketTypes(ours: ZmtpSocketType, peer: string): boolean {
  return COMPATIBLE[ours].includes(peer.toUpperCase());
}
