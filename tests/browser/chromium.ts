/**
 * A real headless Chromium for the browser tests, driven over the DevTools
 * protocol with Deno's own WebSocket (no npm browser download).
 *
 * ```ts
 * await using browser = await Chromium.launch();
 * const page = await browser.open(url);
 * const got = await page.run(async (zmq) => zmq.version);
 * ```
 *
 * Each launch gets a fresh profile directory, talks only to 127.0.0.1 (the
 * host resolver maps every other name to nothing), and is closed over the
 * protocol and then killed by its process id if it lingers. Every wait is
 * bounded.
 */

/** Where Chromium is looked for; `CHROMIUM` in the environment comes first. */
const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-extensions",
  "--disable-default-apps",
  "--metrics-recording-only",
  "--no-default-browser-check",
  // Nothing but loopback: any other host name resolves to nothing.
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
  "--remote-debugging-address=127.0.0.1",
  "--remote-debugging-port=0",
];

/** How long one DevTools call or page evaluation may take unless told otherwise. */
const CALL_TIMEOUT_MS = 30_000;
const LAUNCH_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 5_000;

/** The Chromium executable, or why the browser tests cannot run. */
export function findChromium(): { path: string } | { reason: string } {
  const fromEnv = Deno.env.get("CHROMIUM");
  for (const path of fromEnv ? [fromEnv] : CANDIDATES) {
    try {
      if (Deno.statSync(path).isFile) return { path };
    } catch {
      // not there: try the next
    }
  }
  return {
    reason: `no Chromium at ${fromEnv ?? CANDIDATES.join(", ")} ` +
      `(install the Debian package "chromium", as .ci/run does, or set CHROMIUM)`,
  };
}

const found = findChromium();

/**
 * `Deno.test` settings for a test that needs Chromium: ignored, with the
 * reason printed once, where it is missing.
 */
export const needsChromium: { ignore: boolean } = { ignore: "reason" in found };
if ("reason" in found) console.log(`browser tests skipped: ${found.reason}`);

/** A DevTools protocol error or a timeout, with what the page logged. */
export class BrowserError extends Error {}

interface Pending {
  resolve: (value: Record<string, unknown>) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

type EventListener = (params: Record<string, unknown>, sessionId?: string) => void;

/** One DevTools protocol connection (the browser's endpoint, flat sessions). */
class DevTools {
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, Set<EventListener>>();
  readonly #closed: Promise<void>;

