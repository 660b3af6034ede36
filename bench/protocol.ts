/**
 * How bench/main.ts runs one measurement: one or two processes that speak
 * JSON lines on stdout.
 *
 * - A pair: the *server* process binds and prints `{"endpoint": "…"}` (the
 *   resolved address); the *client* process is then started with that
 *   endpoint. Whichever of the two measures prints `{"result": {…}}`.
 * - A solo process (inproc): prints `{"result": {…}}` on its own.
 *
 * Once a result is in (or the time limit runs out) every process is killed:
 * senders run until then, so the measured side is never starved near the
 * end. The programs are in bench/programs/ and bench/c/; each file says
 * which flags it takes.
 *
 * @module
 */

/** A full command line. */
export interface Argv {
  command: string;
  args: string[];
}

/** What one measurement runs. */
export type Launch =
  | { kind: "pair"; server: Argv; client: (endpoint: string) => Argv }
  | { kind: "solo"; program: Argv }
  | {
    /**
     * Many connections: the server binds, then every client is started; the
     * result is the server's, with the delivery of its messages to all
     * clients' peers (see {@link deliveryToAll}).
     */
    kind: "fleet";
    server: Argv;
    clients: (endpoint: string) => Argv[];
  }
  | {
    /** The stalled consumer: the server is signalled (SIGUSR2) once the client has exited. */
    kind: "stall";
    server: Argv;
    client: (endpoint: string) => Argv;
  };

/** A result line's payload. */
export type ResultLine = Record<string, number>;

const root = new URL("../", import.meta.url).pathname;

/** Runs one measurement and returns the `result` object a program printed. */
export async function runLaunch(launch: Launch, timeoutMs: number): Promise<ResultLine> {
  const children: Deno.ChildProcess[] = [];
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    children.forEach(kill);
  }, timeoutMs);
  const what = describe(launch);
  try {
    if (launch.kind === "solo") {
      const solo = spawn(launch.program);
      children.push(solo);
      return await resultFrom(jsonLines(solo.stdout), what);
    }
    const server = spawn(launch.server);
    children.push(server);
    const serverLines = jsonLines(server.stdout);
    const bound = await serverLines.next();
    if (bound.done || typeof bound.value.endpoint !== "string") {
      throw new Error(`${what}: the server stopped before binding`);
    }
    if (launch.kind === "fleet") {
      const clients = launch.clients(bound.value.endpoint).map(spawn);
      children.push(...clients);
      const [result, ...fromClients] = await Promise.all([
        resultFrom(serverLines, what),
        ...clients.map((c) => resultFrom(jsonLines(c.stdout), what)),
      ]);
      return { ...result, ...deliveryToAll(fromClients) };
    }
    const client = spawn(launch.client(bound.value.endpoint));
    children.push(client);
    if (launch.kind === "stall") {
      const status = await client.status;
      if (!status.success) throw new Error(`${what}: the sender exited with ${status.code}`);
      // The sender exits once every message is written; give the consumer a
      // moment to read what is still in the kernel's buffers.
      await new Promise((resolve) => setTimeout(resolve, 500));
      server.kill("SIGUSR2");
      return await resultFrom(serverLines, what);
    }
    return await Promise.any([
      resultFrom(serverLines, what),
      resultFrom(jsonLines(client.stdout), what),
    ]).catch(() => {
      throw new Error(`${what}: no result${timedOut ? ` within ${timeoutMs} ms` : ""}`);
    });
  } catch (err) {
    if (timedOut) throw new Error(`${what}: no result within ${timeoutMs} ms`);
    throw err;
  } finally {
    clearTimeout(timer);
    children.forEach(kill);
    await Promise.all(children.map((c) => c.status));
  }
}

/**
 * Each client reports, per message the server sent, the time until its last
 * peer had it (`deliveryUs`: a list, one per round); a message is delivered
 * to all once the slowest client has it. Returns the median round as
 * `deliveryUs`, the fastest and slowest, and how many rounds; nothing when
 * no client reported deliveries.
 */
export function deliveryToAll(fromClients: ResultLine[]): ResultLine {
  const lists = fromClients.map((r) => r.deliveryUs as unknown)
    .filter((d) => d !== undefined)
    .map((d) => Array.isArray(d) ? d as number[] : [d as number]);
  if (lists.length === 0) return {};
  const rounds = Math.min(...lists.map((l) => l.length));
  if (rounds === 0) return {};
  const toAll: number[] = [];
  for (let i = 0; i < rounds; i++) toAll.push(Math.max(...lists.map((l) => l[i])));
  toAll.sort((a, b) => a - b);
  return {
    deliveryUs: toAll[Math.floor((rounds - 1) / 2)],
    deliveryMinUs: toAll[0],
    deliveryMaxUs: toAll[rounds - 1],
    deliveryRounds: rounds,
  };
}

function describe(launch: Launch): string {
  const argv = launch.kind === "solo" ? launch.program : launch.server;
  return [argv.command.split("/").pop(), ...argv.args.slice(-12)].join(" ");
}

function spawn(argv: Argv): Deno.ChildProcess {
  return new Deno.Command(argv.command, {
    args: argv.args,
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

function kill(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch { /* already exited */ }
}

/** The first `{"result"}` object among the lines; rejects if the stream ends first. */
async function resultFrom(
  lines: AsyncGenerator<Record<string, unknown>>,
  what: string,
): Promise<ResultLine> {
  for await (const line of lines) {
    if (typeof line.result === "object" && line.result !== null) return line.result as ResultLine;
  }
  throw new Error(`${what}: exited without a result`);
}

async function* jsonLines(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<Record<string, unknown>> {
  let buffer = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line.startsWith("{")) yield JSON.parse(line);
    }
  }
}
