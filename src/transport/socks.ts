/**
 * A SOCKS5 client (RFC 1928, with RFC 1929 user/password authentication),
 * as libzmq's socks_connecter: a tcp connect goes to the proxy, which is
 * asked to CONNECT to the endpoint's host and port; what follows is the
 * ordinary ZMTP stream.
 *
 * As libzmq: the greeting offers one method (user/password when a user
 * name is set, else none); an IP literal travels as an address and a name
 * as a domain name that the proxy resolves; any failure (a refused method,
 * bad credentials, a CONNECT the proxy could not make) closes the
 * connection and the socket tries again after `reconnectInterval`.
 *
 * The encoders and the reply parser are pure; {@link socksHandshake} runs
 * them over any byte stream.
 *
 * @module
 */

import { zmqError } from "../errors.ts";

/** The proxy settings of a socket (libzmq's ZMQ_SOCKS_PROXY, _USERNAME, _PASSWORD). */
export interface SocksSettings {
  /** `host:port` of the proxy (an IPv6 host in brackets). */
  readonly proxy: string;
  /** User name for RFC 1929 authentication; empty: no authentication. */
  readonly username: string;
  /** Password for RFC 1929 authentication. */
  readonly password: string;
}

/** What the handshake needs of a connection (a `Deno.Conn` fits). */
export interface SocksStream {
  read(into: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<number>;
}

const VERSION = 0x05;
const METHOD_NONE = 0x00;
const METHOD_USER_PASSWORD = 0x02;
const AUTH_VERSION = 0x01;
const COMMAND_CONNECT = 0x01;
const ADDRESS_IPV4 = 0x01;
const ADDRESS_DOMAIN = 0x03;
const ADDRESS_IPV6 = 0x04;
/** libzmq's limit for ZMQ_SOCKS_USERNAME and ZMQ_SOCKS_PASSWORD (one length byte on the wire). */
export const SOCKS_CREDENTIAL_MAX = 255;

const utf8 = new TextEncoder();

/** Why a proxy refused a CONNECT, by RFC 1928 reply code. */
const REPLY_TEXT: Record<number, string> = {
  1: "general SOCKS server failure",
  2: "connection not allowed by ruleset",
  3: "network unreachable",
  4: "host unreachable",
  5: "connection refused",
  6: "TTL expired",
  7: "command not supported",
  8: "address type not supported",
};

/** Parses `host:port` (`[v6]:port`) as libzmq takes ZMQ_SOCKS_PROXY; `EINVAL` otherwise. */
export function parseSocksProxy(text: string): { host: string; port: number } {
  const colon = text.lastIndexOf(":");
  let host = colon > 0 ? text.slice(0, colon) : "";
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  const portText = colon > 0 ? text.slice(colon + 1) : "";
  const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : 0;
  if (host.length === 0 || port < 1 || port > 65535) {
    throw zmqError("EINVAL", `socksProxy "${text}" is not host:port`);
  }
  return { host, port };
}

/** Checks a user name or password as libzmq does: at most 255 bytes. */
export function checkSocksCredential(name: string, value: string | null): void {
  if (value === null) return;
  if (typeof value !== "string" || utf8.encode(value).length > SOCKS_CREDENTIAL_MAX) {
    throw zmqError("EINVAL", `${name} must be a string of at most ${SOCKS_CREDENTIAL_MAX} bytes`);
  }
}

/** The method-selection greeting: version 5, one method. */
export function encodeSocksGreeting(withPassword: boolean): Uint8Array {
  return Uint8Array.of(VERSION, 1, withPassword ? METHOD_USER_PASSWORD : METHOD_NONE);
}

/** RFC 1929 user/password request. */
export function encodeSocksAuth(username: string, password: string): Uint8Array {
  const user = utf8.encode(username);
  const pass = utf8.encode(password);
  const out = new Uint8Array(3 + user.length + pass.length);
  out[0] = AUTH_VERSION;
  out[1] = user.length;
  out.set(user, 2);
  out[2 + user.length] = pass.length;
  out.set(pass, 3 + user.length);
  return out;
}

/** The CONNECT request for `host:port`: an IP literal as an address, anything else as a domain name. */
export function encodeSocksConnect(host: string, port: number): Uint8Array {
  const ipv4 = parseIpv4(host);
  const ipv6 = ipv4 === null ? parseIpv6(host) : null;
  let address: Uint8Array;
  if (ipv4 !== null) address = Uint8Array.of(ADDRESS_IPV4, ...ipv4);
  else if (ipv6 !== null) address = Uint8Array.of(ADDRESS_IPV6, ...ipv6);
  else {
    const name = utf8.encode(host);
    if (name.length > 255) throw zmqError("EINVAL", `host name "${host}" is too long for SOCKS5`);
    address = Uint8Array.of(ADDRESS_DOMAIN, name.length, ...name);
  }
  return Uint8Array.of(VERSION, COMMAND_CONNECT, 0, ...address, port >> 8, port & 0xff);
}

/**
 * The length of the proxy's CONNECT reply, from its first five bytes; throws
 * `EPROTO` for a reply that is not SOCKS5 and `ECONNREFUSED`/`EHOSTUNREACH`
 * when the proxy could not connect.
 */
export function socksReplyLength(head: Uint8Array): number {
  if (head[0] !== VERSION || head[2] !== 0) throw zmqError("EPROTO", "malformed SOCKS5 reply");
  const code = head[1];
  if (code !== 0) {
    const why = REPLY_TEXT[code] ?? `reply code ${code}`;
    const errno = code === 3 || code === 4 ? "EHOSTUNREACH" : "ECONNREFUSED";
    throw zmqError(errno, `the SOCKS5 proxy could not connect: ${why}`);
  }
  switch (head[3]) {
    case ADDRESS_IPV4:
      return 4 + 4 + 2;
    case ADDRESS_IPV6:
      return 4 + 16 + 2;
    case ADDRESS_DOMAIN:
      return 4 + 1 + head[4] + 2;
    default:
      throw zmqError("EPROTO", `SOCKS5 reply with address type ${head[3]}`);
  }
}

/**
 * Asks the proxy at the far end of `conn` to connect to `host:port`.
 * Resolves once the stream leads to the target; rejects (the caller closes
 * the connection) when the proxy refuses.
 */
export async function socksHandshake(
  conn: SocksStream,
  host: string,
  port: number,
  settings: SocksSettings,
): Promise<void> {
  const withPassword = settings.username.length > 0;
  await writeFully(conn, encodeSocksGreeting(withPassword));
  const choice = await readExactly(conn, 2);
  if (choice[0] !== VERSION) throw zmqError("EPROTO", "the SOCKS proxy does not speak SOCKS5");
  if (choice[1] === METHOD_USER_PASSWORD) {
    // As libzmq: the server may pick user/password even if we offered none.
    await writeFully(conn, encodeSocksAuth(settings.username, settings.password));
    const status = await readExactly(conn, 2);
    if (status[0] !== AUTH_VERSION) throw zmqError("EPROTO", "malformed SOCKS5 auth reply");
    if (status[1] !== 0) {
      throw zmqError("ECONNREFUSED", "the SOCKS5 proxy refused the user name and password");
    }
  } else if (choice[1] !== METHOD_NONE) {
    throw zmqError(
      "ECONNREFUSED",
      withPassword
        ? "the SOCKS5 proxy accepts no user/password authentication"
        : "the SOCKS5 proxy requires authentication: set socksUsername and socksPassword",
    );
  }
  await writeFully(conn, encodeSocksConnect(host, port));
  const head = await readExactly(conn, 5);
  const length = socksReplyLength(head);
  await readExactly(conn, length - 5);
}

async function writeFully(conn: SocksStream, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

async function readExactly(conn: SocksStream, size: number): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  let filled = 0;
  while (filled < size) {
    const n = await conn.read(out.subarray(filled));
    if (n === null) throw zmqError("EPROTO", "the SOCKS proxy closed the connection");
    filled += n;
  }
  return out;
}

function parseIpv4(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255)) {
    return null;
  }
  return parts.map(Number);
}

