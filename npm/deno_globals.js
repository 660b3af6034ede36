// The few `Deno` globals the command-line tool uses, from Node's (and
// Bun's) own modules, so that dist/npm/cli/main.js runs as an npm `bin`.
// The library itself never needs this: it has no `listen`, so its
// transports still choose node:net (see src/transport/runtime.ts).
import fs from "node:fs";
import { Readable } from "node:stream";

class BrokenPipe extends Error {}
class NotCapable extends Error {}

function writer(fd) {
  return {
    writeSync(bytes) {
      try {
        return fs.writeSync(fd, bytes);
      } catch (err) {
        if (err.code === "EPIPE") throw new BrokenPipe(err.message);
        if (err.code === "EAGAIN") return 0;
        throw err;
      }
    },
    isTerminal: () => process.stdout.isTTY === true && fd === 1,
  };
}

if (globalThis.Deno === undefined) {
  globalThis.Deno = {
    args: process.argv.slice(2),
    build: { os: process.platform === "win32" ? "windows" : process.platform },
    get exitCode() {
      return process.exitCode ?? 0;
    },
    set exitCode(code) {
      process.exitCode = code;
    },
    exit: (code) => process.exit(code),
    stdout: writer(1),
    stderr: writer(2),
    stdin: {
      get readable() {
        return Readable.toWeb(process.stdin);
      },
    },
    addSignalListener: (name, handler) => process.on(name, handler),
    removeSignalListener: (name, handler) => process.off(name, handler),
    readTextFileSync: (path) => fs.readFileSync(path, "utf8"),
    errors: { BrokenPipe, NotCapable },
  };
}
