/**
 * `zmtp send` and `zmtp recv`: a socket of any type on the command line.
 * `send` takes messages from its arguments or from stdin, one per line;
 * `recv` prints each message it receives as a line.
 *
 * @module
 */

import {
  Dish,
  messageGroup,
  Radio,
  type SocketBase,
  Subscriber,
  XSubscriber,
  ZmqError,
} from "../mod.ts";
import {
  attach,
  type Command,
  type Endpoints,
  EXIT_OK,
  note,
  numberFlag,
  type Options,
  parseFlags,
  requireEndpoint,
  setup,
  shutdownSignal,
  text,
  texts,
  UsageError,
  writeLine,
} from "./common.ts";
import { formatFlag, formatLine, type LineFormat, parseLine } from "./format.ts";
import {
  SOCKET_FLAGS,
  SOCKET_FLAGS_USAGE,
  SOCKET_TYPE_NAMES,
  socketOptions,
  type SocketType,
  socketType,
} from "./sockets.ts";

const SHARED_FLAGS: Options = {
  type: { type: "string", short: "t" },
  bind: { type: "string", short: "b", multiple: true },
  connect: { type: "string", short: "c", multiple: true },
  format: { type: "string", short: "f" },
  separator: { type: "string", short: "s" },
  count: { type: "string", short: "n" },
  timeout: { type: "string" },
  "routing-id": { type: "string" },
  quiet: { type: "boolean", short: "q" },
  ...SOCKET_FLAGS,
};

const SHARED_USAGE = `  -t, --type TYPE            the socket type: ${SOCKET_TYPE_NAMES.join(", ")}
  -b, --bind ENDPOINT        bind (repeatable): tcp://*:5555, ipc:///tmp/s, ws://…
  -c, --connect ENDPOINT     connect (repeatable); peers may start in any order
  -f, --format FORMAT        text (default), json (an array of strings per line),
                             hex or base64 (each frame encoded)
  -s, --separator SEP        between the frames of a multipart message on one
                             line (default: a tab; "" for one frame per line)
  -n, --count N              stop after N messages
  --timeout MS               fail (exit status 1) when a message cannot be sent
                             or does not arrive within MS milliseconds
  --routing-id ID            this socket's routing id (ROUTER peers see it)
  -q, --quiet                no "listening on"/"connecting to" lines on stderr
  -h, --help                 show this help and exit
${SOCKET_FLAGS_USAGE}`;

const SEND_USAGE = `zmtp send: send messages from the command line or stdin

Usage:
  zmtp send [--type TYPE] (--bind ENDPOINT | --connect ENDPOINT)... [MESSAGE]...

Each MESSAGE argument is one message; with none, each line of stdin is one.
A message splits into frames at the separator ("topic<TAB>body" is two
frames). A REQ socket prints each reply on stdout, in the same format.
Sending ends when every message is queued; the socket then keeps delivering
what it queued (--linger) before the command exits.

Options:
${SHARED_USAGE}
  --delay MS                 wait MS milliseconds before the first message
                             (a PUB drops messages until subscribers arrive)
  --group GROUP              RADIO: send every message to GROUP (without it, a
                             line is GROUP, separator, BODY)

Default type: push.

Examples:
  zmtp send --connect tcp://127.0.0.1:5555 hello world      # two messages
  printf 'weather.10001\\t21 °C\\n' | zmtp send -t pub -b tcp://*:5556 --delay 500
`;

const RECV_USAGE = `zmtp recv: print the messages a socket receives, one line each

Usage:
  zmtp recv [--type TYPE] (--bind ENDPOINT | --connect ENDPOINT)... [options]

Frames of a multipart message are joined by the separator. A REP socket
sends each request back as its reply (an echo server).

Options:
${SHARED_USAGE}
  --subscribe PREFIX         SUB, XSUB: receive messages that start with PREFIX
                             (repeatable; default: every message)
  --join GROUP               DISH: receive the messages sent to GROUP
                             (repeatable); each line is GROUP, separator, BODY

Default type: pull, or sub with --subscribe.

Examples:
  zmtp recv --bind tcp://*:5555 --count 1
  zmtp recv --connect tcp://127.0.0.1:5556 --subscribe weather. --format json
`;

