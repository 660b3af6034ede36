// Runs one scenario on Node or Bun against the built package (dist/npm
// layout): `node scenario.mjs <path to mod.js> <scenario> [argument]`.
// Prints one line starting with "ok" when the scenario held; anything
// else (a thrown error, a wrong message) exits non-zero.

const [modPath, scenario, argument] = process.argv.slice(2);
const zmq = await import(modPath);
const text = (frames) => frames.map((f) => new TextDecoder().decode(f));

function check(ok, what) {
  if (!ok) throw new Error(`failed: ${what}`);
}

/** 1000 multipart messages from a Push to a bound Pull, in order, then a Req/Rep round trip. */
async function libraryPair(endpoint) {
  const pull = new zmq.Pull();
  await pull.bind(endpoint);
  const push = new zmq.Push();
  push.connect(pull.lastEndpoint);
  const count = 1000;
  const sending = (async () => {
    for (let i = 0; i < count; i++) await push.send(["n", String(i), new Uint8Array(i % 300)]);
  })();
  for (let i = 0; i < count; i++) {
    const frames = await pull.receive();
    check(frames.length === 3 && text(frames)[1] === String(i), `message ${i} in order`);
    check(frames[2].length === i % 300, `message ${i} body size`);
  }
  await sending;
  push.close();
  pull.close();

  const rep = new zmq.Reply();
  await rep.bind(endpoint);
  const req = new zmq.Request();
  req.connect(rep.lastEndpoint);
  await req.send("ping");
  const [asked] = text(await rep.receive());
  await rep.send(`${asked}:pong`);
  const [answer] = text(await req.receive());
  check(answer === "ping:pong", "Req/Rep round trip");
  req.close();
  rep.close();
  return `${count} messages and a round trip over ${pull.lastEndpoint ?? endpoint}`;
}

/** Binding an address already bound fails with libzmq's code. */
async function errorCodes() {
  const first = new zmq.Pull();
  await first.bind("tcp://127.0.0.1:*");
  const second = new zmq.Pull();
  const codes = [];
  for (const endpoint of [first.lastEndpoint, "ipc:///nonexistent-dir/zmq.sock"]) {
    try {
      await second.bind(endpoint);
      codes.push("bound");
    } catch (err) {
      check(err instanceof zmq.ZmqError, `a ZmqError for ${endpoint}`);
      codes.push(err.code);
    }
  }
  first.close();
  second.close();
  check(codes.join(" ") === "EADDRINUSE ENOENT", `codes: ${codes.join(" ")}`);
  return codes.join(" ");
}

/** Three requests to a libzmq Reply (pyzmq) that answers "<request>:pong". */
async function requestLibzmq(endpoint) {
  const req = new zmq.Request();
  req.connect(endpoint);
  for (let i = 0; i < 3; i++) {
    await req.send(`ping${i}`);
    const [answer] = text(await req.receive());
    check(answer === `ping${i}:pong`, `answer ${i}: ${answer}`);
  }
  await req.send("bye");
  await req.receive();
  req.close();
  return `3 round trips with libzmq over ${endpoint}`;
}

/** zeromq.js (libzmq 4.3.5) in this same Node process, both directions over tcp. */
async function zeromqjs() {
  const libzmq = await import("zeromq");
  const theirPull = new libzmq.Pull();
  await theirPull.bind("tcp://127.0.0.1:*");
  const ourPush = new zmq.Push();
  ourPush.connect(theirPull.lastEndpoint);
  await ourPush.send(["to", "libzmq"]);
  const [received] = await theirPull.receive();
  check(received.toString() === "to", "libzmq received ours");

  const ourPull = new zmq.Pull();
  await ourPull.bind("tcp://127.0.0.1:*");
  const theirPush = new libzmq.Push();
  theirPush.connect(ourPull.lastEndpoint);
  await theirPush.send(["from", "libzmq"]);
  check(text(await ourPull.receive()).join(" ") === "from libzmq", "we received libzmq's");
  ourPush.close();
  ourPull.close();
  theirPull.close();
  theirPush.close();
  return "both directions with zeromq.js";
}

