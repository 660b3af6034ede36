/**
 * Socket types by their libzmq names, and the flags that configure a
 * socket: security (PLAIN, CURVE), high-water marks and linger.
 *
 * @module
 */

import {
  Channel,
  Client,
  curveKeyPair,
  curvePublicKey,
  Dealer,
  Dish,
  Gather,
  Pair,
  Publisher,
  Pull,
  Push,
  Radio,
  Reply,
  Request,
  Router,
  Scatter,
  Server,
  type SocketBase,
  type SocketOptions,
  Stream,
  Subscriber,
  XPublisher,
  XSubscriber,
  z85Decode,
} from "../mod.ts";
import { numberFlag, type Options, text, texts, UsageError } from "./common.ts";

/** A socket class of this library. */
export type SocketClass = new (options?: Partial<SocketOptions>) => SocketBase;

/** A socket type: its class, and which ways its messages go. */
export interface SocketType {
  name: string;
  create: SocketClass;
  sends: boolean;
  receives: boolean;
}

const TYPES: SocketType[] = [
  ["pair", Pair, true, true],
  ["pub", Publisher, true, false],
  ["sub", Subscriber, false, true],
  ["xpub", XPublisher, true, true],
  ["xsub", XSubscriber, true, true],
  ["req", Request, true, true],
  ["rep", Reply, true, true],
  ["dealer", Dealer, true, true],
  ["router", Router, true, true],
  ["push", Push, true, false],
  ["pull", Pull, false, true],
  ["stream", Stream, true, true],
  // libzmq's draft types: single-frame messages.
  ["client", Client, true, true],
  ["server", Server, false, true], // a reply needs the peer's routing id: use the library
  ["radio", Radio, true, false],
  ["dish", Dish, false, true],
  ["scatter", Scatter, true, false],
  ["gather", Gather, false, true],
  ["channel", Channel, true, true],
].map(([name, create, sends, receives]) => ({ name, create, sends, receives }) as SocketType);

/** The socket types, by the lower-case names of libzmq's ZMQ_* constants. */
export const SOCKET_TYPE_NAMES: string[] = TYPES.map((type) => type.name);

/** The type for a `--type` value; a usage error names the choices. */
export function socketType(name: string): SocketType {
  const found = TYPES.find((type) => type.name === name.toLowerCase());
  if (found === undefined) {
    throw new UsageError(
      `--type: unknown socket type "${name}" (one of ${SOCKET_TYPE_NAMES.join(", ")})`,
    );
  }
  return found;
}

/** The flags of {@link wssOptions}: certificates for wss:// endpoints. */
export const WSS_FLAGS: Options = {
  "wss-cert": { type: "string" },
  "wss-key": { type: "string" },
  "wss-trust": { type: "string" },
  "wss-hostname": { type: "string" },
};

/** Help text for {@link WSS_FLAGS}. */
export const WSS_FLAGS_USAGE = `wss:// (WebSocket over TLS):
  --wss-cert FILE, --wss-key FILE
                             to bind: the certificate chain and its private key (PEM)
  --wss-trust FILE           to connect: a CA certificate (PEM) to trust besides
                             the system's
  --wss-hostname NAME        to connect: the name the server's certificate must
                             carry (default: the endpoint's host)`;

/** Socket options from the {@link WSS_FLAGS}: the PEM files read. */
export function wssOptions(values: Record<string, unknown>): Partial<SocketOptions> {
  const options: Partial<SocketOptions> = {};
  const cert = readPem(values["wss-cert"], "--wss-cert");
  const key = readPem(values["wss-key"], "--wss-key");
  if ((cert === undefined) !== (key === undefined)) {
    throw new UsageError("--wss-cert and --wss-key go together");
  }
  if (cert !== undefined) options.wssCertPem = cert;
  if (key !== undefined) options.wssKeyPem = key;
  const trust = readPem(values["wss-trust"], "--wss-trust");
  if (trust !== undefined) options.wssTrustPem = trust;
  const hostname = text(values["wss-hostname"]);
  if (hostname !== undefined) options.wssHostname = hostname;
  return options;
}

/** The text of a PEM file named by a flag: a file that is not there is a usage error. */
function readPem(value: unknown, flag: string): string | undefined {
  const path = text(value);
  if (path === undefined) return undefined;
  try {
    return Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotCapable) {
      throw new Error(`${flag} ${path} needs read access: run with --allow-read=${path}`);
    }
    throw new UsageError(`${flag}: cannot read ${path}: ${(err as Error).message}`);
  }
}

