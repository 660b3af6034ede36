/**
 * tcp:// on Deno.listen / Deno.connect: IPv4, IPv6 (`tcp://[::1]:5555`),
 * host names on connect (resolved again by every attempt, so a reconnect
 * follows a changed DNS record), `*` for every IPv4 interface, and `*`/`0`
 * for an ephemeral port on bind.
 *
 * @module
 */

import type { Endpoint, TcpEndpoint } from "./endpoint.ts";
import { formatTcp } from "./endpoint.ts";
import { netFlag, requireNet } from "./permissions.ts";
import {
  fromDenoError,
  released,
  type StreamListener,
  type StreamTransport,
  wrapListener,
} from "./stream.ts";

/** Listeners on one port conflict whatever their host (`*` covers 127.0.0.1). */
function releaseKey(port: number): string {
  return `tcp:${port}`;
}

/** The tcp transport. */
export const tcpTransport: StreamTransport = {
  async listen(endpoint: Endpoint): Promise<StreamListener> {
    const { host, port, text } = endpoint as TcpEndpoint;
    requireNet(`bind ${text}`, host, port);
    if (port !== 0) await released(releaseKey(port));
    let listener: Deno.TcpListener;
    try {
      listener = Deno.listen({ hostname: host, port, transport: "tcp" });
    } catch (err) {
      throw fromDenoError(err, `bind ${text}`, netFlag(host, port));
    }
    const addr = listener.addr;
    const inner = wrapListener(
      listener,
      formatTcp(addr.hostname, addr.port),
      releaseKey(addr.port),
    );
    return {
      endpoint: inner.endpoint,
      accept: async () => {
        const conn = await inner.accept();
        (conn as Deno.TcpConn).setNoDelay(true);
        return conn;
      },
      close: () => inner.close(),
    };
  },

  checkConnect(endpoint: Endpoint): void {
    const { host, port, text } = endpoint as TcpEndpoint;
    requireNet(`connect ${text}`, host, port);
  },

  async connect(endpoint: Endpoint): Promise<Deno.Conn> {
    const { host, port, text } = endpoint as TcpEndpoint;
    let conn: Deno.TcpConn;
    try {
      conn = await Deno.connect({ hostname: host, port, transport: "tcp" });
    } catch (err) {
      throw fromDenoError(err, `connect ${text}`, netFlag(host, port));
    }
    conn.setNoDelay(true);
    return conn;
  },
};