  private constructor(private readonly socket: WebSocket) {
    this.#closed = new Promise((resolve) => socket.addEventListener("close", () => resolve()));
    socket.addEventListener("message", (event) => this.#dispatch(JSON.parse(event.data)));
    socket.addEventListener("close", () => {
      for (const pending of this.#pending.values()) {
        clearTimeout(pending.timer);
        pending.reject(new BrowserError("DevTools connection closed"));
      }
      this.#pending.clear();
    });
  }

  static async open(url: string): Promise<DevTools> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve(), { once: true });
      socket.addEventListener("error", () => reject(new BrowserError(`cannot open ${url}`)), {
        once: true,
      });
    });
    return new DevTools(socket);
  }

  call(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
    timeoutMs = CALL_TIMEOUT_MS,
  ): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new BrowserError(`${method} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.socket.send(JSON.stringify({ id, method, params, sessionId }));
    });
  }

  on(method: string, listener: EventListener): void {
    const set = this.#listeners.get(method) ?? new Set();
    set.add(listener);
    this.#listeners.set(method, set);
  }

  off(method: string, listener: EventListener): void {
    this.#listeners.get(method)?.delete(listener);
  }

  #dispatch(message: {
    id?: number;
    method?: string;
    params?: Record<string, unknown>;
    result?: Record<string, unknown>;
    error?: { message: string };
    sessionId?: string;
  }): void {
    if (message.id !== undefined) {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      clearTimeout(pending.timer);
      if (message.error) pending.reject(new BrowserError(message.error.message));
      else pending.resolve(message.result ?? {});
      return;
    }
    for (const listener of this.#listeners.get(message.method ?? "") ?? []) {
      listener(message.params ?? {}, message.sessionId);
    }
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close();
    await this.#closed;
  }
}

/** What a page printed or threw, for test diagnostics. */
export interface PageLog {
  console: string[];
  exceptions: string[];
}

/** One tab, attached with its own DevTools session. */
export class Page {
  /** Everything the page logged, in order. */
  readonly log: PageLog = { console: [], exceptions: [] };

  constructor(private readonly devtools: DevTools, private readonly sessionId: string) {}

  /** Navigates and resolves once the page's load event fired. */
  async goto(url: string): Promise<void> {
    const loaded = this.#nextEvent("Page.loadEventFired");
    const result = await this.#call("Page.navigate", { url });
    if (typeof result.errorText === "string") {
      throw new BrowserError(`cannot load ${url}: ${result.errorText}`);
    }
    await loaded;
  }

  /**
   * Evaluates an expression in the page and returns its JSON value (a
   * promise is awaited). A thrown error becomes a BrowserError carrying the
   * page's message and its log.
   */
  async evaluate<T>(expression: string, timeoutMs = CALL_TIMEOUT_MS): Promise<T> {
    const result = await this.#call("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    }, timeoutMs);
    const details = result.exceptionDetails as
      | { exception?: { description?: string; value?: unknown }; text?: string }
      | undefined;
    if (details) {
      const what = details.exception?.description ?? String(details.exception?.value) ??
        details.text;
      throw new BrowserError(`page threw: ${what}${this.#logText()}`);
    }
    return (result.result as { value: T }).value;
  }

  /**
   * Runs `fn` in the page with the loaded library (`globalThis.zmq`) and a
   * JSON argument, and returns its JSON result. `fn` is sent as source text:
   * it must not use anything from the test's scope.
   */
  run<A, T>(
    fn: (zmq: typeof import("../../mod.ts"), arg: A) => Promise<T> | T,
    arg?: A,
    timeoutMs = CALL_TIMEOUT_MS,
  ): Promise<T> {
    return this.evaluate<T>(
      `(${fn.toString()})(globalThis.zmq, ${JSON.stringify(arg ?? null)})`,
      timeoutMs,
    );
  }

  #logText(): string {
    const lines = [...this.log.exceptions, ...this.log.console];
    return lines.length ? `\npage log:\n  ${lines.slice(-20).join("\n  ")}` : "";
  }

  #call(method: string, params: Record<string, unknown>, timeoutMs?: number) {
    return this.devtools.call(method, params, this.sessionId, timeoutMs);
  }

  #nextEvent(method: string, timeoutMs = CALL_TIMEOUT_MS): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const listener: EventListener = (params, sessionId) => {
        if (sessionId !== this.sessionId) return;
        clearTimeout(timer);
        this.devtools.off(method, listener);
        resolve(params);
      };
      const timer = setTimeout(() => {
        this.devtools.off(method, listener);
        reject(new BrowserError(`no ${method} within ${timeoutMs} ms${this.#logText()}`));
      }, timeoutMs);
      this.devtools.on(method, listener);
    });
  }
}

/** A headless Chromium process and its DevTools connection. */
export class Chromium {
  private constructor(
    private readonly child: Deno.ChildProcess,
    private readonly devtools: DevTools,
    private readonly profile: string,
    private readonly stderr: { text: string; done: Promise<void> },
  ) {}

