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

const scenarios = {
  pair: () => libraryPair(argument),
  errors: errorCodes,
  "req-libzmq": () => requestLibzmq(argument),
  zeromqjs,
};
const timer = setTimeout(() => {
  console.log(`timeout in ${scenario}`);
  process.exit(3);
}, 10000);
console.log(`ok ${await scenarios[scenario]()}`);
clearTimeout(timer);