/** Records a socket's monitor events; `waitFor(type)` resolves with the first of that type. */
function eventLog(socket) {
  const events = [];
  const waiters = [];
  (async () => {
    for await (const event of socket.events) {
      events.push(event);
      for (const waiter of waiters.splice(0)) {
        if (!waiter(event)) waiters.push(waiter);
      }
    }
  })();
  const count = (type) => events.filter((e) => e.type === type).length;
  return {
    events,
    count,
    /** Resolves once `n` events of `type` were seen; returns the first. */
    waitFor(type, n = 1) {
      const first = () => events.find((e) => e.type === type);
      if (count(type) >= n) return Promise.resolve(first());
      return new Promise((resolve) => {
        waiters.push(() => {
          if (count(type) < n) return false;
          resolve(first());
          return true;
        });
      });
    },
  };
}

/** Sends `probe` until `receiver` gets a message (subscriptions travel on their own time). */
async function untilReceived(send, receiver) {
  receiver.receiveTimeout = 50;
  try {
    for (let round = 0; round < 100; round++) {
      await send();
      try {
        return await receiver.receive();
      } catch (err) {
        if (err.code !== "EAGAIN") throw err;
      }
    }
    throw new Error("nothing arrived");
  } finally {
    receiver.receiveTimeout = -1;
  }
}

/** Every socket type pairing carries a message over ws, the first of each pair binding. */
async function wsSocketTypes() {
  const WS = "ws://127.0.0.1:*/zmq";
  const done = [];
  const pair = async (Binder, Connecter, exchange, options = {}) => {
    const bound = new zmq[Binder](options);
    await bound.bind(WS);
    const connected = new zmq[Connecter](options);
    connected.connect(bound.lastEndpoint);
    await exchange(bound, connected);
    connected.close();
    bound.close();
    done.push(`${Binder}/${Connecter}`);
  };
  const oneWay = async (from, to) => {
    await from.send(["one", "two"]);
    check(text(await to.receive()).join(" ") === "one two", "a two-part message");
  };
  await pair("Pair", "Pair", async (a, b) => {
    await oneWay(a, b);
    await oneWay(b, a);
  });
  await pair("Pull", "Push", (pull, push) => oneWay(push, pull));
  await pair("Publisher", "Subscriber", async (pub, sub) => {
    sub.subscribe("t");
    const [topic] = text(await untilReceived(() => pub.send(["t", "x"]), sub));
    check(topic === "t", "a subscribed topic");
  });
  await pair("XPublisher", "XSubscriber", async (xpub, xsub) => {
    await xsub.send(["\x01t"]);
    check(text(await xpub.receive())[0] === "\x01t", "the subscription reached the XPublisher");
    await xpub.send(["t", "x"]);
    check(text(await xsub.receive()).join(" ") === "t x", "a published message");
  });
  await pair("Reply", "Request", async (rep, req) => {
    await req.send("ping");
    check(text(await rep.receive())[0] === "ping", "a request");
    await rep.send("pong");
    check(text(await req.receive())[0] === "pong", "a reply");
  });
  await pair("Router", "Dealer", async (router, dealer) => {
    await dealer.send("hi");
    const [id, body] = await router.receive();
    check(text([body])[0] === "hi", "the dealer's message");
    await router.send([id, "back"]);
    check(text(await dealer.receive())[0] === "back", "the router's answer");
  }, {});
  await pair("Server", "Client", async (server, client) => {
    await client.send("hi");
    const [msg] = await server.receive();
    await server.send("back", { routingId: zmq.messageRoutingId(msg) });
    check(text(await client.receive())[0] === "back", "the server's answer");
  });
  await pair("Gather", "Scatter", async (gather, scatter) => {
    await scatter.send("hi");
    check(text(await gather.receive())[0] === "hi", "a scattered message");
  });
  await pair("Channel", "Channel", async (a, b) => {
    await b.send("hi");
    check(text(await a.receive())[0] === "hi", "a channel message");
  });
  return `${done.length} pairings over ws: ${done.join(" ")}`;
}