/** What `send` and `recv` share, from the command line. */
interface Settings {
  type: SocketType;
  endpoints: Endpoints;
  lineFormat: LineFormat;
  count: number;
  timeout: number;
  quiet: boolean;
  values: Record<string, unknown>;
}

function settings(
  values: Record<string, unknown>,
  defaultType: string,
  direction: "sends" | "receives",
): Settings {
  const type = socketType(text(values.type) ?? defaultType);
  if (!type[direction]) {
    throw new UsageError(
      `a ${type.name} socket cannot ${direction === "sends" ? "send" : "receive"}`,
    );
  }
  const endpoints = { bind: texts(values.bind), connect: texts(values.connect) };
  requireEndpoint(endpoints);
  return {
    type,
    endpoints,
    lineFormat: { format: formatFlag(values.format), separator: text(values.separator) ?? "\t" },
    count: numberFlag(values.count, "--count", Infinity, { min: 1, integer: true }),
    timeout: numberFlag(values.timeout, "--timeout", -1, { min: 0, integer: true }),
    quiet: values.quiet === true,
    values,
  };
}

/** Creates the socket and binds/connects it; reports where on stderr. */
async function openSocket(command: string, s: Settings): Promise<SocketBase> {
  const report = (line: string) => {
    if (!s.quiet) note(`zmtp ${command}: ${line}`);
  };
  const options = socketOptions(s.values, report);
  if (s.timeout >= 0) {
    options.sendTimeout = s.timeout;
    options.receiveTimeout = s.timeout;
    // Unless told otherwise, closing waits no longer than a send would.
    if (s.values.linger === undefined) options.linger = s.timeout;
  }
  const routingId = text(s.values["routing-id"]);
  if (routingId !== undefined) options.routingId = routingId;
  const socket = await setup("socket options", () => new s.type.create(options));
  try {
    await attach(socket, s.endpoints, report);
  } catch (err) {
    socket.linger = 0;
    socket.close();
    throw err;
  }
  return socket;
}

/** A timeout becomes one line saying what did not happen in time. */
function explainTimeout(err: unknown, what: string, timeout: number): never {
  if (err instanceof ZmqError && err.code === "EAGAIN") {
    throw new Error(`${what} within ${timeout} ms`);
  }
  throw err;
}

/** The lines of stdin, until it ends or `signal` aborts. */
async function* stdinLines(signal: AbortSignal): AsyncGenerator<string> {
  const reader = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader();
  const cancel = () => reader.cancel().catch(() => {});
  signal.addEventListener("abort", cancel, { once: true });
  try {
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        yield buffer.slice(0, newline).replace(/\r$/, "");
        buffer = buffer.slice(newline + 1);
      }
    }
    if (buffer !== "" && !signal.aborted) yield buffer;
  } finally {
    signal.removeEventListener("abort", cancel);
    await cancel();
  }
}

/** The messages to send: the arguments (repeated to reach --count), or stdin's lines. */
async function* sources(
  positionals: string[],
  count: number,
  signal: AbortSignal,
): AsyncGenerator<{ line: string; where: string }> {
  if (positionals.length > 0) {
    const total = Number.isFinite(count) ? count : positionals.length;
    for (let i = 0; i < total && !signal.aborted; i++) {
      yield {
        line: positionals[i % positionals.length],
        where: `argument ${i % positionals.length + 1}`,
      };
    }
    return;
  }
  let number = 0;
  for await (const line of stdinLines(signal)) {
    number++;
    yield { line, where: `line ${number} of stdin` };
  }
}

