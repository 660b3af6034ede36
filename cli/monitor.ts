/**
 * `zmtp monitor`: bind or connect a socket and print its monitor events
 * (libzmq's zmq_socket_monitor, zeromq.js's event names) as lines.
 *
 * @module
 */

import type { SocketEvent } from "../mod.ts";
import {
  attach,
  type Command,
  EXIT_OK,
  note,
  numberFlag,
  parseFlags,
  requireEndpoint,
  setup,
  shutdownSignal,
  text,
  texts,
  UsageError,
  writeLine,
} from "./common.ts";
import {
  SOCKET_FLAGS,
  SOCKET_FLAGS_USAGE,
  SOCKET_TYPE_NAMES,
  socketOptions,
  socketType,
} from "./sockets.ts";

const USAGE = `zmtp monitor: print a socket's events as lines

Usage:
  zmtp monitor --type TYPE (--bind ENDPOINT | --connect ENDPOINT)... [options]

Opens a socket of TYPE (the type its peers expect: sub for a PUB, dealer for
a ROUTER, …), binds or connects it, and prints each event:

  2026-01-01T12:00:00.000Z connect tcp://127.0.0.1:5555 peer=127.0.0.1:5555
  2026-01-01T12:00:00.001Z handshake tcp://127.0.0.1:5555 peer=127.0.0.1:5555

Events: bind, bind:error, accept, accept:error, connect, connect:delay,
connect:retry (interval=MS), disconnect, close, handshake,
handshake:error:protocol, handshake:error:auth, handshake:error:other
(error="…" says why). The socket receives nothing: messages its peers send
wait in its queue.

Options:
  -t, --type TYPE            ${SOCKET_TYPE_NAMES.join(", ")} (required)
  -b, --bind ENDPOINT        bind (repeatable)
  -c, --connect ENDPOINT     connect (repeatable)
  -n, --count N              stop after N events
  --json                     one JSON object per event instead
  -h, --help                 show this help and exit
${SOCKET_FLAGS_USAGE}
`;

/** One event as a line: time, type, address, then the details it carries. */
export function eventLine(event: SocketEvent, time: Date): string {
  const details = [
    event.peer === undefined ? "" : ` peer=${event.peer}`,
    event.interval === undefined ? "" : ` interval=${event.interval}`,
    event.error === undefined ? "" : ` error=${JSON.stringify(event.error.message)}`,
  ].join("");
  return `${time.toISOString()} ${event.type} ${event.address}${details}`;
}

/** One event as JSON. */
export function eventJson(event: SocketEvent, time: Date): string {
  const { type, address, peer, interval, error } = event;
  return JSON.stringify({
    time: time.toISOString(),
    type,
    address,
    peer,
    interval,
    error: error?.message,
  });
}

async function run(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    type: { type: "string", short: "t" },
    bind: { type: "string", short: "b", multiple: true },
    connect: { type: "string", short: "c", multiple: true },
    count: { type: "string", short: "n" },
    json: { type: "boolean" },
    ...SOCKET_FLAGS,
  });
  if (values.help) {
    writeLine(USAGE);
    return EXIT_OK;
  }
  const typeName = text(values.type);
  if (typeName === undefined) {
    throw new UsageError("--type is required: the socket type its peers expect (sub for a PUB, …)");
  }
  const type = socketType(typeName);
  const endpoints = { bind: texts(values.bind), connect: texts(values.connect) };
  requireEndpoint(endpoints);
  const count = numberFlag(values.count, "--count", Infinity, { min: 1, integer: true });
  const format = values.json ? eventJson : eventLine;
  const options = socketOptions(values, (line) => note(`zmtp monitor: ${line}`));
  const socket = await setup("socket options", () => new type.create(options));
  const shutdown = shutdownSignal();
  shutdown.signal.addEventListener("abort", () => socket.close(), { once: true });
  try {
    // Iterating before binding: the first events are the binds themselves.
    const events = socket.events[Symbol.asyncIterator]();
    const printing = (async () => {
      for (let printed = 0; printed < count; printed++) {
        const { value, done } = await events.next();
        if (done) return;
        writeLine(format(value, new Date()));
      }
    })();
    await attach(socket, endpoints, () => {});
    await printing;
  } finally {
    shutdown.dispose();
    socket.close();
  }
  return EXIT_OK;
}

/** The `monitor` subcommand. */
export const monitor: Command = {
  name: "monitor",
  summary: "bind or connect a socket and print its events as lines",
  usage: USAGE,
  run,
};