function parseIpv6(host: string): number[] | null {
  const lastColon = host.lastIndexOf(":");
  if (lastColon < 0) return null;
  let text = host;
  const dotted = host.slice(lastColon + 1);
  if (dotted.includes(".")) {
    // `::ffff:1.2.3.4`: the IPv4 part as two hex words.
    const v4 = parseIpv4(dotted);
    if (v4 === null) return null;
    const hex = (a: number, b: number) => ((a << 8) | b).toString(16);
    text = `${host.slice(0, lastColon + 1)}${hex(v4[0], v4[1])}:${hex(v4[2], v4[3])}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const words = (part: string) => (part === "" ? [] : part.split(":"));
  const left = words(halves[0]);
  const right = halves.length === 2 ? words(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [
    ...left,
    ...new Array<string>(halves.length === 2 ? missing : 0).fill("0"),
    ...right,
  ];
  const bytes: number[] = [];
  for (const word of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(word)) return null;
    const value = parseInt(word, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  return bytes;
}

/** The socket options this module reads. */
export interface SocksOptions {
  readonly socksProxy: string | null;
  readonly socksUsername: string | null;
  readonly socksPassword: string | null;
}

/** The proxy settings of a socket, checked; null when it uses no proxy. Throws `EINVAL`. */
export function socksSettings(options: SocksOptions): SocksSettings | null {
  checkSocksCredential("socksUsername", options.socksUsername);
  checkSocksCredential("socksPassword", options.socksPassword);
  const proxy = options.socksProxy;
  if (proxy === null || proxy === "") return null;
  if (typeof proxy !== "string") throw zmqError("EINVAL", "socksProxy must be a string");
  parseSocksProxy(proxy);
  return {
    proxy,
    username: options.socksUsername ?? "",
    password: options.socksPassword ?? "",
  };
}
