/**
 * An edge pub/sub relay: publishers send into its frontend (an XSUB
 * socket), subscribers connect to its backend (an XPUB socket), and
 * `proxy()` forwards between the two. Subscriptions travel upstream through
 * the relay, so only messages somebody wants cross it; a subscriber that
 * cannot keep up loses messages at its high-water mark instead of slowing
 * the others down (they are counted as "dropped").
 *
 *   deno run --allow-net examples/relay.ts --help
 *   deno run --allow-net examples/relay.ts --frontend tcp://*:5557 --backend tcp://*:5558
 *
 * It bundles to one file (`deno bundle`) and compiles to one binary
 * (`deno compile --allow-net examples/relay.ts`).
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  curvePublicKey,
  proxy,
  ProxyStatistics,
  type SocketBase,
  XPublisher,
  XSubscriber,
} from "../mod.ts";

const USAGE = `zmtp relay: an edge pub/sub relay (XSUB frontend → XPUB backend)

Publishers send to the frontend; subscribers connect to the backend and
subscribe as usual. Their subscriptions are passed upstream, so only
messages that somebody wants cross the relay. A subscriber that falls
behind by more than the high-water mark loses messages (counted as
"dropped"); the others are not slowed down.

Usage:
  relay [--frontend ENDPOINT]... [--backend ENDPOINT]... [options]

Options:
  --frontend ENDPOINT        where publishers send; default tcp://*:5557
  --backend ENDPOINT         where subscribers connect; default tcp://*:5558
                             An endpoint is bound, or connected to when it
                             starts with ">" (">tcp://upstream:5556");
                             "@" binds explicitly. Repeat the flag or
                             separate endpoints with commas for several.
  --curve-secret-key Z85     serve CURVE on the backend: subscribers must
                             connect with curveServerKey set to the
                             matching public key (40 Z85 characters). The
                             frontend stays NULL (inside the trust boundary).
  --hwm N                    high-water mark per peer, messages; default 1000
  --stats-interval SECONDS   print a stats line every SECONDS (0: never);
                             default 10
  -h, --help                 show this help and exit

Stats lines (stdout), one per interval:
  stats: 12345 msg/s, 987 KB/s, 100 subscribers, 40 subscriptions, 0 dropped
where msg/s counts messages forwarded to the backend, "subscribers" the
peers connected to the backend now, "subscriptions" the distinct prefixes
they asked for, and "dropped" deliveries lost at subscribers' high-water
marks during the interval.

SIGINT or SIGTERM stops the relay cleanly.

Examples:
  relay --frontend tcp://*:5557 --backend tcp://*:5558
  relay --frontend '>tcp://upstream.example:5556' --backend tcp://*:5556 --stats-interval 1
`;

/** The relay's settings, from the command line. */
interface Settings {
  frontend: string[];
  backend: string[];
  curveSecretKey: string | null;
  hwm: number;
  statsInterval: number;
}

/** A usage mistake: reported with a hint, exit code 2. */
class UsageError extends Error {}

function parseSettings(args: string[]): Settings | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        frontend: { type: "string", multiple: true },
        backend: { type: "string", multiple: true },
        "curve-secret-key": { type: "string" },
        hwm: { type: "string" },
        "stats-interval": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const values = parsed.values;
  if (values.help) return "help";
  const endpoints = (given: string[] | undefined, fallback: string) =>
    (given ?? [fallback]).flatMap((list) => list.split(",")).map((e) => e.trim()).filter((e) => e);
  const key = values["curve-secret-key"] ?? null;
  if (key !== null && key.length !== 40) {
    throw new UsageError(`--curve-secret-key takes 40 Z85 characters, got ${key.length}`);
  }
  return {
    frontend: endpoints(values.frontend, "tcp://*:5557"),
    backend: endpoints(values.backend, "tcp://*:5558"),
    curveSecretKey: key,
    hwm: number(values.hwm, "--hwm", 1000, 0),
    statsInterval: number(values["stats-interval"], "--stats-interval", 10, 0),
  };
}

