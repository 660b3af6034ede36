/**
 * The browser build (`deno task bundle`, run into a temporary file) and a
 * small HTTP server on 127.0.0.1 that hands it to pages.
 */

const root = new URL("../../", import.meta.url);

/** The `deno task bundle` command line, from deno.json. */
export async function bundleTask(): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  return config.tasks.bundle;
}

/**
 * Builds the browser bundle exactly as `deno task bundle` does, but into a
 * temporary file, and returns its text.
 */
export async function buildBundle(): Promise<string> {
  const words = (await bundleTask()).split(/\s+/);
  if (words[0] !== "deno" || words[1] !== "bundle") throw new Error(`unexpected task: ${words}`);
  const dir = await Deno.makeTempDir({ prefix: "zmq-bundle-" });
  try {
    const output = `${dir}/zmq.js`;
    const args = words.slice(1).map((word, i, all) => all[i - 1] === "-o" ? output : word);
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args,
      cwd: root.pathname,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) throw new Error(`deno bundle failed:\n${new TextDecoder().decode(stderr)}`);
    return await Deno.readTextFile(output);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

let cached: Promise<string> | undefined;

/** The bundle, built once per test process. */
export function browserBundle(): Promise<string> {
  cached ??= buildBundle();
  return cached;
}

/** The test page: loads the bundle and keeps the module as `globalThis.zmq`. */
const TEST_PAGE = `<!doctype html>
<meta charset="utf-8">
<title>zmq browser test</title>
<script>
  globalThis.zmqLoaded = import("/zmq.js").then((m) => (globalThis.zmq = m));
</script>
`;

/** Extra routes: path → [content type, body]. */
export type Routes = Record<string, [string, string | Uint8Array<ArrayBuffer>]>;

/** An HTTP server on 127.0.0.1 serving `/` (the test page), `/zmq.js` and `routes`. */
export class PageServer {
  private constructor(private readonly server: Deno.HttpServer<Deno.NetAddr>) {}

  /** Starts serving on a free port. */
  static async start(routes: Routes = {}): Promise<PageServer> {
    const files: Routes = {
      "/": ["text/html; charset=utf-8", TEST_PAGE],
      "/zmq.js": ["text/javascript; charset=utf-8", await browserBundle()],
      ...routes,
    };
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
      const file = files[new URL(request.url).pathname];
      if (!file) return new Response("not found", { status: 404 });
      return new Response(file[1], {
        headers: { "content-type": file[0], "cache-control": "no-store" },
      });
    });
    return new PageServer(server);
  }

  /** The server's base URL, `http://127.0.0.1:port`. */
  get origin(): string {
    return `http://127.0.0.1:${this.server.addr.port}`;
  }

  async close(): Promise<void> {
    await this.server.shutdown();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
