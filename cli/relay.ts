/**
 * `zmtp relay`: an edge pub/sub relay. Publishers send into its frontend
 * (an XSUB socket), subscribers connect to its backend (an XPUB socket),
 * and `proxy()` forwards between the two. Subscriptions travel upstream,
 * so only messages somebody wants cross it; a subscriber that cannot keep
 * up loses messages at its high-water mark instead of slowing the others
 * down (counted as "dropped").
 *
 * @module
 */

import {
  curvePublicKey,
  proxy,
  ProxyStatistics,
  type SocketBase,
  type SocketOptions,
  XPublisher,
  XSubscriber,
} from "../mod.ts";
import {
  type Command,
  EXIT_OK,
  numberFlag,
  parseFlags,
  setup,
  shutdownSignal,
  texts,
  writeLine,
} from "./common.ts";
import { curveKey, WSS_FLAGS, WSS_FLAGS_USAGE, wssOptions } from "./sockets.ts";

const USAGE = `zmtp relay: an edge pub/sub relay (XSUB frontend → XPUB backend)

Publishers send to the frontend; subscribers connect to the backend and
subscribe as usual. Their subscriptions are passed upstream, so only
messages that somebody wants cross the relay. A subscriber that falls
behind by more than the high-water mark loses messages (counted as
"dropped"); the others are not slowed down.

Usage:
  zmtp relay [--frontend ENDPOINT]... [--backend ENDPOINT]... [options]

Options:
  --frontend ENDPOINT        where publishers send; default tcp://*:5557
  --backend ENDPOINT         where subscribers connect; default tcp://*:5558
                             Any endpoint the library takes (tcp://, ipc://,
                             ws://, wss://, …). It is bound, or connected
                             to when it starts with ">"
                             (">tcp://upstream:5556");
                             "@" binds explicitly. Repeat the flag or
                             separate endpoints with commas for several.
  --curve-secret-key Z85     serve CURVE on the backend: subscribers must
                             connect with curveServerKey set to the
                             matching public key (40 Z85 characters). The
                             frontend stays NULL (inside the trust boundary).
  --hwm N                    high-water mark per peer, messages; default 1000
  --linger MS                how long stopping keeps delivering queued
                             messages; default 1000 (-1: until delivered)
  --stats-interval SECONDS   print a stats line every SECONDS (0: never);
                             default 10
  -h, --help                 show this help and exit
${WSS_FLAGS_USAGE}

Stats lines (stdout), one per interval:
  stats: 12345 msg/s, 987 KB/s, 100 subscribers, 40 subscriptions, 0 dropped
where msg/s counts messages forwarded to the backend, "subscribers" the
peers connected to the backend now, "subscriptions" the distinct prefixes
they asked for, and "dropped" deliveries lost at subscribers' high-water
marks during the interval.

SIGINT or SIGTERM stops the relay cleanly: what it queued for subscribers
is still delivered for up to --linger ms (a second signal stops it at once).

Examples:
  zmtp relay --frontend tcp://*:5557 --backend tcp://*:5558
  zmtp relay --frontend '>tcp://upstream.example:5556' --backend tcp://*:5556 --stats-interval 1
`;

/** The relay's settings, from the command line. */
interface Settings {
  /** Options both sockets take (wss certificates). */
  shared: Partial<SocketOptions>;
  frontend: string[];
  backend: string[];
  curveSecretKey: string | undefined;
  hwm: number;
  linger: number;
  statsInterval: number;
}

function parseSettings(args: string[]): Settings | "help" {
  const { values } = parseFlags(args, {
    frontend: { type: "string", multiple: true },
    backend: { type: "string", multiple: true },
    "curve-secret-key": { type: "string" },
    hwm: { type: "string" },
    linger: { type: "string" },
    "stats-interval": { type: "string" },
    ...WSS_FLAGS,
  });
  if (values.help) return "help";
  return {
    shared: wssOptions(values),
    frontend: endpointList(texts(values.frontend), "tcp://*:5557"),
    backend: endpointList(texts(values.backend), "tcp://*:5558"),
    curveSecretKey: curveKey(values["curve-secret-key"], "--curve-secret-key"),
    hwm: numberFlag(values.hwm, "--hwm", 1000, { integer: true }),
    linger: numberFlag(values.linger, "--linger", 1000, { min: -1, integer: true }),
    statsInterval: numberFlag(values["stats-interval"], "--stats-interval", 10),
  };
}

/** The endpoints of a repeatable flag whose values may also be comma-separated lists. */
export function endpointList(given: string[], fallback: string): string[] {
  return (given.length > 0 ? given : [fallback])
    .flatMap((list) => list.split(","))
    .map((endpoint) => endpoint.trim())
    .filter((endpoint) => endpoint !== "");
}

/** Binds or connects `socket` to each endpoint ("@" or nothing: bind; ">": connect). */
export async function attachMarked(
  socket: SocketBase,
  endpoints: string[],
  side: string,
): Promise<void> {
  for (const endpoint of endpoints) {
    if (endpoint.startsWith(">")) {
      const target = endpoint.slice(1);
      await setup(`${side} ${target}`, () => socket.connect(target));
      writeLine(`${side} connecting to ${target}`);
    } else {
      const target = endpoint.startsWith("@") ? endpoint.slice(1) : endpoint;
      await setup(`${side} ${target}`, () => socket.bind(target));
      writeLine(`${side} listening on ${socket.lastEndpoint}`);
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
    writeLine(
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

async function run(args: string[]): Promise<number> {
  const settings = parseSettings(args);
  if (settings === "help") {
    writeLine(USAGE);
    return EXIT_OK;
  }
  const { hwm, linger, curveSecretKey } = settings;
  const queues = { ...settings.shared, receiveHighWaterMark: hwm, sendHighWaterMark: hwm, linger };
  const frontend = new XSubscriber(queues);
  const backend = new XPublisher({
    ...queues,
    ...(curveSecretKey === undefined ? {} : { curveServer: true, curveSecretKey }),
  });
  const shutdown = shutdownSignal();
  const statistics = new ProxyStatistics();
  let stopStats = () => {};
  try {
    await attachMarked(frontend, settings.frontend, "frontend");
    await attachMarked(backend, settings.backend, curveSecretKey ? "backend (CURVE)" : "backend");
    if (curveSecretKey !== undefined) {
      // What subscribers pass as curveServerKey.
      writeLine(`backend CURVE server key ${curvePublicKey(curveSecretKey)}`);
    }
    writeLine("relay ready");
    stopStats = startStats(statistics, backend, settings.statsInterval);
    await proxy(frontend, backend, { statistics, signal: shutdown.signal });
  } finally {
    stopStats();
    shutdown.dispose();
    frontend.close();
    backend.close();
  }
  writeLine(
    `relay stopped: ${statistics.backend.messagesOut} messages forwarded, ` +
      `${backend.droppedMessages} dropped`,
  );
  return EXIT_OK;
}

/** The `relay` subcommand. */
export const relay: Command = {
  name: "relay",
  summary: "an edge pub/sub relay: XSUB frontend → XPUB backend, stats, CURVE",
  usage: USAGE,
  run,
};
