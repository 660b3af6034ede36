/**
 * Drives a libzmq peer (zeromq.js 6.8.0 = libzmq 4.3.5, in a Node
 * subprocess: see peer.cjs) from Deno tests.
 *
 * ```ts
 * await using peer = await LibzmqPeer.start();
 * const pull = await peer.socket("Pull");
 * const endpoint = await pull.bind("tcp://127.0.0.1:*");
 * ```
 *
 * Node loads zeromq from ./node_modules, which `deno install` fills from
 * deno.json (nodeModulesDir "auto"); `deno task test` runs it first.
 */

const here = new URL(".", import.meta.url);
const root = new URL("../../", import.meta.url);

type Frame = Uint8Array | string;

function toBase64(frame: Frame): string {
  const bytes = typeof frame === "string" ? new TextEncoder().encode(frame) : frame;
  let text = "";
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    text += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(text);
}

function fromBase64(text: string): Uint8Array {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** An error reported by the libzmq side. */
export class PeerError extends Error {
  /** Creates an error with libzmq's errno name when it gave one. */
  constructor(message: string, readonly code: string | null) {
    super(message);
    this.name = "PeerError";
  }
}

interface Reply {
  id: number;
  ok: boolean;
  error?: string;
  code?: string | null;
  [key: string]: unknown;
}

/** A zeromq.js socket living in the peer process. */
export class PeerSocket {
  constructor(private readonly peer: LibzmqPeer, readonly id: number) {}

  /** Binds; resolves to libzmq's `lastEndpoint`. */
  async bind(endpoint: string): Promise<string> {
    const reply = await this.peer.request({ op: "bind", socket: this.id, endpoint });
    return reply.endpoint as string;
  }
  async unbind(endpoint: string): Promise<void> {
    await this.peer.request({ op: "unbind", socket: this.id, endpoint });
  }
  async connect(endpoint: string): Promise<void> {
    await this.peer.request({ op: "connect", socket: this.id, endpoint });
  }
  async disconnect(endpoint: string): Promise<void> {
    await this.peer.request({ op: "disconnect", socket: this.id, endpoint });
  }
  /** Sends one message (frames as strings or bytes). */
  async send(frames: Frame | Frame[], timeoutMs = 10000): Promise<void> {
    const list = Array.isArray(frames) ? frames : [frames];
    await this.peer.request({
      op: "send",
      socket: this.id,
      frames: list.map(toBase64),
      timeout: timeoutMs,
    });
  }
  /**
   * Sends one frame with a draft socket's option: `routingId` on a Server,
   * `group` on a Radio (zeromq.js's `send(msg, { routingId })` / `{ group }`).
   */
  async sendWith(
    frame: Frame,
    options: { routingId?: number; group?: Frame },
    timeoutMs = 10000,
  ): Promise<void> {
    await this.peer.request({
      op: "send",
      socket: this.id,
      frames: [toBase64(frame)],
      timeout: timeoutMs,
      routingId: options.routingId,
      group: options.group === undefined ? undefined : toBase64(options.group),
    });
  }
  /**
   * Receives one message from a draft socket with what zeromq.js reports
   * beside it: a Server's `routingId`, a Dish's `group`.
   */
  async receiveWith(
    timeoutMs = 10000,
  ): Promise<{ frames: Uint8Array[]; routingId?: number; group?: Uint8Array }> {
    const reply = await this.peer.request({ op: "receive", socket: this.id, timeout: timeoutMs });
    return {
      frames: (reply.frames as string[]).map(fromBase64),
      routingId: reply.routingId as number | undefined,
      group: reply.group === undefined ? undefined : fromBase64(reply.group as string),
    };
  }
  /** Sends several messages in order. */
  async sendMany(messages: Frame[][], timeoutMs = 20000): Promise<void> {
    await this.peer.request({
      op: "sendMany",
      socket: this.id,
      messages: messages.map((m) => m.map(toBase64)),
      timeout: timeoutMs,
    });
  }
  /** Receives one message; rejects with code EAGAIN after `timeoutMs`. */
  async receive(timeoutMs = 10000): Promise<Uint8Array[]> {
    const reply = await this.peer.request({ op: "receive", socket: this.id, timeout: timeoutMs });
    return (reply.frames as string[]).map(fromBase64);
  }
  /** Receives `count` messages. */
  async receiveMany(count: number, timeoutMs = 20000): Promise<Uint8Array[][]> {
    const reply = await this.peer.request({
      op: "receiveMany",
      socket: this.id,
      count,
      timeout: timeoutMs,
    });
    return (reply.messages as string[][]).map((m) => m.map(fromBase64));
  }
  /** Sets a zeromq.js socket property (bytes travel as base64). */
  async set(name: string, value: unknown): Promise<void> {
    const wire = value instanceof Uint8Array ? { base64: toBase64(value) } : value;
    await this.peer.request({ op: "set", socket: this.id, name, value: wire });
  }
  /** Reads a zeromq.js socket property. */
  async get(name: string): Promise<unknown> {
    const reply = await this.peer.request({ op: "get", socket: this.id, name });
    const value = reply.value as { base64?: string } | unknown;
    if (value !== null && typeof value === "object" && "base64" in (value as object)) {
      return fromBase64((value as { base64: string }).base64);
    }
    return value;
  }
  /** Calls a method, e.g. `subscribe`, with JSON arguments. */
  async call(method: string, ...args: unknown[]): Promise<unknown> {
    const reply = await this.peer.request({ op: "call", socket: this.id, method, args });
    return reply.result;
  }
  /** Starts recording monitor events. */
  async monitor(): Promise<void> {
    await this.peer.request({ op: "monitor", socket: this.id });
  }
  /** Returns (and clears) the events recorded so far. */
  async events(): Promise<{ type: string; address: string | null; error: string | null }[]> {
    const reply = await this.peer.request({ op: "events", socket: this.id });
    return reply.events as { type: string; address: string | null; error: string | null }[];
  }
  async close(): Promise<void> {
    await this.peer.request({ op: "close", socket: this.id });
  }
}

/** How the peer's ZAP handler answers (see peer.cjs `zapHandler`). */
export interface ZapRules {
  /** PLAIN user names and their passwords. */
  users?: Record<string, string>;
  /** CURVE client public keys (Z85) to allow. */
  publicKeys?: string[];
  /** Allow NULL requests (made when a socket has a zapDomain). */
  allowNull?: boolean;
  /** Status code of refusals: "300", "400" (default) or "500". */
  denyStatus?: string;
  /** User-Id to give an allowed user name or key (default: the name or key). */
  userIds?: Record<string, string>;
}

/** One ZAP request as libzmq sent it. */
export interface PeerZapRequest {
  version: string;
  domain: string;
  address: string;
  /** base64 of the identity frame. */
  identity: string;
  mechanism: string;
  username: string | null;
  password: string | null;
  /** Z85 of a CURVE client's key. */
  publicKey: string | null;
}

/** The Node process that hosts zeromq.js sockets. */
export class LibzmqPeer implements AsyncDisposable {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (r: Reply) => void; reject: (e: Error) => void }
  >();
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly done: Promise<void>;
  private exited = false;

  private constructor(private readonly child: Deno.ChildProcess, ready: (r: Reply) => void) {
    this.pending.set(0, { resolve: ready, reject: () => {} });
    this.writer = child.stdin.getWriter();
    this.done = this.readReplies();
  }

  /** Starts the peer process and waits until zeromq is loaded. */
  static async start(): Promise<LibzmqPeer> {
    const child = new Deno.Command("node", {
      args: [new URL("peer.cjs", here).pathname],
      cwd: root.pathname,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    let ready!: (r: Reply) => void;
    const started = new Promise<Reply>((resolve) => ready = resolve);
    const peer = new LibzmqPeer(child, ready);
    const timer = setTimeout(() => peer.kill(), 15000);
    try {
      await started;
    } finally {
      clearTimeout(timer);
    }
    return peer;
  }

  private async readReplies(): Promise<void> {
    const lines = this.child.stdout.pipeThrough(new TextDecoderStream());
    let buffer = "";
    for await (const chunk of lines) {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        let reply: Reply;
        try {
          reply = JSON.parse(line);
        } catch {
          continue;
        }
        const waiter = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (waiter === undefined) continue;
        if (reply.ok) waiter.resolve(reply);
        else waiter.reject(new PeerError(reply.error ?? "libzmq peer error", reply.code ?? null));
      }
    }
    this.exited = true;
    for (const waiter of this.pending.values()) waiter.reject(new Error("libzmq peer exited"));
    this.pending.clear();
  }

  /** Sends one request to the peer. */
  request(body: Record<string, unknown>): Promise<Reply> {
    if (this.exited) return Promise.reject(new Error("libzmq peer exited"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const line = new TextEncoder().encode(JSON.stringify({ id, ...body }) + "\n");
      this.writer.write(line).catch(reject);
    });
  }

  /** Creates a zeromq.js socket, e.g. `socket("Pull", { receiveHighWaterMark: 10 })`. */
  async socket(type: string, options: Record<string, unknown> = {}): Promise<PeerSocket> {
    const reply = await this.request({ op: "socket", type, options });
    return new PeerSocket(this, reply.socket as number);
  }

  /** A zeromq.js CURVE key pair (Z85). */
  async curveKeyPair(): Promise<{ publicKey: string; secretKey: string }> {
    const reply = await this.request({ op: "curveKeyPair" });
    return { publicKey: reply.publicKey as string, secretKey: reply.secretKey as string };
  }

  /**
   * Installs a ZAP handler in the peer process (a Router on
   * `inproc://zeromq.zap.01`), so libzmq servers there authenticate by
   * these rules; without one a libzmq CURVE server accepts every client and
   * a PLAIN server refuses every client.
   */
  async zapHandler(rules: ZapRules): Promise<void> {
    await this.request({ op: "zapHandler", rules });
  }

  /** The ZAP requests libzmq made so far (cleared by the call). */
  async zapRequests(): Promise<PeerZapRequest[]> {
    const reply = await this.request({ op: "zapRequests" });
    return reply.requests as PeerZapRequest[];
  }

  private kill(): void {
    try {
      this.child.kill("SIGKILL");
    } catch { /* already gone */ }
  }

  /** Closes every socket and ends the process (killing it if it hangs). */
  async close(): Promise<void> {
    if (!this.exited) {
      await this.request({ op: "exit" }).catch(() => {});
    }
    try {
      await this.writer.close();
    } catch { /* already closed */ }
    const timer = setTimeout(() => this.kill(), 3000);
    await this.child.status;
    clearTimeout(timer);
    await this.done;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
