/**
 * The examples on every runtime, each against libzmq: hello, weather,
 * pipeline, broker, lbreq, devices, config and telemetry from examples/
 * (the .ts sources on Deno; on Node and Bun the .js that `deno task
 * build:npm` writes, as README says to run them) and README's "Node and
 * Bun" example. The other side is pyzmq (libzmq 4.3.4, as
 * tests/examples/libzmq_peers.py), or zeromq.js (libzmq 4.3.5, in Node)
 * for the draft RADIO and DISH that Debian's libzmq lacks.
 */

import assert from "node:assert/strict";
import { delay, within } from "../helpers.ts";
import { LibzmqPeer } from "../interop/libzmq.ts";
import { bun, node, packagePath, PYTHON, pyzmq } from "../node/runtimes.ts";
import { readme, runExample } from "./readme_example.ts";

const root = new URL("../../", import.meta.url).pathname;
const peers = new URL("libzmq_peers.py", import.meta.url).pathname;

/** One runtime: where its examples are and how it runs a file. */
interface Runtime {
  name: string;
  /** The executable, or null where this machine has none. */
  executable: string | null;
  /** `examples/hello/server` → the file this runtime runs for it. */
  file(example: string): Promise<string>;
  /** The arguments before the file's own. */
  flags: string[];
}

const runtimes: Runtime[] = [
  {
    name: "Deno",
    executable: Deno.execPath(),
    file: (example) => Promise.resolve(`${root}${example}.ts`),
    flags: ["run", "--allow-net=127.0.0.1"],
  },
  ...([["Node", node], ["Bun", bun]] as const).map(([name, executable]) => ({
    name,
    executable,
    // The JavaScript that README tells Node and Bun users to run.
    file: async (example: string) => `${await packagePath()}${example}.js`,
    flags: [],
  })),
];

/** The command line that runs `example` with `args` on `runtime`. */
async function command(
  runtime: Runtime,
  example: string,
  args: string[],
): Promise<[string, string[]]> {
  return [runtime.executable!, [...runtime.flags, await runtime.file(example), ...args]];
}

/** A running program whose stdout the test reads line by line. */
class Program {
  private readonly child: Deno.ChildProcess;
  private readonly errors: Promise<string>;
  private readonly read: Promise<void>;
  private output = "";
  private ended = false;
  private wake = () => {};

