/**
 * tcp:// through a SOCKS5 proxy (libzmq's ZMQ_SOCKS_PROXY): each attempt
 * connects to the proxy and asks it for the endpoint (see socks.ts). The
 * endpoint's host is not resolved here: the proxy resolves a name.
 *
 * @module
 */

import type { Endpoint, TcpEndpoint } from "./endpoint.ts";
import { requireNet } from "./permissions.ts";
import { parseSocksProxy, socksHandshake, type SocksSettings } from "./socks.ts";
import type { StreamTransport } from "./stream.ts";
import { tcpTransport } from "./tcp.ts";

/** A transport that connects tcp endpoints through the proxy `settings` name. */
export function tcpThroughSocks(settings: SocksSettings): StreamTransport {
  const { host, port } = parseSocksProxy(settings.proxy);
  const proxy: TcpEndpoint = {
    transport: "tcp",
    host,
    port,
    ipv6: host.includes(":"),
    text: `tcp://${settings.proxy}`,
  };
  return {
    listen: (endpoint: Endpoint) => tcpTransport.listen(endpoint),
    checkConnect(endpoint: Endpoint): void {
      requireNet(`connect ${endpoint.text} through the SOCKS proxy ${settings.proxy}`, host, port);
    },
    async connect(endpoint: Endpoint): Promise<Deno.Conn> {
      const target = endpoint as TcpEndpoint;
      const conn = await tcpTransport.connect(proxy);
      try {
        await socksHandshake(conn, target.host, target.port, settings);
      } catch (err) {
        conn.close();
        throw err;
      }
      return conn;
    },
  };
}
