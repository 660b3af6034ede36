/**
 * ZAP (RFC 27): how a server socket decides whom to accept. libzmq asks a
 * handler bound at `inproc://zeromq.zap.01`; here the socket's own
 * `authenticate` function plays that part, with the same meaning:
 *
 * - status 200 allows the peer (optionally naming its User-Id);
 * - 300 (temporary failure) closes the connection without an ERROR;
 * - 400 (denied) and 500 (internal failure) send ERROR with the status
 *   code as its reason, which a libzmq client reports as an auth failure.
 *
 * Without a handler, libzmq's rules apply: CURVE accepts every client that
 * completes the handshake (encryption without authentication), PLAIN
 * refuses every client, NULL does no ZAP at all.
 *
 * A handler's User-Id and metadata become properties of the peer's
 * messages (see `messageProperty`).
 *
 * @module
 */

import { messageProperty } from "../pipe/properties.ts";
import { HandshakeError } from "./mechanism.ts";
import type { Authenticator, ZapReply, ZapRequest } from "./zap_types.ts";

/** What a mechanism needs to run ZAP. */
export interface ZapSettings {
  /** The socket's handler; null when none is set. */
  authenticate: Authenticator | null;
  /** The socket's `zapDomain`. */
  zapDomain: string;
  /**
   * libzmq's ZMQ_ZAP_ENFORCE_DOMAIN: ask `authenticate` only when
   * `zapDomain` is set, and refuse peers when a domain is set but no
   * handler is.
   */
  enforceDomain?: boolean;
}

/**
 * Whether a server asks its handler about a peer, by libzmq's rules:
 * `"ask"`, `"skip"` (accept without asking) or `"refuse"`. NULL asks only
 * when a domain is set; PLAIN and CURVE ask whenever there is a handler,
 * unless `enforceDomain` and no domain. With `enforceDomain`, a domain but
 * no handler refuses (libzmq: no ZAP handler is an error then).
 */
export function zapDecision(
  zap: ZapSettings,
  mechanism: "NULL" | "CURVE",
): "ask" | "skip" | "refuse" {
  const hasDomain = zap.zapDomain !== "";
  if (zap.enforceDomain === true && !hasDomain) return "skip";
  if (mechanism === "NULL" && !hasDomain) return "skip";
  if (zap.authenticate !== null) return "ask";
  return zap.enforceDomain === true ? "refuse" : "skip";
}

/** The failure of a peer refused because `zapEnforceDomain` wants a handler that is not set. */
export function noHandlerRefusal(mechanism: string): HandshakeError {
  return new HandshakeError(
    "other",
    `${mechanism} peer refused: zapEnforceDomain is on, zapDomain is set and there is no authenticate handler`,
  );
}

/** The settled answer to one ZAP request. */
export interface ZapOutcome {
  statusCode: 200 | 300 | 400 | 500;
  statusText: string;
  /** The peer's User-Id when allowed (may be undefined). */
  userId?: string;
  /** Properties for the peer's messages when allowed (`ZapReply.metadata`). */
  metadata?: Readonly<Record<string, string>>;
}

const STATUS_CODES = new Set([200, 300, 400, 500]);

/**
 * Runs the handler on one request and settles its answer: `true` allows
 * (User-Id: the PLAIN user name or the CURVE client key), `false` denies
 * with 400, a {@link ZapReply} is taken as it is, and a handler that throws
 * or answers with an unknown status yields 500.
 */
export async function askAuthenticator(
  authenticate: Authenticator,
  request: ZapRequest,
): Promise<ZapOutcome> {
  let answer: boolean | ZapReply;
  try {
    answer = await authenticate(request);
  } catch (err) {
    return { statusCode: 500, statusText: `authenticate threw: ${errorText(err)}` };
  }
  if (answer === true) {
    return { statusCode: 200, statusText: "OK", userId: defaultUserId(request) };
  }
  if (answer === false || answer === null || typeof answer !== "object") {
    return { statusCode: 400, statusText: "Denied" };
  }
  if (!STATUS_CODES.has(answer.statusCode)) {
    return {
      statusCode: 500,
      statusText: `authenticate answered with status ${answer.statusCode}`,
    };
  }
  const allowed = answer.statusCode === 200;
  return {
    statusCode: answer.statusCode,
    statusText: answer.statusText ?? (allowed ? "OK" : "Denied"),
    userId: allowed ? (answer.userId ?? defaultUserId(request)) : undefined,
    metadata: allowed ? zapMetadata(answer.metadata) : undefined,
  };
}

/** A copy of the properties of a ZapReply, values as strings. */
function zapMetadata(
  metadata: Readonly<Record<string, string>> | undefined,
): Readonly<Record<string, string>> | undefined {
  if (metadata === undefined || metadata === null || typeof metadata !== "object") return undefined;
  const copy: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) copy[name] = String(value);
  return copy;
}

function defaultUserId(request: ZapRequest): string | undefined {
  if (request.mechanism === "PLAIN") return request.username;
  if (request.mechanism === "CURVE") return request.publicKey;
  return undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The failure that ends a refused handshake: an auth failure whose ERROR
 * reason is the status code, as libzmq sends it (none for 300, which closes
 * silently, as RFC 27 and libzmq say).
 */
export function refusal(
  outcome: ZapOutcome,
  mechanism: string,
  errorCommand?: (reason: string) => Uint8Array,
): HandshakeError {
  const reason = outcome.statusCode === 300 ? undefined : String(outcome.statusCode);
  return new HandshakeError(
    "auth",
    `${mechanism} peer refused by authenticate: ${outcome.statusCode} ${outcome.statusText}`,
    reason,
    reason === undefined ? undefined : errorCommand?.(reason),
  );
}

/**
 * The failure a client reports when the server sends ERROR: an auth failure
 * when the reason is a ZAP status code (300, 400, 500), as libzmq does.
 */
export function peerError(mechanism: string, reason: string): HandshakeError {
  const isZapStatus = /^[345]00$/.test(reason);
  return new HandshakeError(
    isZapStatus ? "auth" : "other",
    `${mechanism} peer refused the connection: ${reason}`,
  );
}

// ---- User-Id of received messages ------------------------------------------

/**
 * The User-Id that `authenticate` gave the peer a received message came
 * from (libzmq's `zmq_msg_gets(msg, "User-Id")`), or undefined when the
 * peer has none (NULL security, no handler, or inproc). The same as
 * `messageProperty(message, "User-Id")`.
 *
 * Pass the message as `receive()` returned it, or its last frame.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { messageUserId, Pull, Push } from "@zmtp/zmq";
 * // The User-Id of an allowed PLAIN peer is its user name.
 * const pull = new Pull({ plainServer: true, authenticate: (r) => r.password === "secret" });
 * await pull.bind("tcp://127.0.0.1:*");
 * const push = new Push({ plainUsername: "alice", plainPassword: "secret" });
 * push.connect(pull.lastEndpoint!);
 * await push.send("hello");
 * const msg = await pull.receive();
 * assert.equal(messageUserId(msg), "alice");
 * push.close();
 * pull.close();
 * ```
 */
export function messageUserId(message: readonly Uint8Array[] | Uint8Array): string | undefined {
  return messageProperty(message, "User-Id");
}