/** PLAIN and CURVE over ws: the client offers libzmq's subprotocol lists, the server picks. */
async function wsSecurity() {
  const WS = "ws://127.0.0.1:*";
  const server = zmq.curveKeyPair();
  const client = zmq.curveKeyPair();
  const setups = {
    PLAIN: [
      { plainServer: true, authenticate: (r) => r.password === "right" },
      { plainUsername: "u", plainPassword: "right" },
    ],
    CURVE: [
      { curveServer: true, curveSecretKey: server.secretKey },
      {
        curveServerKey: server.publicKey,
        curvePublicKey: client.publicKey,
        curveSecretKey: client.secretKey,
      },
    ],
  };
  for (const [name, [serverOptions, clientOptions]] of Object.entries(setups)) {
    const rep = new zmq.Reply(serverOptions);
    await rep.bind(WS);
    const req = new zmq.Request(clientOptions);
    req.connect(rep.lastEndpoint);
    await req.send(`${name} ping`);
    const [asked] = text(await rep.receive());
    await rep.send(`${asked}:pong`);
    check(text(await req.receive())[0] === `${name} ping:pong`, `${name} round trip`);
    req.close();
    rep.close();
  }
  // A client with the wrong server key never gets through; the server says why.
  const pull = new zmq.Pull(setups.CURVE[0]);
  const serverLog = eventLog(pull);
  await pull.bind(WS);
  const stranger = zmq.curveKeyPair();
  const push = new zmq.Push({
    curveServerKey: stranger.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
    linger: 0,
  });
  push.connect(pull.lastEndpoint);
  await push.send("must not arrive");
  const failure = await serverLog.waitFor("handshake:error:protocol");
  pull.receiveTimeout = 200;
  const nothing = await pull.receive().then(() => "received", (err) => err.code);
  check(nothing === "EAGAIN", `wrong key: ${nothing}`);
  push.close();
  pull.close();
  return `PLAIN and CURVE round trips over ws; a wrong CURVE key: ${failure.type}`;
}

/** wss with a test CA (`dir` holds ca.pem, cert.pem, key.pem for the name localhost). */
async function wss(dir) {
  const fs = process.getBuiltinModule("fs");
  const [caPem, certPem, keyPem] = ["ca.pem", "cert.pem", "key.pem"].map((f) =>
    fs.readFileSync(`${dir}/${f}`, "utf8")
  );
  const missing = await new zmq.Pull().bind("wss://127.0.0.1:*").then(() => "bound", (e) => e.code);
  check(missing === "EINVAL", `bind without a certificate: ${missing}`);

  const pull = new zmq.Pull({ wssCertPem: certPem, wssKeyPem: keyPem });
  await pull.bind("wss://127.0.0.1:*/secure");
  check(/^wss:\/\/127\.0\.0\.1:\d+\/secure$/.test(pull.lastEndpoint), pull.lastEndpoint);
  // Untrusted: each attempt fails its handshake visibly and is retried.
  const push = new zmq.Push({ reconnectInterval: 20, linger: 0 });
  const log = eventLog(push);
  push.connect(pull.lastEndpoint);
  await push.send("waits for a trusted connection");
  const failure = await log.waitFor("handshake:error:protocol", 2);
  check(/certificate/i.test(failure.error?.message), `error: ${failure.error?.message}`);
  // The right CA but not the name the certificate carries.
  const wrongName = new zmq.Push({ wssTrustPem: caPem, linger: 0 });
  const wrongLog = eventLog(wrongName);
  wrongName.connect(pull.lastEndpoint);
  const nameFailure = await wrongLog.waitFor("handshake:error:protocol");
  check(/altnames|name|certificate/i.test(nameFailure.error?.message), nameFailure.error?.message);
  wrongName.close();
  pull.receiveTimeout = 200;
  const early = await pull.receive().then(() => "received", (err) => err.code);
  check(early === "EAGAIN", `before trusting: ${early}`);
  pull.receiveTimeout = -1;
  push.wssTrustPem = caPem;
  push.wssHostname = "localhost";
  check(text(await pull.receive())[0] === "waits for a trusted connection", "the queued message");
  // Bytes that are not TLS end that connection only.
  const port = Number(new URL(pull.lastEndpoint.replace(/^wss:/, "https:")).port);
  const notTls = process.getBuiltinModule("net").connect({ host: "127.0.0.1", port });
  notTls.on("error", () => {});
  notTls.resume();
  notTls.write("GET / HTTP/1.1\r\n\r\n\x16\x03\x01garbage");
  await new Promise((resolve) => notTls.once("close", resolve));
  for (let i = 0; i < 200; i++) await push.send(["n", String(i), new Uint8Array(i * 331)]);
  for (let i = 0; i < 200; i++) {
    const frames = await pull.receive();
    check(text(frames)[1] === String(i) && frames[2].length === i * 331, `wss message ${i}`);
  }
  push.close();
  pull.close();
  return `wss: untrusted ${failure.type}, wrong name ${nameFailure.type}, not TLS closed, ` +
    `trusted delivers`;
}