/** The flags of {@link socketOptions}. */
export const SOCKET_FLAGS: Options = {
  ...WSS_FLAGS,
  "curve-server-key": { type: "string" },
  "curve-secret-key": { type: "string" },
  "curve-allow": { type: "string", multiple: true },
  "plain-user": { type: "string" },
  "plain-password": { type: "string" },
  "plain-server": { type: "boolean" },
  hwm: { type: "string" },
  linger: { type: "string" },
};

/** Help text for {@link SOCKET_FLAGS}. */
export const SOCKET_FLAGS_USAGE = `Security (default: none, the NULL mechanism):
  --curve-server-key Z85     be a CURVE client of the server with this public key
                             (our own key pair: --curve-secret-key, else a fresh one)
  --curve-secret-key Z85     our CURVE secret key; without --curve-server-key,
                             be a CURVE server (its public key is printed on stderr)
  --curve-allow Z85          CURVE server: accept only clients with this public key
                             (repeatable; default: any client that knows our key)
  --plain-user NAME, --plain-password TEXT
                             PLAIN client credentials; with --plain-server, the
                             only credentials the PLAIN server accepts
Queues:
  --hwm N                    high-water mark, messages per peer (default 1000)
  --linger MS                how long closing keeps delivering queued messages
                             (default -1: until delivered; a second ^C quits at once)
${WSS_FLAGS_USAGE}`;

/** Socket options from the {@link SOCKET_FLAGS}; `announce` hears the CURVE server key. */
export function socketOptions(
  values: Record<string, unknown>,
  announce: (line: string) => void,
): Partial<SocketOptions> {
  const hwm = numberFlag(values.hwm, "--hwm", 1000, { integer: true });
  const options: Partial<SocketOptions> = {
    sendHighWaterMark: hwm,
    receiveHighWaterMark: hwm,
    linger: numberFlag(values.linger, "--linger", -1, { min: -1, integer: true }),
  };
  return { ...options, ...wssOptions(values), ...security(values, announce) };
}

function security(
  values: Record<string, unknown>,
  announce: (line: string) => void,
): Partial<SocketOptions> {
  const serverKey = curveKey(values["curve-server-key"], "--curve-server-key");
  const secretKey = curveKey(values["curve-secret-key"], "--curve-secret-key");
  const allowed = texts(values["curve-allow"]);
  allowed.forEach((key) => curveKey(key, "--curve-allow"));
  const user = text(values["plain-user"]);
  const password = text(values["plain-password"]);
  const plainServer = values["plain-server"] === true;
  const curve = serverKey !== undefined || secretKey !== undefined;
  const plain = user !== undefined || password !== undefined || plainServer;
  if (curve && plain) throw new UsageError("choose CURVE or PLAIN flags, not both");
  if (allowed.length > 0 && (secretKey === undefined || serverKey !== undefined)) {
    throw new UsageError("--curve-allow needs a CURVE server: --curve-secret-key alone");
  }
  if (serverKey !== undefined) {
    const own = secretKey === undefined
      ? curveKeyPair()
      : { secretKey, publicKey: curvePublicKey(secretKey) };
    return {
      curveServerKey: serverKey,
      curvePublicKey: own.publicKey,
      curveSecretKey: own.secretKey,
    };
  }
  if (secretKey !== undefined) {
    announce(`CURVE server key ${curvePublicKey(secretKey)}`);
    const allow = new Set(allowed);
    return {
      curveServer: true,
      curveSecretKey: secretKey,
      ...(allow.size > 0 ? { authenticate: ({ publicKey }) => allow.has(publicKey ?? "") } : {}),
    };
  }
  if (plainServer) {
    if (user === undefined || password === undefined) {
      throw new UsageError("--plain-server needs --plain-user and --plain-password to accept");
    }
    return {
      plainServer: true,
      authenticate: (request) => request.username === user && request.password === password,
    };
  }
  if (plain) {
    if (user === undefined || password === undefined) {
      throw new UsageError("PLAIN needs both --plain-user and --plain-password");
    }
    return { plainUsername: user, plainPassword: password };
  }
  return {};
}

/** A Z85 key flag: 40 characters that decode to 32 bytes. */
export function curveKey(value: unknown, flag: string): string | undefined {
  const key = text(value);
  if (key === undefined) return undefined;
  try {
    if (key.length === 40 && z85Decode(key).length === 32) return key;
  } catch { /* reported below */ }
  throw new UsageError(`${flag} takes a key of 40 Z85 characters, got "${key}"`);
}
