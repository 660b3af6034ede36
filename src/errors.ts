/**
 * Error codes, named after the libzmq errno values they stand for.
 *
 * @module
 */

/** The `code` of a {@link ZmqError}: the libzmq errno name that fits the failure. */
export type ZmqErrorCode =
  | "EINVAL"
  | "EPROTONOSUPPORT"
  | "EADDRINUSE"
  | "EADDRNOTAVAIL"
  | "ENOTSUP"
  | "EFSM"
  | "EAGAIN"
  | "EHOSTUNREACH"
  | "ETERM"
  | "ENOTSOCK"
  | "EACCES"
  | "EPROTO"
  | "EMSGSIZE"
  | "ECONNREFUSED"
  | "ENOENT"
  | "ENOCOMPATPROTO";

/**
 * Every failure this library reports is a `ZmqError` with a libzmq-style `code`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Pull, ZmqError } from "@zmtp/zmq";
 * const pull = new Pull();
 * await assert.rejects(
 *   pull.send("nope"),
 *   (err) => err instanceof ZmqError && err.code === "ENOTSUP", // a PULL cannot send
 * );
 * pull.close();
 * ```
 */
export class ZmqError extends Error {
  /** The libzmq errno name of this failure, for example `EAGAIN`. */
  readonly code: ZmqErrorCode;

  /** Creates an error with a code, a message and an optional underlying cause. */
  constructor(code: ZmqErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ZmqError";
    this.code = code;
  }
}

/** Shorthand used across the library: `throw zmqError("EINVAL", "...")`. */
export function zmqError(code: ZmqErrorCode, message: string, cause?: unknown): ZmqError {
  return new ZmqError(code, message, cause === undefined ? undefined : { cause });
}