/** Upgrades a raw node:net connection to a ZWS client; returns the socket and its first bytes. */
async function rawWsClient(endpoint, protocols) {
  const net = process.getBuiltinModule("net");
  const { hostname, port } = new URL(endpoint.replace(/^ws:/, "http:"));
  const socket = net.connect({ host: hostname, port: Number(port) });
  socket.on("error", () => {});
  await new Promise((resolve) => socket.once("connect", resolve));
  const received = [];
  socket.on("data", (chunk) => received.push(chunk));
  const closed = new Promise((resolve) => socket.once("close", resolve));
  socket.write(
    `GET / HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n` +
      `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${protocols}\r\n\r\n`,
  );
  return { socket, received, closed };
}

/** A masked (all-zero mask) client frame. */
function clientFrame(opcode, payload) {
  return Uint8Array.of(0x80 | opcode, 0x80 | payload.length, 0, 0, 0, 0, ...payload);
}

/** ws lifecycle: EADDRINUSE, events, heartbeats as pings, unbind and reconnect, hostile peers. */
async function wsLifecycle() {
  const pull = new zmq.Pull({ heartbeatInterval: 50, heartbeatTimeout: 150 });
  const pullLog = eventLog(pull);
  await pull.bind("ws://127.0.0.1:*/a");
  const endpoint = pull.lastEndpoint;
  const port = new URL(endpoint.replace(/^ws:/, "http:")).port;
  const codes = [];
  for (const taken of [endpoint, `tcp://127.0.0.1:${port}`]) {
    const other = new zmq.Pull();
    codes.push(await other.bind(taken).then(() => "bound", (err) => err.code));
    other.close();
  }
  check(codes.join(" ") === "EADDRINUSE EADDRINUSE", `binding a taken port: ${codes}`);

  const push = new zmq.Push({ reconnectInterval: 20 });
  const pushLog = eventLog(push);
  push.connect(endpoint);
  await push.send("before");
  check(text(await pull.receive())[0] === "before", "a message before unbind");
  await pushLog.waitFor("handshake");
  await pullLog.waitFor("accept");

  // A peer that completes the handshake and then never answers a ping is dropped.
  const silent = await rawWsClient(endpoint, "ZWS2.0/NULL");
  await new Promise((resolve) => setTimeout(resolve, 50));
  const ready = new TextEncoder().encode("\x05READY\x0bSocket-Type\x00\x00\x00\x04PUSH");
  silent.socket.write(clientFrame(0x2, [0x02, ...ready]));
  await pullLog.waitFor("handshake", 2);
  const dropped = await pullLog.waitFor("disconnect");
  check(/heartbeat/.test(dropped.error?.message), `dropped: ${dropped.error?.message}`);
  await silent.closed;

  // Hostile input closes only that connection: not HTTP, then an unmasked client frame.
  const garbage = await rawWsClient(endpoint, "ZWS2.0/NULL");
  garbage.socket.write(Uint8Array.of(0x82, 0x05, 1, 2, 3, 4, 5));
  await garbage.closed;
  const notHttp = process.getBuiltinModule("net").connect({ host: "127.0.0.1", port });
  notHttp.on("error", () => {});
  notHttp.resume(); // read the 400 answer, so the close that follows is seen
  notHttp.write("\x00\x01garbage\r\n\r\n");
  await new Promise((resolve) => notHttp.once("close", resolve));
  await push.send("still served");
  check(text(await pull.receive())[0] === "still served", "the good peer after hostile ones");

  // unbind closes the accepted peers and frees the port; the push reconnects to a new bind.
  await pull.unbind(endpoint);
  await pushLog.waitFor("disconnect");
  const again = new zmq.Pull();
  await again.bind(endpoint);
  await push.send("after");
  check(text(await again.receive())[0] === "after", "a message after rebinding");
  push.disconnect(endpoint);
  let second = "none";
  try {
    push.disconnect(endpoint);
  } catch (err) {
    second = err.code;
  }
  check(second === "ENOENT", `a second disconnect: ${second}`);
  push.close();
  again.close();
  pull.close();
  return `ws: EADDRINUSE, heartbeat drop, hostile peers closed, unbind/rebind, disconnect`;
}

