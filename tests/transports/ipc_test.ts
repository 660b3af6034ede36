/** ipc:// on Unix domain sockets: paths, socket files, limits. */

import assert from "node:assert/strict";
import { Pull, Push, ZmqError } from "../../mod.ts";
import { eventually, texts, within } from "../helpers.ts";
import { ipcDir } from "./cases.ts";

const isUnix = Deno.build.os !== "windows";
let counter = 0;
const freshPath = () => `${ipcDir()}/ipc-${++counter}.sock`;

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

/**
 * A deno subprocess running ipc_holder.ts (a PULL bound on `endpoint` that
 * prints what it receives), with every permission.
 */
class Holder {
  readonly child: Deno.ChildProcess;
  private output = "";
  private readonly reading: Promise<void>;

  constructor(endpoint: string) {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "--no-lock", fixture("ipc_holder.ts"), endpoint],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.child = child;
    this.reading = (async () => {
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        this.output += chunk;
      }
    })();
  }

  /** Resolves once the holder printed the line `expected`. */
  printed(expected: string): Promise<void> {
    return eventually(() => this.output.split("\n").includes(expected), 20000, `"${expected}"`);
  }

  /** Ends the holder: gracefully, or with SIGKILL so that it leaves its socket file. */
  async stop(kill = false): Promise<void> {
    if (kill) this.child.kill("SIGKILL");
    await this.child.stdin.close().catch(() => {});
    await this.child.status;
    await this.reading;
  }
}

const isAddrInUse = (err: unknown) => err instanceof ZmqError && err.code === "EADDRINUSE";

Deno.test({
  name: "ipc binds an absolute path and removes the socket file on unbind",
  ignore: !isUnix,
  fn: async () => {
    const path = freshPath();
    using pull = new Pull();
    await pull.bind(`ipc://${path}`);
    assert.equal(pull.lastEndpoint, `ipc://${path}`);
    assert.equal(Deno.lstatSync(path).isSocket, true);
    await pull.unbind(`ipc://${path}`);
    assert.equal(exists(path), false);
  },
});

Deno.test({
  name: "closing an ipc socket removes its socket file",
  ignore: !isUnix,
  fn: async () => {
    const path = freshPath();
    const pull = new Pull();
    await pull.bind(`ipc://${path}`);
    pull.close();
    await eventually(() => !exists(path), 2000, "socket file removed");
  },
});

Deno.test({
  name: "ipc can bind the same path again right after unbind or close",
  ignore: !isUnix,
  fn: async () => {
    const endpoint = `ipc://${freshPath()}`;
    const first = new Pull();
    await first.bind(endpoint);
    await first.unbind(endpoint);
    await first.bind(endpoint);
    first.close();
    using second = new Pull();
    await second.bind(endpoint);
    using push = new Push();
    push.connect(endpoint);
    await push.send("to the new socket");
    assert.deepEqual(texts(await within(5000, second.receive())), ["to the new socket"]);
  },
});

Deno.test({
  name: "ipc paths are relative to the current directory, as in libzmq",
  ignore: !isUnix,
  fn: async () => {
    const dir = Deno.makeTempDirSync({ dir: ipcDir() });
    const { code, stdout } = await within(
      20000,
      new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", "--no-lock", fixture("ipc_relative.ts"), "sub.sock"],
        cwd: dir,
        stdout: "piped",
        stderr: "inherit",
      }).output(),
    );
    assert.equal(code, 0);
    const report = JSON.parse(new TextDecoder().decode(stdout));
    assert.deepEqual(report, {
      received: "relative",
      lastEndpoint: "ipc://sub.sock",
      fileWhileBound: Deno.realPathSync(dir) + "/sub.sock",
      existsAfterUnbind: false,
    });
  },
});

Deno.test({
  name: "bind removes a stale socket file left by a process that died",
  ignore: !isUnix,
  fn: async () => {
    const path = freshPath();
    const holder = new Holder(`ipc://${path}`);
    await holder.printed("bound");
    await holder.stop(true);
    assert.equal(Deno.lstatSync(path).isSocket, true, "the dead process left its socket file");
    using pull = new Pull();
    await within(5000, pull.bind(`ipc://${path}`));
    using push = new Push();
    push.connect(`ipc://${path}`);
    await push.send("after the stale file");
    assert.deepEqual(texts(await within(5000, pull.receive())), ["after the stale file"]);
  },
});

