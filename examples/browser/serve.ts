/**
 * Serves the browser example: the live ticker page (index.html) and the
 * library's browser bundle (dist/zmq.js, from `deno task bundle`). The
 * whole example, in four terminals:
 *
 *   deno task bundle
 *   deno run --allow-net cli/main.ts relay --frontend tcp://127.0.0.1:5557 \
 *     --backend ws://127.0.0.1:8080/feed --stats-interval 5
 *   deno run --allow-net=127.0.0.1 examples/browser/publisher.ts tcp://127.0.0.1:5557
 *   deno run --allow-net=127.0.0.1 --allow-read examples/browser/serve.ts [port] [feed] [bundle]
 *
 * then open the URL it prints. `port` defaults to 8000 (0 picks a free
 * one); `feed` is the relay's WebSocket backend the page subscribes to,
 * default ws://127.0.0.1:8080/feed; `bundle` the browser bundle's path,
 * default dist/zmq.js. Serves until interrupted.
 *
 * @module
 */

const here = new URL(".", import.meta.url);
const port = Number(Deno.args[0] ?? 8000);
const feed = Deno.args[1] ?? "ws://127.0.0.1:8080/feed";
const bundlePath = Deno.args[2] ?? new URL("../../dist/zmq.js", here).pathname;

const page = await Deno.readTextFile(new URL("index.html", here));
let bundle: Uint8Array<ArrayBuffer>;
try {
  bundle = await Deno.readFile(bundlePath);
} catch (err) {
  if (!(err instanceof Deno.errors.NotFound)) throw err;
  console.error(`${bundlePath} is missing: run \`deno task bundle\` first`);
  Deno.exit(1);
}

const server = Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen({ port }) {
    console.log(`open http://127.0.0.1:${port}/?feed=${encodeURIComponent(feed)}`);
  },
}, (request) => {
  const { pathname } = new URL(request.url);
  if (pathname === "/" || pathname === "/index.html") {
    return new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } });
  }
  if (pathname === "/zmq.js") {
    return new Response(bundle, { headers: { "content-type": "text/javascript; charset=utf-8" } });
  }
  return new Response("not found", { status: 404 });
});

const stop = () => server.shutdown();
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
await server.finished;
Deno.removeSignalListener("SIGINT", stop);
Deno.removeSignalListener("SIGTERM", stop);
