// A libzmq peer for the interop tests: zeromq.js (libzmq 4.3.5) running in
// Node, where the binding is at home, driven over stdin/stdout with one JSON
// object per line. Deno's tests talk to it through libzmq.ts.
//
// Request:  {"id": 1, "op": "socket", "type": "Pull", "options": {...}}
// Reply:    {"id": 1, "ok": true, ...} or {"id": 1, "ok": false, "error": "...", "code": "..."}
// Frames travel as base64 strings.
"use strict";
const zmq = require("zeromq");
const readline = require("node:readline");

const sockets = new Map();
let nextSocket = 1;

function reply(msg) {
  process.stdout.write(JSON.stringify(msg) + "\n");
}

const decode = (frames) => frames.map((f) => Buffer.from(f, "base64"));
const encode = (frames) => frames.map((f) => Buffer.from(f).toString("base64"));

function getSocket(id) {
  const socket = sockets.get(id);
  if (socket === undefined) throw new Error(`no socket ${id}`);
  return socket;
}

function deadline(ms, what) {
  return new Promise((_, reject) => {
    if (ms >= 0) {
      setTimeout(
        () => reject(Object.assign(new Error(`${what} timed out`), { code: "EAGAIN" })),
        ms,
      ).unref();
    }
  });
}

const ops = {
  version: () => ({ version: zmq.version }),
  socket: ({ type, options }) => {
    const Type = zmq[type];
    if (typeof Type !== "function") throw new Error(`unknown socket type ${type}`);
    const socket = new Type(options ?? {});
    const id = nextSocket++;
    sockets.set(id, { socket, events: [] });
    return { socket: id };
  },
  bind: async ({ socket, endpoint }) => {
    const s = getSocket(socket).socket;
    await s.bind(endpoint);
    return { endpoint: s.lastEndpoint };
  },
  unbind: async ({ socket, endpoint }) => {
    await getSocket(socket).socket.unbind(endpoint);
    return {};
  },
  connect: ({ socket, endpoint }) => {
    getSocket(socket).socket.connect(endpoint);
    return {};
  },
  disconnect: ({ socket, endpoint }) => {
    getSocket(socket).socket.disconnect(endpoint);
    return {};
  },
  send: async ({ socket, frames, timeout = 10000 }) => {
    await Promise.race([getSocket(socket).socket.send(decode(frames)), deadline(timeout, "send")]);
    return {};
  },
  receive: async ({ socket, timeout = 10000 }) => {
    const frames = await Promise.race([
      getSocket(socket).socket.receive(),
      deadline(timeout, "receive"),
    ]);
    return { frames: encode(frames) };
  },
  // Receives `count` messages and returns them all (for bulk checks).
  receiveMany: async ({ socket, count, timeout = 20000 }) => {
    const s = getSocket(socket).socket;
    const out = [];
    const all = (async () => {
      for (let i = 0; i < count; i++) out.push(encode(await s.receive()));
    })();
    await Promise.race([all, deadline(timeout, `receive of ${count} messages`)]);
    return { messages: out };
  },
  // Sends `count` copies of the frames, or the listed messages.
  sendMany: async ({ socket, messages, timeout = 20000 }) => {
    const s = getSocket(socket).socket;
    const all = (async () => {
      for (const m of messages) await s.send(decode(m));
    })();
    await Promise.race([all, deadline(timeout, `send of ${messages.length} messages`)]);
    return {};
  },
  set: ({ socket, name, value }) => {
    const s = getSocket(socket).socket;
    s[name] = value && value.base64 !== undefined ? Buffer.from(value.base64, "base64") : value;
    return {};
  },
  get: ({ socket, name }) => {
    const value = getSocket(socket).socket[name];
    return { value: Buffer.isBuffer(value) ? { base64: value.toString("base64") } : value };
  },
  call: ({ socket, method, args = [] }) => {
    const s = getSocket(socket).socket;
    const result = s[method](...args);
    return { result: result === undefined ? null : result };
  },
  // Starts recording monitor events; `events` returns and clears them.
  monitor: ({ socket }) => {
    const entry = getSocket(socket);
    (async () => {
      try {
        for await (const event of entry.socket.events) {
          entry.events.push({
            type: event.type,
            address: event.address ?? null,
            error: event.error?.message ?? null,
            interval: event.interval ?? null,
          });
        }
      } catch { /* socket closed */ }
    })();
    return {};
  },
  events: ({ socket }) => {
    const entry = getSocket(socket);
    const events = entry.events;
    entry.events = [];
    return { events };
  },
  close: ({ socket }) => {
    getSocket(socket).socket.close();
    sockets.delete(socket);
    return {};
  },
  curveKeyPair: () => zmq.curveKeyPair(),
  exit: () => {
    for (const { socket } of sockets.values()) socket.close();
    setImmediate(() => process.exit(0));
    return {};
  },
};

const rl = readline.createInterface({ input: process.stdin });
rl.on("line", async (line) => {
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    return;
  }
  try {
    const op = ops[request.op];
    if (op === undefined) throw new Error(`unknown op ${request.op}`);
    const result = await op(request);
    reply({ id: request.id, ok: true, ...result });
  } catch (err) {
    reply({
      id: request.id,
      ok: false,
      error: String(err && err.message || err),
      code: err && err.code || null,
    });
  }
});
rl.on("close", () => {
  for (const { socket } of sockets.values()) socket.close();
  process.exit(0);
});
reply({ id: 0, ok: true, ready: true, version: zmq.version });
