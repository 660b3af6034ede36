/**
 * ZMTP socket types and what each may do (RFC 23 "Socket Types", RFC 28,
 * 29, 41, 48, 49, 51, 52): one capability table that every socket type is
 * in, so a new type cannot be added without saying which peers it talks
 * to and whether it sends and receives.
 *
 * @module
 */

/**
 * The `Socket-Type` names this library speaks on the wire (and STREAM,
 * which speaks raw TCP). The draft types (SERVER … CHANNEL) are libzmq's
 * draft API.
 */
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

/** What one socket type may do. */
export interface SocketTypeCapabilities {
  /** The peer types it may talk to (libzmq's `is_compatible`). */
  readonly peers: readonly ZmtpSocketType[];
  /** Whether `send` is allowed (libzmq refuses it on PULL, SUB, DISH, GATHER). */
  readonly canSend: boolean;
  /** Whether `receive` is allowed (libzmq refuses it on PUSH, PUB, RADIO, SCATTER). */
  readonly canReceive: boolean;
}

const BOTH = { canSend: true, canReceive: true } as const;
const SEND_ONLY = { canSend: true, canReceive: false } as const;
const RECEIVE_ONLY = { canSend: false, canReceive: true } as const;

/** Every socket type's capabilities, as libzmq 4.3 has them. */
export const SOCKET_TYPES: Readonly<Record<ZmtpSocketType, SocketTypeCapabilities>> = {
  PAIR: { peers: ["PAIR"], ...BOTH },
  PUB: { peers: ["SUB", "XSUB"], ...SEND_ONLY },
  SUB: { peers: ["PUB", "XPUB"], ...RECEIVE_ONLY },
  XPUB: { peers: ["SUB", "XSUB"], ...BOTH },
  XSUB: { peers: ["PUB", "XPUB"], ...BOTH },
  REQ: { peers: ["REP", "ROUTER"], ...BOTH },
  REP: { peers: ["REQ", "DEALER"], ...BOTH },
  DEALER: { peers: ["REP", "DEALER", "ROUTER"], ...BOTH },
  ROUTER: { peers: ["REQ", "DEALER", "ROUTER"], ...BOTH },
  PUSH: { peers: ["PULL"], ...SEND_ONLY },
  PULL: { peers: ["PUSH"], ...RECEIVE_ONLY },
  // STREAM speaks raw TCP: it never exchanges a greeting with a ZMTP peer.
  STREAM: { peers: [], ...BOTH },
  SERVER: { peers: ["CLIENT"], ...BOTH },
  CLIENT: { peers: ["SERVER"], ...BOTH },
  RADIO: { peers: ["DISH"], ...SEND_ONLY },
  DISH: { peers: ["RADIO"], ...RECEIVE_ONLY },
  GATHER: { peers: ["SCATTER"], ...RECEIVE_ONLY },
  SCATTER: { peers: ["GATHER"], ...SEND_ONLY },
  PEER: { peers: ["PEER"], ...BOTH },
  CHANNEL: { peers: ["CHANNEL"], ...BOTH },
};

/** True when a socket of type `ours` may talk to a peer announcing `peer`. */
export function compatibleSocketTypes(ours: ZmtpSocketType, peer: string): boolean {
  return (SOCKET_TYPES[ours].peers as readonly string[]).includes(peer.toUpperCase());
}

/** Whether a socket of `type` may send. */
export function canSend(type: ZmtpSocketType): boolean {
  return SOCKET_TYPES[type].canSend;
}

/** Whether a socket of `type` may receive. */
export function canReceive(type: ZmtpSocketType): boolean {
  return SOCKET_TYPES[type].canReceive;
}

/**
 * ZMTP 2.0 (RFC 15) names socket types by number in its greeting: these,
 * by number. Draft types have none, so they cannot talk to a 2.0 peer.
 */
export const ZMTP2_SOCKET_TYPES: readonly string[] = [
  "PAIR",
  "PUB",
  "SUB",
  "REQ",
  "REP",
  "DEALER",
  "ROUTER",
  "PULL",
  "PUSH",
  "XPUB",
  "XSUB",
  "STREAM",
];
