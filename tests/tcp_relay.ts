/**
 * A TCP relay between two peers that can hold back one direction, to make
 * a live peer look silent (heartbeat tests) without closing anything.
 *
 * ```ts
 * await using relay = await TcpRelay.start(server.lastEndpoint!);
 * client.connect(relay.endpoint);
 * relay.hold("toServer"); // the server hears nothing more from the client
 * ```
 */

import { tcpPort } from "./raw_zmtp.ts";

/** Which way bytes flow: from the connecting client to the server, or back. */
export type Direction = "toServer" | "toClient";

/** See the module documentation. */
export class TcpRelay implements AsyncDisposable {
  private readonly conns = new Set<Deno.Conn>();
  private readonly pumps = new Set<Promise<void>>();
  private readonly held = new Map<Direction, Promise<void>>();
  private readonly release = new Map<Direction, () => void>();
  private readonly accepting: Promise<void>;
  private closed = false;

  private constructor(
    private readonly listener: Deno.TcpListener,
    private readonly targetPort: number,
  ) {
    this.accepting = this.acceptLoop();
  }

  /** Listens on a free local port and relays each connection to `target` (`tcp://127.0.0.1:port`). */
  static start(target: string): Promise<TcpRelay> {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    return Promise.resolve(new TcpRelay(listener, tcpPort(target)));
  }

  /** Where clients connect. */
  get endpoint(): string {
    return `tcp://127.0.0.1:${this.listener.addr.port}`;
  }

  /** Stops passing bytes in one direction (they wait in the relay) until {@link resume}. */
  hold(direction: Direction): void {
    if (this.held.has(direction)) return;
    this.held.set(direction, new Promise((resolve) => this.release.set(direction, resolve)));
  }

  /** Passes bytes in that direction again. */
  resume(direction: Direction): void {
    this.release.get(direction)?.();
    this.release.delete(direction);
    this.held.delete(direction);
  }

  /** Closes every relayed connection and the listener. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.resume("toServer");
    this.resume("toClient");
    try {
      this.listener.close();
    } catch { /* already closed */ }
    for (const conn of this.conns) closeQuietly(conn);
    await this.accepting;
    await Promise.all(this.pumps);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async acceptLoop(): Promise<void> {
    for (;;) {
      let client: Deno.Conn;
      try {
        client = await this.listener.accept();
      } catch {
        return;
      }
      let server: Deno.Conn;
      try {
        server = await Deno.connect({ hostname: "127.0.0.1", port: this.targetPort });
      } catch {
        closeQuietly(client);
        continue;
      }
      if (this.closed) {
        closeQuietly(client);
        closeQuietly(server);
        return;
      }
      this.conns.add(client);
      this.conns.add(server);
      this.track(this.pump(client, server, "toServer"));
      this.track(this.pump(server, client, "toClient"));
    }
  }

  private track(pump: Promise<void>): void {
    this.pumps.add(pump);
    pump.finally(() => this.pumps.delete(pump));
  }

  /** Copies `from` to `to`, waiting while the direction is held; either end closing closes both. */
  private async pump(from: Deno.Conn, to: Deno.Conn, direction: Direction): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await from.read(buffer);
        if (n === null) break;
        const held = this.held.get(direction);
        if (held !== undefined) await held;
        if (this.closed) break;
        let done = 0;
        while (done < n) done += await to.write(buffer.subarray(done, n));
      }
    } catch { /* one end went away */ }
    closeQuietly(from);
    closeQuietly(to);
    this.conns.delete(from);
    this.conns.delete(to);
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch { /* already closed */ }
}