async function sendRun(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    ...SHARED_FLAGS,
    delay: { type: "string" },
    group: { type: "string" },
  }, true);
  if (values.help) {
    writeLine(SEND_USAGE);
    return EXIT_OK;
  }
  const s = settings(values, "push", "sends");
  const delay = numberFlag(values.delay, "--delay", 0);
  const group = text(values.group);
  if (group !== undefined && s.type.name !== "radio") {
    throw new UsageError(`--group is for a radio socket, not ${s.type.name}`);
  }
  for (const [i, line] of positionals.entries()) {
    try {
      parseLine(line, s.lineFormat);
    } catch (err) {
      throw new UsageError(`argument ${i + 1}: ${(err as Error).message}`);
    }
  }
  const shutdown = shutdownSignal();
  const { signal } = shutdown;
  let socket: SocketBase | null = null;
  try {
    socket = await openSocket("send", s);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    let sent = 0;
    for await (const { line, where } of sources(positionals, s.count, signal)) {
      let frames;
      try {
        frames = parseLine(line, s.lineFormat);
      } catch (err) {
        throw new Error(`${where}: ${(err as Error).message}`);
      }
      try {
        await sendFrames(socket, frames, group, signal);
      } catch (err) {
        if (signal.aborted) break;
        explainTimeout(err, `no peer took message ${sent + 1}`, s.timeout);
      }
      sent++;
      if (s.type.name === "req") {
        const reply = await socket.receive({ signal }).catch((err) => {
          if (signal.aborted) return null;
          explainTimeout(err, `no reply to message ${sent}`, s.timeout);
        });
        if (reply === null) break;
        writeLine(formatLine(reply, s.lineFormat));
      }
      if (sent >= s.count || signal.aborted) break;
    }
  } finally {
    shutdown.dispose();
    socket?.close(); // delivers what is queued, for up to --linger ms
  }
  return EXIT_OK;
}

async function recvRun(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    ...SHARED_FLAGS,
    subscribe: { type: "string", multiple: true },
    join: { type: "string", multiple: true },
  });
  if (values.help) {
    writeLine(RECV_USAGE);
    return EXIT_OK;
  }
  const prefixes = texts(values.subscribe);
  const groups = texts(values.join);
  const s = settings(values, prefixes.length > 0 ? "sub" : "pull", "receives");
  if (prefixes.length > 0 && !["sub", "xsub"].includes(s.type.name)) {
    throw new UsageError(`--subscribe needs a sub or xsub socket, not ${s.type.name}`);
  }
  if ((groups.length > 0) !== (s.type.name === "dish")) {
    throw new UsageError(
      groups.length > 0
        ? `--join is for a dish socket, not ${s.type.name}`
        : "a dish needs --join GROUP",
    );
  }
  const shutdown = shutdownSignal();
  const { signal } = shutdown;
  let socket: SocketBase | null = null;
  try {
    socket = await openSocket("recv", s);
    await subscribe(socket, prefixes.length > 0 ? prefixes : [""]);
    if (socket instanceof Dish) socket.join(...groups);
    for (let received = 0; received < s.count;) {
      let msg;
      try {
        msg = await socket.receive({ signal });
      } catch (err) {
        if (signal.aborted) break;
        explainTimeout(err, `no message (${received} received)`, s.timeout);
      }
      received++;
      const group = socket instanceof Dish ? messageGroup(msg) : undefined;
      const shown = group === undefined ? msg : [new TextEncoder().encode(group), ...msg];
      writeLine(formatLine(shown, s.lineFormat));
      if (s.type.name === "rep") await socket.send(msg);
    }
  } finally {
    shutdown.dispose();
    socket?.close();
  }
  return EXIT_OK;
}

/**
 * Sends one message; a RADIO sends to `group`, or without one to the group
 * its first frame names (as `recv` prints what a DISH receives).
 */
function sendFrames(
  socket: SocketBase,
  frames: Uint8Array[],
  group: string | undefined,
  signal: AbortSignal,
): Promise<void> {
  if (!(socket instanceof Radio)) return socket.send(frames, { signal });
  if (group !== undefined) return socket.send(frames, { group, signal });
  if (frames.length !== 2) {
    return Promise.reject(
      new Error("a radio message is GROUP, separator, BODY (or give --group)"),
    );
  }
  return socket.send(frames[1], { group: frames[0], signal });
}

/** SUB subscribes, XSUB sends its subscriptions up; other types receive everything anyway. */
async function subscribe(socket: SocketBase, prefixes: string[]): Promise<void> {
  if (socket instanceof Subscriber) socket.subscribe(...prefixes);
  if (socket instanceof XSubscriber) {
    for (const prefix of prefixes) await socket.send(`\x01${prefix}`);
  }
}

/** The `send` subcommand. */
export const send: Command = {
  name: "send",
  summary: "send messages (arguments or stdin lines) from a socket of any type",
  usage: SEND_USAGE,
  run: sendRun,
};

/** The `recv` subcommand. */
export const recv: Command = {
  name: "recv",
  summary: "print the messages a socket of any type receives, one line each",
  usage: RECV_USAGE,
  run: recvRun,
};