/** acceptWebSocket needs a Request-based upgrade, which Node and Bun do not offer: ENOTSUP. */
function acceptWebSocketOff() {
  const pull = new zmq.Pull();
  const request = new Request("http://127.0.0.1/zmq", {
    headers: { upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "x" },
  });
  let outcome = "accepted";
  try {
    pull.acceptWebSocket(request);
  } catch (err) {
    outcome = `${err.code}: ${err.message}`;
  }
  pull.close();
  check(/^ENOTSUP: .*bind ws:\/\//.test(outcome), outcome);
  return outcome.split(":")[0];
}

/** zeromq.js (libzmq 4.3.5) over ws://, each side binding, NULL and CURVE. */
async function zeromqjsWs() {
  const libzmq = await import("zeromq");
  const WS = "ws://127.0.0.1:*/zmq";
  const server = zmq.curveKeyPair();
  const client = zmq.curveKeyPair();
  const setups = [
    ["NULL", {}, {}],
    ["CURVE", { curveServer: true, curveSecretKey: server.secretKey }, {
      curveServerKey: server.publicKey,
      curvePublicKey: client.publicKey,
      curveSecretKey: client.secretKey,
    }],
  ];
  const done = [];
  for (const [name, serverOptions, clientOptions] of setups) {
    // libzmq binds (the server), we connect.
    const theirRep = new libzmq.Reply(serverOptions);
    await theirRep.bind(WS);
    const ourReq = new zmq.Request(clientOptions);
    ourReq.connect(theirRep.lastEndpoint);
    await ourReq.send(["to", "libzmq"]);
    const asked = await theirRep.receive();
    await theirRep.send([...asked, "ok"]);
    check(text(await ourReq.receive()).join(" ") === "to libzmq ok", `${name}: libzmq's reply`);
    ourReq.close();
    theirRep.close();
    // We bind (the server), libzmq connects.
    const ourRep = new zmq.Reply(serverOptions);
    await ourRep.bind(WS);
    const theirReq = new libzmq.Request(clientOptions);
    theirReq.connect(ourRep.lastEndpoint);
    await theirReq.send(["from", "libzmq"]);
    const got = await ourRep.receive();
    await ourRep.send([...got, "ok"]);
    const answer = (await theirReq.receive()).map((f) => f.toString()).join(" ");
    check(answer === "from libzmq ok", `${name}: our reply to libzmq`);
    theirReq.close();
    ourRep.close();
    done.push(name);
  }
  return `both directions over ws with zeromq.js: ${done.join(", ")}`;
}

/** `argument` as JSON: { endpoint, options } for a Push that sends three messages there. */
async function sendTo({ endpoint, options }) {
  const push = new zmq.Push(options);
  push.connect(endpoint);
  for (let i = 0; i < 3; i++) await push.send(["from", process.release.name, String(i)]);
  push.close(); // linger delivers them
  await new Promise((resolve) => setTimeout(resolve, 100));
  return `3 messages to ${endpoint}`;
}

/** `argument` as JSON: { endpoint, options } for a Pull that binds, says where, and takes three. */
async function receiveAt({ endpoint, options }) {
  const pull = new zmq.Pull(options);
  await pull.bind(endpoint);
  console.log(`endpoint ${pull.lastEndpoint}`);
  for (let i = 0; i < 3; i++) {
    const [, , n] = text(await pull.receive());
    check(n === String(i), `message ${i} in order`);
  }
  pull.close();
  return `3 messages at ${pull.lastEndpoint}`;
}

const scenarios = {
  pair: () => libraryPair(argument),
  errors: errorCodes,
  "req-libzmq": () => requestLibzmq(argument),
  zeromqjs,
  "ws-types": wsSocketTypes,
  "ws-security": wsSecurity,
  wss: () => wss(argument),
  "ws-lifecycle": wsLifecycle,
  "accept-websocket": acceptWebSocketOff,
  "zeromqjs-ws": zeromqjsWs,
  "send-to": () => sendTo(JSON.parse(argument)),
  "receive-at": () => receiveAt(JSON.parse(argument)),
};
const timer = setTimeout(() => {
  console.log(`timeout in ${scenario}`);
  process.exit(3);
}, 10000);
console.log(`ok ${await scenarios[scenario]()}`);
clearTimeout(timer);
