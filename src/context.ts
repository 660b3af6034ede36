/**
 * Contexts scope `inproc://` names, as libzmq contexts do.
 *
 * @module
 */

import { InprocRegistry } from "./transport/inproc.ts";

/**
 * An isolated namespace for `inproc://` endpoints. Sockets use a shared
 * default context unless given one; two sockets meet over inproc only if
 * they share a context.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Context, Pair } from "@zmtp/zmq";
 * const context = new Context();
 * const a = new Pair({ context });
 * const b = new Pair({ context });
 * await a.bind("inproc://pipe");
 * b.connect("inproc://pipe");
 * await b.send("hi");
 * assert.equal(new TextDecoder().decode((await a.receive())[0]), "hi");
 * a.close();
 * b.close();
 * ```
 */
export class Context {
  /** The context used by sockets created without one. */
  static readonly default: Context = new Context();
  /** @internal inproc names bound in this context. */
  readonly inproc: InprocRegistry = new InprocRegistry();
}
