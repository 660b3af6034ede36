/**
 * Types of the ZAP (RFC 27) authentication hook.
 *
 * @module
 */

/** What a server socket's `authenticate` handler is asked about one peer. */
export interface ZapRequest {
  /** The socket's `zapDomain` (empty when unset). */
  domain: string;
  /** The peer's address, e.g. `tcp://127.0.0.1:50012`. */
  address: string;
  /** The peer's routing id from its handshake (may be empty). */
  routingId: Uint8Array;
  /** The security mechanism the peer used. */
  mechanism: "NULL" | "PLAIN" | "CURVE";
  /** PLAIN: the user name the client sent. */
  username?: string;
  /** PLAIN: the password the client sent. */
  password?: string;
  /** CURVE: the client's long-term public key, Z85-encoded. */
  publicKey?: string;
  /** The raw RFC 27 credential frames (PLAIN: user, password; CURVE: 32-byte key). */
  credentials: Uint8Array[];
}

/** A detailed answer to a {@link ZapRequest}. */
export interface ZapReply {
  /** RFC 27 status: 200 allows; 300 (temporary), 400 (denied) and 500 (internal) refuse. */
  statusCode: 200 | 300 | 400 | 500;
  /** Human-readable reason, sent to a refused client in the ERROR command. */
  statusText?: string;
  /** The user id attached to the peer's messages when allowed. */
  userId?: string;
}

/** A socket's authentication hook: `true` allows, `false` denies, or a detailed reply. */
export type Authenticator = (
  request: ZapRequest,
) => boolean | ZapReply | Promise<boolean | ZapReply>;