Deno.test({
  name: "bind refuses to steal a socket file another process listens on (EADDRINUSE)",
  ignore: !isUnix,
  fn: async () => {
    const path = freshPath();
    const holder = new Holder(`ipc://${path}`);
    try {
      await holder.printed("bound");
      using pull = new Pull();
      await assert.rejects(pull.bind(`ipc://${path}`), isAddrInUse);
      using push = new Push();
      push.connect(`ipc://${path}`);
      await push.send("the owner still has it");
      await holder.printed("the owner still has it");
    } finally {
      await holder.stop();
    }
  },
});

Deno.test({
  name: "bind refuses a path our own live socket holds",
  ignore: !isUnix,
  fn: async () => {
    const endpoint = `ipc://${freshPath()}`;
    using owner = new Pull();
    await owner.bind(endpoint);
    using other = new Pull();
    await assert.rejects(other.bind(endpoint), isAddrInUse);
  },
});

Deno.test({
  name: "bind never removes a file that is not a socket",
  ignore: !isUnix,
  fn: async () => {
    const path = freshPath();
    Deno.writeTextFileSync(path, "precious");
    using pull = new Pull();
    await assert.rejects(pull.bind(`ipc://${path}`), isAddrInUse);
    assert.equal(Deno.readTextFileSync(path), "precious");
  },
});

Deno.test({
  name: "an ipc path longer than the OS limit is EINVAL, with the limit in the message",
  ignore: !isUnix,
  fn: async () => {
    const limit = Deno.build.os === "linux" ? 107 : 103;
    const path = "/tmp/" + "x".repeat(limit + 1 - "/tmp/".length);
    using pull = new Pull();
    await assert.rejects(pull.bind(`ipc://${path}`), (err) => {
      assert.ok(err instanceof ZmqError);
      assert.equal(err.code, "EINVAL");
      assert.match(err.message, new RegExp(`is ${limit + 1} bytes; the OS limit is ${limit}`));
      return true;
    });
    using push = new Push();
    assert.throws(
      () => push.connect(`ipc://${path}`),
      (err) => err instanceof ZmqError && err.code === "EINVAL",
    );
  },
});

Deno.test({
  name: "an ipc path of exactly the OS limit works",
  ignore: !isUnix,
  fn: async () => {
    const limit = Deno.build.os === "linux" ? 107 : 103;
    const dir = ipcDir();
    const path = `${dir}/${"p".repeat(limit - dir.length - 1)}`;
    assert.equal(new TextEncoder().encode(path).length, limit);
    using pull = new Pull();
    await pull.bind(`ipc://${path}`);
    using push = new Push();
    push.connect(`ipc://${path}`);
    await push.send("long path");
    assert.deepEqual(texts(await within(5000, pull.receive())), ["long path"]);
  },
});

Deno.test({
  name: "ipc connect before bind keeps retrying until the path appears",
  ignore: !isUnix,
  fn: async () => {
    const endpoint = `ipc://${freshPath()}`;
    using push = new Push({ reconnectInterval: 10 });
    push.connect(endpoint);
    await push.send("waited");
    using pull = new Pull();
    await pull.bind(endpoint);
    assert.deepEqual(texts(await within(5000, pull.receive())), ["waited"]);
  },
});

Deno.test({
  name: "ipc://@name is a Linux abstract socket, with no file",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const endpoint = `ipc://@zmtp-test-${Deno.pid}-${++counter}`;
    using pull = new Pull();
    await pull.bind(endpoint);
    assert.equal(pull.lastEndpoint, endpoint);
    using push = new Push();
    push.connect(endpoint);
    await push.send("abstract");
    assert.deepEqual(texts(await within(5000, pull.receive())), ["abstract"]);
    using other = new Pull();
    await assert.rejects(other.bind(endpoint), isAddrInUse);
  },
});
