/**
 * `zmtp proxy`: libzmq's three devices (QUEUE, FORWARDER, STREAMER) between
 * endpoints, with a capture socket and a control socket, on `proxy()`.
 *
 * @module
 */

import {
  Dealer,
  proxy,
  ProxyStatistics,
  Publisher,
  Pull,
  Push,
  Reply,
  Router,
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
  shutdownSignal,
  text,
  texts,
  UsageError,
  writeLine,
} from "./common.ts";
import { attachMarked, endpointList } from "./relay.ts";

/** Each device: its frontend and backend socket types. */
const MODES: Record<string, { front: () => SocketBase; back: () => SocketBase; what: string }> = {
  queue: { front: () => new Router(), back: () => new Dealer(), what: "ROUTER → DEALER" },
  forwarder: {
    front: () => new XSubscriber(),
    back: () => new XPublisher(),
    what: "XSUB → XPUB",
  },
  streamer: { front: () => new Pull(), back: () => new Push(), what: "PULL → PUSH" },
};

const USAGE = `zmtp proxy: a device between two endpoints (libzmq's zmq_proxy_steerable)

Usage:
  zmtp proxy --mode MODE --frontend ENDPOINT... --backend ENDPOINT... [options]

Modes:
  queue       ROUTER frontend (REQ/DEALER clients) → DEALER backend (REP workers)
  forwarder   XSUB frontend (publishers) → XPUB backend (subscribers)
  streamer    PULL frontend (PUSH producers) → PUSH backend (PULL consumers)

Options:
  --mode MODE                queue, forwarder or streamer (required)
  --frontend ENDPOINT        where clients/publishers/producers come in
  --backend ENDPOINT         where workers/subscribers/consumers go out
                             An endpoint is bound, or connected to when it
                             starts with ">"; repeat the flag or separate
                             endpoints with commas for several.
  --capture ENDPOINT         publish a copy of every message forwarded, in
                             either direction, on a PUB socket there
  --control ENDPOINT         a REP socket there obeys PAUSE, RESUME, TERMINATE
                             and STATISTICS (eight 8-byte little-endian
                             counters), as libzmq's steerable proxy
  --hwm N                    high-water mark per peer, messages; default 1000
  --linger MS                how long stopping keeps delivering queued
                             messages; default -1 (until delivered)
  -h, --help                 show this help and exit

It prints where it listens, "proxy ready", and on the way out how many
messages went each way. It stops on TERMINATE, SIGINT or SIGTERM.

Example:
  zmtp proxy --mode queue --frontend tcp://*:5559 --backend tcp://*:5560 \\
    --control ipc:///tmp/proxy-control
  zmtp send --type req --connect ipc:///tmp/proxy-control PAUSE
`;

async function run(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    mode: { type: "string" },
    frontend: { type: "string", multiple: true },
    backend: { type: "string", multiple: true },
    capture: { type: "string", multiple: true },
    control: { type: "string", multiple: true },
    hwm: { type: "string" },
    linger: { type: "string" },
  });
  if (values.help) {
    writeLine(USAGE);
    return EXIT_OK;
  }
  const modeName = text(values.mode);
  if (modeName === undefined) {
    throw new UsageError("--mode is required: queue, forwarder or streamer");
  }
  const mode = MODES[modeName];
  if (mode === undefined) {
    throw new UsageError(`--mode takes queue, forwarder or streamer, got "${modeName}"`);
  }
  const side = (flag: string) => {
    const endpoints = endpointList(texts(values[flag]), "");
    if (endpoints.length === 0) throw new UsageError(`--${flag} is required`);
    return endpoints;
  };
  const frontendEndpoints = side("frontend");
  const backendEndpoints = side("backend");
  const capture = endpointList(texts(values.capture), "");
  const control = endpointList(texts(values.control), "");
  const hwm = numberFlag(values.hwm, "--hwm", 1000, { integer: true });
  const queues: Partial<SocketOptions> = {
    sendHighWaterMark: hwm,
    receiveHighWaterMark: hwm,
    linger: numberFlag(values.linger, "--linger", -1, { min: -1, integer: true }),
  };

  const sockets: SocketBase[] = [];
  const make = (create: () => SocketBase) => {
    const socket = Object.assign(create(), queues);
    sockets.push(socket);
    return socket;
  };
  const frontend = make(mode.front);
  const backend = make(mode.back);
  const captureSocket = capture.length > 0 ? make(() => new Publisher()) : undefined;
  const controlSocket = control.length > 0 ? make(() => new Reply()) : undefined;
  const shutdown = shutdownSignal();
  const statistics = new ProxyStatistics();
  try {
    await attachMarked(frontend, frontendEndpoints, "frontend");
    await attachMarked(backend, backendEndpoints, "backend");
    if (captureSocket) await attachMarked(captureSocket, capture, "capture");
    if (controlSocket) await attachMarked(controlSocket, control, "control");
    writeLine(`proxy ready (${modeName}: ${mode.what})`);
    await proxy(frontend, backend, {
      capture: captureSocket,
      control: controlSocket,
      signal: shutdown.signal,
      statistics,
    });
  } finally {
    shutdown.dispose();
    for (const socket of sockets) socket.close();
  }
  writeLine(
    `proxy stopped: ${statistics.backend.messagesOut} messages frontend → backend, ` +
      `${statistics.frontend.messagesOut} backend → frontend`,
  );
  return EXIT_OK;
}

/** The `proxy` subcommand. */
export const proxyCommand: Command = {
  name: "proxy",
  summary: "a queue, forwarder or streamer device, with --capture and --control",
  usage: USAGE,
  run,
};
