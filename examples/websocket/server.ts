/**
 * A Publisher mounted in an ordinary HTTP server: `Deno.serve` answers its
 * own routes, and hands WebSocket upgrades on `/feed` to the Publisher
 * (`acceptWebSocket`), which publishes a tick every 100 ms. Subscribers
 * connect with `ws://host:port/feed`: this library (any runtime), libzmq
 * (`zmq_connect(sub, "ws://…/feed")`) or a browser page. The same handler
 * runs unchanged on an edge platform that hands you `Request`s.
 *
 *   deno run --allow-net=127.0.0.1 examples/websocket/server.ts [port]
 *
 * Then: `curl http://127.0.0.1:8080/health`, or
 * `deno run --allow-net=127.0.0.1 examples/weather/client.ts ws://127.0.0.1:8080/feed tick 5`.
 *
 * @module
 */

import { Publisher } from "../../mod.ts";

const port = Number(Deno.args[0] ?? 8080);
const publisher = new Publisher();
let ticks = 0;

const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, (request) => {
  switch (new URL(request.url).pathname) {
    case "/feed":
      return publisher.acceptWebSocket(request);
    case "/health":
      return Response.json({ ok: true, ticks });
    case "/":
      return new Response("A ZeroMQ publisher lives at ws://…/feed; /health says how it is.\n");
    default:
      return new Response("not found\n", { status: 404 });
  }
});
console.log(
  `serving on http://127.0.0.1:${server.addr.port} (ZeroMQ on ws://127.0.0.1:${server.addr.port}/feed)`,
);

const timer = setInterval(() => {
  ticks++;
  publisher.send(`tick ${ticks}`);
}, 100);

Deno.addSignalListener("SIGTERM", async () => {
  clearInterval(timer);
  publisher.close();
  await server.shutdown();
  Deno.exit(0);
});
