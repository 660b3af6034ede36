/**
 * Hello World client: a REQ socket that sends "Hello" and waits for each
 * "World" in turn.
 *
 *   deno run --allow-net=127.0.0.1 examples/hello/client.ts [endpoint] [requests]
 *   node dist/npm/examples/hello/client.js [endpoint] [requests]   # or bun
 *
 * Connects to `endpoint` (default tcp://127.0.0.1:5555) and sends
 * `requests` requests (default 10). It may start before the server: the
 * socket keeps trying to connect, and the first request waits for it.
 *
 * @module
 */

import process from "node:process";
import { Request } from "../../mod.ts";

const args = process.argv.slice(2);
const endpoint = args[0] ?? "tcp://127.0.0.1:5555";
const count = Number(args[1] ?? 10);

const client = new Request();
client.connect(endpoint);
for (let i = 1; i <= count; i++) {
  await client.send("Hello");
  const [reply] = await client.receive();
  console.log(`client: reply ${i}: ${new TextDecoder().decode(reply)}`);
}
client.close();
