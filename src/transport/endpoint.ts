/**
 * Endpoint parsing: `tcp://host:port`, `ipc://path`, `inproc://name`.
 *
 * @module
 */

import { zmqError } from "../errors.ts";

/** A tcp endpoint; `port` 0 on bind picks a free port. */
export interface TcpEndpoint {
  transport: "tcp";
  /** Host name or address, without IPv6 brackets; "0.0.0.0" for `*`. */
  host: string;
  port: number;
  /** True when the host is an IPv6 literal. */
  ipv6: boolean;
  text: string;
}

/** A Unix domain socket endpoint. */
export interface IpcEndpoint {
  transport: "ipc";
  path: string;
  text: string;
}

/** An in-process endpoint. */
export interface InprocEndpoint {
  transport: "inproc";
  name: string;
  text: string;
}

/** Any parsed endpoint. */
export type Endpoint = TcpEndpoint | IpcEndpoint | InprocEndpoint;

/** Parses an endpoint; `forBind` allows `*` hosts and `*`/`0` ports. */
export function parseEndpoint(text: string, forBind: boolean): Endpoint {
  if (typeof text !== "string") throw zmqError("EINVAL", `endpoint must be a string`);
  const sep = text.indexOf("://");
  if (sep <= 0) {
    throw zmqError("EINVAL", `malformed endpoint "${text}": expected transport://address`);
  }
  const transport = text.slice(0, sep);
  const address = text.slice(sep + 3);
  switch (transport) {
    case "tcp":
      return parseTcp(text, address, forBind);
    case "ipc":
      if (address.length === 0) throw zmqError("EINVAL", `ipc endpoint "${text}" has no path`);
      return { transport: "ipc", path: address, text };
    case "inproc":
      if (address.length === 0) throw zmqError("EINVAL", `inproc endpoint "${text}" has no name`);
      return { transport: "inproc", name: address, text };
    default:
      throw zmqError(
        "EPROTONOSUPPORT",
        `unsupported transport "${transport}" in "${text}" (use tcp, ipc or inproc)`,
      );
  }
}

function parseTcp(text: string, address: string, forBind: boolean): TcpEndpoint {
  const colon = address.lastIndexOf(":");
  if (colon < 0) throw zmqError("EINVAL", `tcp endpoint "${text}" has no port`);
  let host = address.slice(0, colon);
  const portText = address.slice(colon + 1);
  let ipv6 = false;
  if (host.startsWith("[")) {
    if (!host.endsWith("]")) throw zmqError("EINVAL", `malformed IPv6 address in "${text}"`);
    host = host.slice(1, -1);
    ipv6 = true;
  } else if (host.includes(":")) {
    throw zmqError("EINVAL", `IPv6 addresses need brackets: tcp://[${host}]:${portText}`);
  }
  if (host.length === 0) throw zmqError("EINVAL", `tcp endpoint "${text}" has no host`);
  if (host === "*") {
    if (!forBind) throw zmqError("EINVAL", `cannot connect to "*" in "${text}"`);
    host = "0.0.0.0";
  }
  let port: number;
  if (portText === "*" || portText === "0") {
    if (!forBind) throw zmqError("EINVAL", `cannot connect to port ${portText} in "${text}"`);
    port = 0;
  } else {
    port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      throw zmqError("EINVAL", `bad port "${portText}" in "${text}"`);
    }
  }
  return { transport: "tcp", host, port, ipv6, text };
}

/** Formats a tcp address the way libzmq reports it (`tcp://[::1]:5555`). */
export function formatTcp(host: string, port: number): string {
  return host.includes(":") ? `tcp://[${host}]:${port}` : `tcp://${host}:${port}`;
}