  /**
   * Starts Chromium with a fresh profile; fails within a bounded time.
   * `trustSpki`: base64 SHA-256 hashes of public keys whose certificates
   * are accepted although no CA vouches for them (test certificates).
   */
  static async launch({ trustSpki = [] }: { trustSpki?: string[] } = {}): Promise<Chromium> {
    if ("reason" in found) throw new BrowserError(found.reason);
    const profile = await Deno.makeTempDir({ prefix: "zmq-chromium-" });
    const trust = trustSpki.length ? [`--ignore-certificate-errors-spki-list=${trustSpki}`] : [];
    const child = new Deno.Command(found.path, {
      args: [...FLAGS, ...trust, `--user-data-dir=${profile}`, "about:blank"],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr = { text: "", done: Promise.resolve() };
    const endpoint = Promise.withResolvers<string>();
    stderr.done = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of child.stderr) {
        // Keep the tail only: Chromium is chatty (dbus warnings).
        stderr.text = (stderr.text + decoder.decode(chunk, { stream: true })).slice(-8000);
        const match = stderr.text.match(/DevTools listening on (ws:\/\/\S+)/);
        if (match) endpoint.resolve(match[1]);
      }
      endpoint.reject(new BrowserError(`Chromium exited before listening:\n${stderr.text}`));
    })();
    let devtools: DevTools;
    try {
      const url = await withTimeout(endpoint.promise, LAUNCH_TIMEOUT_MS, "Chromium start");
      devtools = await DevTools.open(url);
    } catch (err) {
      await stopProcess(child);
      await stderr.done;
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      throw err;
    }
    return new Chromium(child, devtools, profile, stderr);
  }

  /** Opens a new tab on `url` (after its load event) with console capture. */
  async open(url: string): Promise<Page> {
    try {
      return await this.#open(url);
    } catch (err) {
      if (!(err instanceof BrowserError)) throw err;
      throw new BrowserError(`${err.message}\nChromium's stderr (tail):\n${this.stderr.text}`);
    }
  }

  /** The tab Chromium started with (about:blank), else a new one. */
  async #pageTarget(): Promise<string> {
    const { targetInfos } = await this.devtools.call("Target.getTargets") as {
      targetInfos: { targetId: string; type: string; attached: boolean }[];
    };
    const blank = targetInfos.find((target) => target.type === "page" && !target.attached);
    if (blank) return blank.targetId;
    const { targetId } = await this.devtools.call("Target.createTarget", { url: "about:blank" });
    return targetId as string;
  }

  async #open(url: string): Promise<Page> {
    const targetId = await this.#pageTarget();
    const { sessionId } = await this.devtools.call("Target.attachToTarget", {
      targetId,
      flatten: true,
    }) as { sessionId: string };
    const page = new Page(this.devtools, sessionId);
    this.devtools.on("Runtime.consoleAPICalled", (params, from) => {
      if (from !== sessionId) return;
      const args = params.args as { value?: unknown; description?: string }[];
      page.log.console.push(
        `${params.type}: ${args.map((a) => a.value ?? a.description).join(" ")}`,
      );
    });
    this.devtools.on("Runtime.exceptionThrown", (params, from) => {
      if (from !== sessionId) return;
      const details = params.exceptionDetails as {
        text: string;
        exception?: { description?: string };
      };
      page.log.exceptions.push(`uncaught: ${details.exception?.description ?? details.text}`);
    });
    await this.devtools.call("Page.enable", {}, sessionId);
    await this.devtools.call("Runtime.enable", {}, sessionId);
    await page.goto(url);
    return page;
  }

  /** Closes the browser (over the protocol, then by signal) and removes its profile. */
  async close(): Promise<void> {
    await this.devtools.call("Browser.close", {}, undefined, CLOSE_TIMEOUT_MS).catch(() => {});
    await this.devtools.close();
    await stopProcess(this.child);
    await this.stderr.done;
    await Deno.remove(this.profile, { recursive: true }).catch(() => {});
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Waits for the process to exit, killing it (by its id) if it does not in time. */
async function stopProcess(child: Deno.ChildProcess): Promise<void> {
  const exited = await withTimeout(child.status, CLOSE_TIMEOUT_MS, "Chromium exit").then(
    () => true,
    () => false,
  );
  if (exited) return;
  try {
    child.kill("SIGKILL");
  } catch {
    // exited meanwhile
  }
  await child.status;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BrowserError(`${what}: no result within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
