/**
 * Talks JSON to examples/json/server.ts: adds some stock, asks for it,
 * sends one request that is not JSON, and prints every reply as a line
 * of JSON.
 *
 *   deno run --allow-net=127.0.0.1 examples/json/client.ts [endpoint]
 *
 * @module
 */

import { Request } from "../../mod.ts";
import { receiveJson, sendJson } from "./json.ts";

using client = new Request();
client.connect(Deno.args[0] ?? "tcp://127.0.0.1:5570");

const requests: unknown[] = [
  { op: "add", item: "apple", count: 3 },
  { op: "add", item: "pear", count: 2 },
  { op: "add", item: "apple", count: 4 },
  { op: "get", item: "apple" },
  { op: "list" },
  { op: "sell", item: "apple" },
];
for (const request of requests) {
  await sendJson(client, request);
  const reply = await receiveJson(client);
  console.log(JSON.stringify(reply.ok ? reply.value : reply));
}

// Not JSON at all: plain send() of any string works, and the service says what is wrong.
await client.send("{ this is not json");
const reply = await receiveJson(client);
console.log(JSON.stringify(reply.ok ? reply.value : reply));
