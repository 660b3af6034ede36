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
// zeromq/draft (Server, Client, Radio, Dish, Gather, Scatter) is loaded on
// first use: it prints an "experimental" warning.
let draftModule = null;
function draft() {
  if (draftModule === null) {
    // Its one "experimental" warning would clutter every test's output.
    const emitWarning = process.emitWarning;
    process.emitWarning = () => {};
    try {
      draftModule = require("zeromq/draft");
    } finally {
      process.emitWarning = emitWarning;
    }
  }
  return draftModule;
}
const DRAFT_TYPES = ["Server", "Client", "Radio", "Dish", "Gather", "Scatter"];

const sockets = new Map();
let nextSocket = 1;
let zap = null;

// [status, text, who] for a ZAP request; `who` names an allowed peer.
function zapDecision(rules, request) {
  const deny = [rules.denyStatus ?? "400", "Denied", null];
  if (request.mechanism === "PLAIN") {
    const users = rules.users ?? {};
    const known = Object.prototype.hasOwnProperty.call(users, request.username);
    return known && users[request.username] === request.password
      ? ["200", "OK", request.username]
      : deny;
  }
  if (request.mechanism === "CURVE") {
    return (rules.publicKeys ?? []).includes(request.publicKey)
      ? ["200", "OK", request.publicKey]
      : deny;
  }
  return rules.allowNull ? ["200", "OK", null] : deny;
}

// Z85 (RFC 32), written out here so ZAP requests can name CURVE keys as
// libzmq users see them, independently of the library under test.
const Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
function z85Encode(bytes) {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4) {
    let value = bytes.readUInt32BE(i);
    let chunk = "";
    for (let j = 0; j < 5; j++) {
      chunk = Z85[value % 85] + chunk;
      value = Math.floor(value / 85);
    }
    out += chunk;
  }
  return out;
}

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
    const Type = DRAFT_TYPES.includes(type) ? draft()[type] : zmq[type];
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
  // `routingId` (Server) or `group` (Radio, base64) go as zeromq.js's send options.
  send: async ({ socket, frames, timeout = 10000, routingId, group }) => {
    const s = getSocket(socket).socket;
    const parts = decode(frames);
    const sent = routingId !== undefined
      ? s.send(parts[0], { routingId })
      : group !== undefined
      ? s.send(parts[0], { group: Buffer.from(group, "base64") })
      : s.send(parts);
    await Promise.race([sent, deadline(timeout, "send")]);
    return {};
  },
  // A Server's or Dish's message comes as [frame, {routingId} or {group}]: both are returned.
  receive: async ({ socket, timeout = 10000 }) => {
    const parts = await Promise.race([
      getSocket(socket).socket.receive(),
      deadline(timeout, "receive"),
    ]);
    const meta = parts.length > 0 && !Buffer.isBuffer(parts[parts.length - 1]) ? parts.pop() : null;
    const result = { frames: encode(parts) };
    if (meta?.routingId !== undefined) result.routingId = meta.routingId;
    if (meta?.group !== undefined) result.group = Buffer.from(meta.group).toString("base64");
    return result;
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
  // Installs a ZAP handler (RFC 27) for every socket in this process: a
  // Router on inproc://zeromq.zap.01 that answers by `rules`:
  //   users: {name: password}   PLAIN credentials to allow
  //   publicKeys: [z85]         CURVE client keys to allow
  //   allowNull: boolean        allow NULL requests (sent when zapDomain is set)
  //   denyStatus: "400"         status code for refusals ("300", "400", "500")
  //   userIds: {name or key: userId}  User-Id to reply for an allowed peer
  // Requests are recorded for `zapRequests`.
  zapHandler: async ({ rules = {} }) => {
    if (zap !== null) throw new Error("a ZAP handler is already installed");
    const router = new zmq.Router({ linger: 0 });
    await router.bind("inproc://zeromq.zap.01");
    zap = { router, requests: [] };
    const state = zap;
    (async () => {
      for await (const frames of router) {
        const [id, delimiter, version, requestId, domain, address, identity, mechanism, ...creds] =
          frames;
        const request = {
          version: version.toString(),
          domain: domain.toString(),
          address: address.toString(),
          identity: identity.toString("base64"),
          mechanism: mechanism.toString(),
          username: null,
          password: null,
          publicKey: null,
        };
        if (request.mechanism === "PLAIN") {
          request.username = creds[0].toString();
          request.password = creds[1].toString();
        } else if (request.mechanism === "CURVE") {
          request.publicKey = z85Encode(creds[0]);
        }
        state.requests.push(request);
        const [status, text, who] = zapDecision(rules, request);
        const userId = who !== null ? (rules.userIds ?? {})[who] ?? who : "";
        await router.send([id, delimiter, "1.0", requestId, status, text, userId, ""]);
      }
    })().catch(() => {/* router closed */});
    return {};
  },
  zapRequests: () => {
    if (zap === null) throw new Error("no ZAP handler installed");
    const requests = zap.requests;
    zap.requests = [];
    return { requests };
  },
  exit: () => {
    for (const { socket } of sockets.values()) socket.close();
    zap?.router.close();
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
  zap?.router.close();
  process.exit(0);
});
reply({ id: 0, ok: true, ready: true, version: zmq.version });
