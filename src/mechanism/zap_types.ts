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
  /**
   * The routing id of the authenticating (server) socket, as libzmq fills
   * RFC 27's identity frame: it tells sockets apart when several share one
   * handler. Empty when the socket has none.
   */
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
  /**
   * Human-readable reason. It appears in the server's `handshake:error:auth`
   * event; the refused client's ERROR command carries the status code, as
   * libzmq sends it (a libzmq client recognises only that).
   */
  statusText?: string;
  /**
   * The User-Id attached to the peer's messages when allowed (see
   * `messageUserId`); defaults to the PLAIN user name or the CURVE client
   * key (Z85).
   */
  userId?: string;
  /**
   * Properties attached to the peer's messages when allowed (RFC 27's
   * metadata frame, libzmq's ZAP reply metadata): `messageProperty(msg,
   * name)` returns them.
   */
  metadata?: Record<string, string>;
}

/**
 * A socket's authentication hook: `true` allows, `false` denies (400), or a
 * detailed reply. A handler that throws refuses the peer with 500.
 */
export type Authenticator = (
  request: ZapRequest,
) => boolean | ZapReply | Promise<boolean | ZapReply>;