  constructor(readonly label: string, command: string, args: string[]) {
    const child = new Deno.Command(command, {
      args,
      cwd: root,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.child = child;
    this.errors = new Response(child.stderr).text();
    this.read = (async () => {
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        this.output += chunk;
        this.wake();
      }
      this.ended = true;
      this.wake();
    })();
  }

  /** Waits for `count` whole lines of output matching `pattern`; returns their matches. */
  async lines(pattern: RegExp, count: number): Promise<RegExpMatchArray[]> {
    const find = async () => {
      while (true) {
        const whole = this.output.slice(0, this.output.lastIndexOf("\n") + 1).split("\n");
        const matches = whole.map((line) => line.match(pattern)).filter((m) => m !== null);
        if (matches.length >= count) return matches.slice(0, count);
        if (this.ended) {
          throw new Error(`${this.label} ended without ${pattern}:\n${await this.report()}`);
        }
        await new Promise<void>((resolve) => this.wake = resolve);
      }
    };
    return await within(30000, find(), `${this.label}: ${count} lines matching ${pattern}`);
  }

  /** Waits for a whole line of output matching `pattern`; returns the match. */
  async line(pattern: RegExp): Promise<RegExpMatchArray> {
    return (await this.lines(pattern, 1))[0];
  }

  /** Stops a program that runs until SIGTERM; fails unless it then exits cleanly. Returns its lines. */
  async interrupt(): Promise<string[]> {
    this.child.kill("SIGTERM");
    return await this.finished();
  }

  /** Waits for the program to exit on its own; fails unless it succeeded. Returns its lines. */
  async finished(): Promise<string[]> {
    const status = await within(30000, this.child.status, this.label);
    await this.read;
    assert.equal(status.code, 0, `${this.label} failed:\n${await this.report()}`);
    return this.output.trimEnd().split("\n");
  }

  private async report(): Promise<string> {
    return `stdout:\n${this.output}stderr:\n${await this.errors}`;
  }

  /** Stops a program that runs until killed, or is left over from a failed test. */
  async stop(): Promise<void> {
    try {
      this.child.kill("SIGTERM");
    } catch { /* already exited */ }
    await this.child.status;
    await this.read;
    await this.errors;
  }
}

/** Starts a program for the test, labelled for its failure messages. */
type Start = (label: string, command: [string, string[]]) => Program;

/** Runs `body` with programs it starts, stopping whatever is still running afterwards. */
async function withPrograms(body: (start: Start) => Promise<void>): Promise<void> {
  const started: Program[] = [];
  try {
    await body((label, [command, args]) => {
      const program = new Program(label, command, args);
      started.push(program);
      return program;
    });
  } finally {
    await Promise.all(started.map((program) => program.stop()));
  }
}

const libzmq = (role: string, ...args: string[]): [string, string[]] => [
  PYTHON,
  [peers, role, ...args],
];

for (const runtime of runtimes) {
  const ignore = runtime.executable === null || !pyzmq;
  const on = `on ${runtime.name}`;
  const example = (name: string, ...args: string[]) => command(runtime, `examples/${name}`, args);

  Deno.test({
    name: `${on}, examples/hello's client and server talk to libzmq's REP and REQ`,
    ignore,
    async fn() {
      await withPrograms(async (start) => {
        const rep = start("libzmq REP", libzmq("rep", "tcp://127.0.0.1:*", "3"));
        const [repEndpoint] = await rep.line(/^tcp:\/\/\S+$/);
        const client = start("hello client", await example("hello/client", repEndpoint, "3"));
        assert.deepEqual(await client.finished(), [
          "client: reply 1: World",
          "client: reply 2: World",
          "client: reply 3: World",
        ]);
        assert.deepEqual((await rep.finished()).slice(1), ["Hello", "Hello", "Hello"]);

        const server = start(
          "hello server",
          await example("hello/server", "tcp://127.0.0.1:*", "3"),
        );
        const [, endpoint] = await server.line(/^server: listening on (tcp:\/\/\S+)$/);
        const req = start("libzmq REQ", libzmq("req", endpoint, "3"));
        assert.deepEqual(await req.finished(), ["World", "World", "World"]);
        const lines = await server.finished();
        assert.equal(lines.filter((line) => line === "server: received Hello").length, 3);
      });
    },
  });

  Deno.test({
    name:
      `${on}, examples/weather's server feeds libzmq's SUB and its client averages libzmq's PUB`,
    ignore,
    async fn() {
      await withPrograms(async (start) => {
        const server = start(
          "weather server",
          await example("weather/server", "tcp://127.0.0.1:*", "20"),
        );
        const [, endpoint] = await server.line(/^Publishing weather updates on (tcp:\/\/\S+)$/);
        const sub = start("libzmq SUB", libzmq("sub", endpoint, "00007", "25"));
        const updates = await sub.finished();
        assert.equal(updates.length, 25);
        for (const update of updates) assert.match(update, /^00007 -?\d+ \d+$/);

        const pub = start("libzmq PUB", libzmq("pub", "tcp://127.0.0.1:*", "20"));
        const [pubEndpoint] = await pub.line(/^tcp:\/\/\S+$/);
        const client = start(
          "weather client",
          await example("weather/client", pubEndpoint, "00007", "25"),
        );
        const lines = await client.finished();
        const average = lines.at(-1)!.match(
          /^Average temperature for zipcode '00007' was (-?\d+)F$/,
        );
        assert.ok(average, lines.join("\n"));
        assert.ok(Number(average[1]) >= -80 && Number(average[1]) <= 134, average[0]);
      });
    },
  });

  Deno.test({
    name: `${on}, examples/pipeline's ventilator and sink share the work with a libzmq worker`,
    ignore,
    async fn() {
      await withPrograms(async (start) => {
        const sink = start("sink", await example("pipeline/sink"));
        const [, sinkEndpoint] = await sink.line(/^results on (tcp:\/\/\S+)$/);
        const ventilator = start(
          "ventilator",
          await example(
            "pipeline/ventilator",
            "--sink",
            sinkEndpoint,
            "--workers",
            "2",
            "--tasks",
            "11",
          ),
        );
        const [, tasks] = await ventilator.line(/^tasks on (tcp:\/\/\S+)$/);
        const worker = start(
          "worker",
          await example("pipeline/worker", "--id", "1", "--tasks", tasks, "--sink", sinkEndpoint),
        );
        const libzmqWorker = start("libzmq worker", libzmq("worker", tasks, sinkEndpoint, "2"));
        const lines = await sink.finished();
        assert.match(lines[1], /^11 results in \d+ ms$/);
        // PUSH deals round robin: the libzmq worker gets every other task.
        const counts = lines.slice(2).map((line) =>
          line.match(/^worker (\d): (\d+) tasks$/)?.slice(1)
        );
        assert.deepEqual(counts.map((count) => count?.[0]), ["1", "2"]);
        assert.deepEqual(counts.map((count) => Number(count?.[1])).sort(), [5, 6]);
        assert.equal((await libzmqWorker.finished()).length, Number(counts[1]![1]));
        await worker.finished();
        await ventilator.finished();
      });
    },
  });

  Deno.test({
    name: `${on}, examples/broker stands between libzmq's REQ and REP; its worker serves libzmq's`,
    ignore,
    async fn() {
      await withPrograms(async (start) => {
        const broker = start(
          "broker",
          await example("broker/broker", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*"),
        );
        const [, frontend, backend] = await broker.line(
          /^broker: clients on (\S+), workers on (\S+)$/,
        );
        start("libzmq worker", libzmq("broker-worker", backend, "w2"));
        const client = start("client", await example("broker/client", frontend, "c1", "3"));
        const libzmqClient = start("libzmq client", libzmq("client", frontend, "c2", "3"));
        for (const [name, program] of [["c1", client], ["c2", libzmqClient]] as const) {
          assert.deepEqual(
            await program.finished(),
            [1, 2, 3].map((i) => `${name}: ${name} job ${i} done by w2`),
          );
        }

        const libzmqBroker = start(
          "libzmq broker",
          libzmq("broker", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*"),
        );
        const [[libzmqFrontend], [libzmqBackend]] = await libzmqBroker.lines(/^tcp:\/\/\S+$/, 2);
        start("worker", await example("broker/worker", libzmqBackend, "w1"));
        const viaLibzmq = start("libzmq client", libzmq("client", libzmqFrontend, "c3", "3"));
        assert.deepEqual(
          await viaLibzmq.finished(),
          [1, 2, 3].map((i) => `c3: c3 job ${i} done by w1`),
        );
      });
    },
  });

  Deno.test({
    name: `${on}, examples/lbreq's client alternates between its server and libzmq's`,
    ignore,
    async fn() {
      await withPrograms(async (start) => {
        const server = start("server A", await example("lbreq/server", "tcp://127.0.0.1:*", "A"));
        const [, a] = await server.line(/^A: listening on (\S+)$/);
        const libzmqServer = start(
          "libzmq server B",
          libzmq("lb-server", "tcp://127.0.0.1:*", "B"),
        );
        const [b] = await libzmqServer.line(/^tcp:\/\/\S+$/);
        const client = start("client", await example("lbreq/client", a, b, "4"));
        assert.deepEqual(await client.finished(), [
          "client: request 1 served by A",
          "client: request 2 served by B",
          "client: request 3 served by A",
          "client: request 4 served by B",
        ]);
        const libzmqClient = start("libzmq client", libzmq("client", a, "c", "2"));
        assert.deepEqual(await libzmqClient.finished(), ["c: A c job 1", "c: A c job 2"]);
      });
    },
  });

  Deno.test({
    name: `${on}, examples/devices' queue, forwarder and streamer pass libzmq's messages`,
    ignore,
    async fn(t) {
      /** Starts a device on free ports; resolves to its endpoints. */
      const device = async (start: Start, name: string) => {
        const program = start(
          name,
          await example(`devices/${name}`, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*"),
        );
        const [, frontend, backend] = await program.line(/^\w+: frontend (\S+), backend (\S+)$/);
        return { program, frontend, backend };
      };
      await t.step("queue", () =>
        withPrograms(async (start) => {
          const queue = await device(start, "queue");
          start("libzmq worker", libzmq("broker-worker", queue.backend, "w"));
          const client = start("libzmq client", libzmq("client", queue.frontend, "c", "4"));
          assert.deepEqual(
            await client.finished(),
            [1, 2, 3, 4].map((i) => `c: c job ${i} done by w`),
          );
          assert.equal(
            (await queue.program.interrupt()).at(-1),
            "queue stopped: 4 messages frontend → backend, 4 backend → frontend",
          );
        }));
      await t.step("forwarder", () =>
        withPrograms(async (start) => {
          const forwarder = await device(start, "forwarder");
          const sub = start("libzmq SUB", libzmq("subscribe", forwarder.backend, "up", "3"));
          start("libzmq PUB", libzmq("publish", forwarder.frontend));
          assert.deepEqual(await sub.finished(), ["up wanted", "up wanted", "up wanted"]);
          assert.match(
            (await forwarder.program.interrupt()).at(-1)!,
            /^forwarder stopped: \d+ messages frontend → backend, \d+ backend → frontend$/,
          );
        }));
      await t.step("streamer", () =>
        withPrograms(async (start) => {
          const streamer = await device(start, "streamer");
          const pull = start("libzmq PULL", libzmq("pull", streamer.backend, "10"));
          start("libzmq PUSH", libzmq("push", streamer.frontend, "10"));
          assert.deepEqual(
            await pull.finished(),
            Array.from({ length: 10 }, (_, i) => `task ${i}`),
          );
          assert.equal(
            (await streamer.program.interrupt()).at(-1),
            "streamer stopped: 10 messages frontend → backend, 0 backend → frontend",
          );
        }));
    },
  });

  Deno.test({
    name: `${on}, examples/config's server and node keep libzmq's node and server in step`,
    ignore,
    async fn() {
      await withPrograms(async (start) => {
        const versions = "60";
        const server = start(
          "config server",
          await example("config/server", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", versions, "5"),
        );
        const [, updates, snapshots] = await server.line(
          /^config server: updates on (\S+), snapshots on (\S+)$/,
        );
        const libzmqNode = start(
          "libzmq node",
          libzmq("config-node", updates, snapshots, "n1", versions),
        );
        const truth = (await server.line(/^config at version 60: (.*)$/))[1];
        assert.equal((await libzmqNode.finished()).at(-1), `n1: config at version 60: ${truth}`);

        const libzmqServer = start(
          "libzmq config server",
          libzmq("config-server", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", versions, "5"),
        );
        const [[libzmqUpdates], [libzmqSnapshots]] = await libzmqServer.lines(/^tcp:\/\/\S+$/, 2);
        const node = start(
          "config node",
          await example("config/node", libzmqUpdates, libzmqSnapshots, "n2", versions),
        );
        const libzmqTruth = (await libzmqServer.line(/^config at version 60: (.*)$/))[1];
        assert.equal(libzmqTruth, truth, "libzmq's server makes the same changes");
        assert.equal((await node.finished()).at(-1), `n2: config at version 60: ${truth}`);
      });
    },
  });

  Deno.test({
    name: `${on}, examples/telemetry's dashboard shows zeromq.js's RADIO; its sensors feed a DISH`,
    // Debian's libzmq has no draft sockets: zeromq.js (libzmq 4.3.5, in Node) has RADIO and DISH.
    ignore: runtime.executable === null || node === null,
    async fn() {
      await using peer = await LibzmqPeer.start();
      await withPrograms(async (start) => {
        const dashboard = start(
          "dashboard",
          await example("telemetry/dashboard", "tcp://127.0.0.1:*", "temperature,humidity", "6"),
        );
        const [, endpoint] = await dashboard.line(
          /^dashboard on (\S+) showing temperature, humidity$/,
        );
        const radio = await peer.socket("Radio");
        await radio.connect(endpoint);
        let shown = false;
        const lines = dashboard.finished().finally(() => shown = true);
        // Sent until the dashboard's joins have reached the RADIO and it has shown six readings.
        while (!shown) {
          for (
            const [group, value] of [["temperature", "21.5"], ["humidity", "40"], [
              "pressure",
              "1013",
            ]]
          ) {
            await radio.sendWith(value, { group });
          }
          await delay(20);
        }
        const output = await lines;
        assert.equal(output.length, 1 + 6 + 2, output.join("\n")); // header, readings, two means
        for (const line of output.slice(1, 7)) {
          assert.match(line, /^(temperature 21\.5|humidity 40)$/);
        }
        assert.match(output[7], /^temperature: \d readings, mean 21\.5$/);
        assert.match(output[8], /^humidity: \d readings, mean 40\.0$/);
        await radio.close();

        const dish = await peer.socket("Dish");
        const dishEndpoint = await dish.bind("tcp://127.0.0.1:*");
        await dish.call("join", "pressure");
        start("sensors", await example("telemetry/sensors", dishEndpoint, "1000", "5"));
        for (let i = 0; i < 3; i++) {
          const { frames, group } = await dish.receiveWith(20000);
          assert.equal(new TextDecoder().decode(group), "pressure");
          const value = Number(new TextDecoder().decode(frames[0]));
          assert.ok(value >= 1000 && value <= 1030, `a pressure reading: ${value}`);
        }
        await dish.close();
      });
    },
  });

  Deno.test({
    name: `${on}, README's Node and Bun example gets three replies from libzmq's REP`,
    ignore,
    async fn() {
      const code = readmeNodeExample();
      await withPrograms(async (start) => {
        const rep = start("libzmq REP", libzmq("rep", "tcp://127.0.0.1:*", "3"));
        const [endpoint] = await rep.line(/^tcp:\/\/\S+$/);
        const pointed = code.replace('"tcp://127.0.0.1:5555"', JSON.stringify(endpoint));
        let output: string;
        if (runtime.name === "Deno") {
          const result = await runExample(pointed);
          assert.equal(result.code, 0, result.output);
          output = result.output;
        } else {
          // Inside the package, so "@zmtp/zmq" resolves to it as it would once installed.
          const file = `${await packagePath()}readme_${runtime.name}.mjs`;
          await Deno.writeTextFile(file, pointed);
          const example = start("README example", [runtime.executable!, [file]]);
          output = (await example.finished()).join("\n") + "\n";
        }
        assert.equal(output, "1: World\n2: World\n3: World\n");
        assert.deepEqual((await rep.finished()).slice(1), ["Hello 1", "Hello 2", "Hello 3"]);
      });
    },
  });
}

Deno.test({
  name: "on Node and Bun, examples/pipeline/main starts every program on the runtime that runs it",
  ignore: node === null && bun === null,
  async fn(t) {
    for (const runtime of runtimes.slice(1)) {
      await t.step({
        name: runtime.name,
        ignore: runtime.executable === null,
        async fn() {
          await withPrograms(async (start) => {
            const main = start(
              "pipeline",
              await command(runtime, "examples/pipeline/main", ["--workers", "2", "--tasks", "11"]),
            );
            const output = (await main.finished()).join("\n");
            assert.match(output, /^sink\s+\| 11 results in \d+ ms$/m);
            const counts = [...output.matchAll(/^sink\s+\| worker \d: (\d+) tasks$/gm)].map((m) =>
              Number(m[1])
            );
            assert.deepEqual(counts.sort(), [5, 6]);
          });
        },
      });
    }
  },
});

/** README's js example under "## Node and Bun", at most ten lines. */
function readmeNodeExample(): string {
  const section = readme.indexOf("\n## Node and Bun\n");
  assert.ok(section >= 0, 'README has a "Node and Bun" section');
  const code = readme.slice(section).match(/```js\n([\s\S]*?)```/)?.[1];
  assert.ok(code !== undefined, "the section has a js example");
  assert.ok(code.trim().split("\n").length <= 10, "the example has at most ten lines");
  assert.ok(
    code.includes('"tcp://127.0.0.1:5555"'),
    "the example connects to the hello server's port",
  );
  return code;
}