function number(text: string | undefined, flag: string, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) {
    throw new UsageError(`${flag} takes a number ≥ ${min}, got "${text}"`);
  }
  return value;
}

/** Binds or connects `socket` to each endpoint ("@" or nothing: bind; ">": connect). */
async function attach(socket: SocketBase, endpoints: string[], side: string): Promise<void> {
  for (const endpoint of endpoints) {
    if (endpoint.startsWith(">")) {
      socket.connect(endpoint.slice(1));
      console.log(`${side} connecting to ${endpoint.slice(1)}`);
    } else {
      await socket.bind(endpoint.startsWith("@") ? endpoint.slice(1) : endpoint);
      console.log(`${side} listening on ${socket.lastEndpoint}`);
    }
  }
}

/** Prints one stats line per interval from the proxy's counters and the XPUB's. */
function startStats(
  statistics: ProxyStatistics,
  backend: XPublisher,
  seconds: number,
): () => void {
  if (seconds <= 0) return () => {};
  let lastTime = performance.now();
  let lastMessages = 0;
  let lastBytes = 0;
  let lastDropped = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const elapsed = (now - lastTime) / 1000;
    const messages = statistics.backend.messagesOut;
    const bytes = statistics.backend.bytesOut;
    const dropped = backend.droppedMessages;
    const rate = Math.round((messages - lastMessages) / elapsed);
    const kbRate = Math.round((bytes - lastBytes) / elapsed / 1000);
    console.log(
      `stats: ${rate} msg/s, ${kbRate} KB/s, ${backend.subscriberCount} subscribers, ` +
        `${backend.topicCount} subscriptions, ${dropped - lastDropped} dropped`,
    );
    lastTime = now;
    lastMessages = messages;
    lastBytes = bytes;
    lastDropped = dropped;
  }, seconds * 1000);
  return () => clearInterval(timer);
}

/** Stops on SIGINT/SIGTERM (where the platform has them). */
function onShutdown(stop: () => void): () => void {
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, stop);
  return () => {
    for (const signal of signals) Deno.removeSignalListener(signal, stop);
  };
}

async function main(args: string[]): Promise<number> {
  let settings;
  try {
    settings = parseSettings(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`relay: ${err.message}\nTry --help.`);
    return 2;
  }
  if (settings === "help") {
    console.log(USAGE);
    return 0;
  }

  const hwm = settings.hwm;
  const frontend = new XSubscriber({ receiveHighWaterMark: hwm, sendHighWaterMark: hwm });
  const backend = new XPublisher({
    sendHighWaterMark: hwm,
    receiveHighWaterMark: hwm,
    linger: 0,
    ...(settings.curveSecretKey === null
      ? {}
      : { curveServer: true, curveSecretKey: settings.curveSecretKey }),
  });
  const stop = new AbortController();
  const removeSignals = onShutdown(() => stop.abort());
  try {
    await attach(frontend, settings.frontend, "frontend");
    await attach(
      backend,
      settings.backend,
      settings.curveSecretKey ? "backend (CURVE)" : "backend",
    );
  } catch (err) {
    console.error(`relay: ${(err as Error).message}`);
    frontend.close();
    backend.close();
    removeSignals();
    return 1;
  }
  if (settings.curveSecretKey !== null) {
    // What subscribers pass as curveServerKey.
    console.log(`backend CURVE server key ${curvePublicKey(settings.curveSecretKey)}`);
  }
  console.log("relay ready");

  const statistics = new ProxyStatistics();
  const stopStats = startStats(statistics, backend, settings.statsInterval);
  try {
    await proxy(frontend, backend, { statistics, signal: stop.signal });
  } finally {
    stopStats();
    removeSignals();
    frontend.close();
    backend.close();
  }
  console.log(
    `relay stopped: ${statistics.backend.messagesOut} messages forwarded, ` +
      `${backend.droppedMessages} dropped`,
  );
  return 0;
}

Deno.exit(await main(Deno.args));
