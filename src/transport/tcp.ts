/**
 * tcp:// on Deno.listen / Deno.connect.
 *
 * @module
 */

import type { Endpoint, TcpEndpoint } from "./endpoint.ts";
import { formatTcp } from "./endpoint.ts";
import { fromDenoError, type StreamListener, type StreamTransport } from "./stream.ts";

function permissionHint(host: string, port: number): string {
  const target = host.includes(":") ? `[${host}]` : host;
  return port === 0 ? `--allow-net=${target}` : `--allow-net=${target}:${port}`;
}

/** The tcp transport. */
export const tcpTransport: StreamTransport = {
  listen(endpoint: Endpoint): Promise<StreamListener> {
    const { host, port, text } = endpoint as TcpEndpoint;
    let listener: Deno.TcpListener;
    try {
      listener = Deno.listen({ hostname: host, port, transport: "tcp" });
    } catch (err) {
      return Promise.reject(fromDenoError(err, `bind ${text}`, permissionHint(host, port)));
    }
    const addr = listener.addr;
    return Promise.resolve({
      endpoint: formatTcp(addr.hostname, addr.port),
      accept: async () => {
        const conn = await listener.accept();
        conn.setNoDelay(true);
        return conn;
      },
      close: () => {
        try {
          listener.close();
        } catch { /* already closed */ }
      },
    });
  },

  async connect(endpoint: Endpoint): Promise<Deno.Conn> {
    const { host, port, text } = endpoint as TcpEndpoint;
    let conn: Deno.TcpConn;
    try {
      conn = await Deno.connect({ hostname: host, port, transport: "tcp" });
    } catch (err) {
      throw fromDenoError(err, `connect ${text}`, permissionHint(host, port));
    }
    conn.setNoDelay(true);
    return conn;
  },
};
