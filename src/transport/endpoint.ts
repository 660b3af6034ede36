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
  /**
   * The path handed to the OS: absolute, or relative to the current
   * directory (as libzmq); for an abstract socket (`ipc://@name`, Linux) a
   * NUL byte followed by the name.
   */
  path: string;
  /** True for a Linux abstract socket: no file, nothing to remove. */
  abstract: boolean;
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
      return parseIpc(text, address);
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

/**
 * The longest ipc path the OS accepts, in bytes: `sockaddr_un.sun_path`
 * holds 108 bytes on Linux and 104 on macOS and the BSDs, including the
 * terminating NUL (Deno 2.9 on Linux accepts 107 bytes and refuses 108).
 */
export const IPC_PATH_MAX: number = onLinux() ? 107 : 103;

/** Whether this is Deno on Linux; false in a browser (which has no `Deno` and no ipc). */
function onLinux(): boolean {
  const os = (globalThis as { Deno?: typeof Deno }).Deno?.build.os;
  return os === "linux" || os === "android";
}

function parseIpc(text: string, address: string): IpcEndpoint {
  if (address.length === 0) throw zmqError("EINVAL", `ipc endpoint "${text}" has no path`);
  if (address === "*") {
    throw zmqError("EINVAL", `"${text}": a generated ipc path is not supported; name a path`);
  }
  if (address.includes("\0")) throw zmqError("EINVAL", `ipc path in "${text}" contains a NUL byte`);
  const size = utf8.encode(address).length;
  if (size > IPC_PATH_MAX) {
    throw zmqError(
      "EINVAL",
      `ipc path in "${text}" is ${size} bytes; the OS limit is ${IPC_PATH_MAX} ` +
        `(sun_path holds ${IPC_PATH_MAX + 1} bytes with the final NUL): use a shorter path`,
    );
  }
  const abstract = address.startsWith("@");
  if (abstract && address.length === 1) {
    throw zmqError("EINVAL", `abstract ipc endpoint "${text}" has no name`);
  }
  if (abstract && !onLinux()) {
    throw zmqError("EINVAL", `abstract ipc sockets ("${text}") exist only on Linux`);
  }
  const path = abstract ? "\0" + address.slice(1) : address;
  return { transport: "ipc", path, abstract, text };
}

const utf8 = new TextEncoder();

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
