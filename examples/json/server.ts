/**
 * A small inventory service that speaks JSON over REQ/REP.
 *
 *   deno run --allow-net=127.0.0.1 examples/json/server.ts [endpoint]
 *
 * Requests: {"op":"add","item":"apple","count":3}, {"op":"get","item":"apple"},
 * {"op":"list"}. Replies: {"ok":true,...} or {"ok":false,"error":"..."}; a
 * request that is not JSON gets an error reply, not a crash. Prints its
 * endpoint (default tcp://127.0.0.1:5570), then serves until SIGINT/SIGTERM.
 *
 * @module
 */

import { Reply } from "../../mod.ts";
import { receiveJson, sendJson } from "./json.ts";

/** The requests the service understands. */
type Request =
  | { op: "add"; item: string; count: number }
  | { op: "get"; item: string }
  | { op: "list" };

const stock = new Map<string, number>();

function handle(request: Request): Record<string, unknown> {
  switch (request?.op) {
    case "add": {
      if (typeof request.item !== "string" || !Number.isInteger(request.count)) {
        return { ok: false, error: "add needs an item and an integer count" };
      }
      const count = (stock.get(request.item) ?? 0) + request.count;
      stock.set(request.item, count);
      return { ok: true, item: request.item, count };
    }
    case "get":
      return { ok: true, item: request.item, count: stock.get(request.item) ?? 0 };
    case "list":
      return { ok: true, items: Object.fromEntries([...stock].sort()) };
    default:
      return {
        ok: false,
        error: `unknown op ${JSON.stringify((request as { op?: unknown })?.op)}`,
      };
  }
}

const server = new Reply();
await server.bind(Deno.args[0] ?? "tcp://127.0.0.1:5570");
console.log(`inventory service on ${server.lastEndpoint}`);

const stop = () => server.close();
Deno.addSignalListener("SIGINT", stop);
if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);

while (!server.closed) {
  let request;
  try {
    request = await receiveJson<Request>(server);
  } catch {
    break; // closed by a signal
  }
  await sendJson(server, request.ok ? handle(request.value) : request);
}
