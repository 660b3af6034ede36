// udp:// scenarios on Node or Bun against the built package (node:dgram
// underneath): `node datagram_scenario.mjs <path to mod.js> <scenario> <endpoint>`.
// Prints one line starting with "ok" when the scenario held; anything else
// exits non-zero. libzmq's side is udp_libzmq_peer.cjs in a Node child
// (`ZMQ_TEST_NODE` names the node binary).

const [modPath, scenario, endpoint] = process.argv.slice(2);
const zmq = await import(modPath);
const childProcess = process.getBuiltinModule("child_process");
const decoder = new TextDecoder();
const peerScript = new URL("udp_libzmq_peer.cjs", import.meta.url).pathname;

function check(ok, what) {
  if (!ok) throw new Error(`failed: ${what}`);
}

/** The next message, or an error after `ms`. */
function receiveWithin(dish, ms) {
  return dish.receive({ signal: AbortSignal.timeout(ms) });
}

/**
 * Our Radio to our Dish: the Dish joined "a" only; the Radio sends 50 to "a"
 * and 50 to "b", interleaved. Exactly the "a" ones arrive, in order.
 */
async function libraryPair() {
  const dish = new zmq.Dish();
  await dish.bind(endpoint);
  dish.join("a");
  const radio = new zmq.Radio();
  radio.connect(endpoint.includes(":*") ? dish.lastEndpoint : endpoint);
  try {
    for (let i = 0; i < 50; i++) {
      await radio.send(`b${i}`, { group: "b" });
      await radio.send(`a${i}`, { group: "a" });
    }
    for (let i = 0; i < 50; i++) {
      const msg = await receiveWithin(dish, 3000);
      check(zmq.messageGroup(msg) === "a", `group of message ${i}: ${zmq.messageGroup(msg)}`);
      check(decoder.decode(msg[0]) === `a${i}`, `message ${i}: ${decoder.decode(msg[0])}`);
    }
    check(
      await receiveWithin(dish, 100).then(() => false, () => true),
      "nothing but group a arrives",
    );
  } finally {
    radio.close();
    dish.close();
  }
  return `50 of 100 messages (group a) over ${dish.lastEndpoint}`;
}

/**
 * 20 000 datagrams queued at once from a Radio to a Dish in this process
 * all arrive, in order: the Radio's sends leave the event loop room to read.
 */
async function burst() {
  const dish = new zmq.Dish({ receiveHighWaterMark: 0 });
  await dish.bind("udp://127.0.0.1:*");
  dish.join("g");
  const radio = new zmq.Radio({ sendHighWaterMark: 0 });
  radio.connect(dish.lastEndpoint);
  const count = 20_000;
  try {
    for (let i = 0; i < count; i++) await radio.send(String(i), { group: "g" });
    for (let i = 0; i < count; i++) {
      const body = decoder.decode((await receiveWithin(dish, 3000))[0]);
      check(body === String(i), `datagram ${i}: ${body}`);
    }
  } finally {
    radio.close();
    dish.close();
  }
  return `${count} datagrams in one burst, none lost`;
}

/** Runs `nft` with `args` (and `input`, if any, on stdin); resolves with its output. */
function nft(args, input) {
  return new Promise((resolve, reject) => {
    const stdin = input === undefined ? "ignore" : "pipe";
    const child = childProcess.spawn("nft", args, { stdio: [stdin, "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => out += chunk);
    child.on(
      "exit",
      (code) => code === 0 ? resolve(out) : reject(new Error(`nft ${args}: ${code}`)),
    );
    child.stdin?.end(input);
  });
}

/**
 * Inside a private network namespace: nft counts by TTL what leaves for
 * the udp port (3 datagrams from a Radio with multicastHops 7, then 3 with
 * the default) and the epgm port (a Publisher with multicastHops 7).
 */
async function ttl() {
  const [udpPort, epgmPort] = [47005, 47006];
  await nft(
    ["-f", "-"],
    [
      "table ip zmqttl {",
      "  chain out {",
      "    type filter hook output priority 0;",
      `    udp dport ${udpPort} ip ttl 7 counter`,
      `    udp dport ${udpPort} ip ttl 1 counter`,
      `    udp dport ${epgmPort} ip ttl 7 counter`,
      `    udp dport ${epgmPort} ip ttl 1 counter`,
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  for (const options of [{ multicastHops: 7 }, {}]) {
    const radio = new zmq.Radio(options);
    radio.connect(`udp://127.0.0.1;239.192.7.9:${udpPort}`);
    for (let i = 0; i < 3; i++) await radio.send("x", { group: "g" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    radio.close();
  }
  const pub = new zmq.Publisher({ multicastHops: 7, linger: 0 });
  pub.connect(`epgm://127.0.0.1;239.192.7.10:${epgmPort}`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  for (let i = 0; i < 3; i++) await pub.send(["t", "x"]);
  await new Promise((resolve) => setTimeout(resolve, 100));
  pub.close();
  const listed = await nft(["list", "table", "ip", "zmqttl"]);
  const counts = [...listed.matchAll(/dport (\d+) ip ttl (\d+) counter packets (\d+)/g)]
    .map(([, port, ttl, packets]) => ({ port: Number(port), ttl: Number(ttl), packets }));
  const udp = counts.filter((c) => c.port === udpPort).map((c) => `${c.ttl}:${c.packets}`);
  check(udp.join(" ") === "7:3 1:3", `udp TTL:packets ${udp.join(" ")}`);
  const epgm = counts.filter((c) => c.port === epgmPort);
  check(
    epgm[0].packets > 0 && Number(epgm[1].packets) === 0,
    `epgm TTL:packets ${epgm.map((c) => `${c.ttl}:${c.packets}`).join(" ")}`,
  );
  return `udp TTL:packets ${udp.join(" ")}, epgm all with TTL 7`;
}

/** Starts libzmq's Dish or Radio on `at`; resolves with the child and its lines once ready. */
async function startLibzmq(role, at) {
  const child = childProcess.spawn(
    process.env.ZMQ_TEST_NODE ?? "node",
    [peerScript, role, at, "g"],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  child.stdin.on("error", () => {}); // it may be gone already when we close its stdin
  const lines = [];
  let wake = () => {};
  let buffered = "";
  child.stdout.on("data", (chunk) => {
    buffered += chunk.toString();
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      lines.push(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
    wake();
  });
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  const nextLine = async () => {
    while (lines.length === 0) {
      const more = new Promise((resolve) => wake = resolve);
      if (await Promise.race([more.then(() => false), exited.then(() => true)])) {
        if (lines.length === 0) throw new Error(`libzmq ${role} exited`);
      }
    }
    return lines.shift();
  };
  check(await nextLine() === "ready", `libzmq ${role} started`);
  return { child, nextLine, exited };
}

/** A udp port nobody uses right now (libzmq's Dish cannot bind port *). */
async function freeUdpPort() {
  const socket = process.getBuiltinModule("dgram").createSocket("udp4");
  await new Promise((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise((resolve) => socket.close(resolve));
  return port;
}

/** Our Radio to libzmq's Dish (joined "g"): it gets a "g" message, never "other"'s. */
async function toLibzmq() {
  const at = endpoint.replace(":*", `:${await freeUdpPort()}`);
  const peer = await startLibzmq("dish", at);
  const radio = new zmq.Radio();
  radio.connect(at);
  let got = null;
  peer.nextLine().then((line) => got = line, () => got = "exited");
  try {
    for (let i = 0; i < 200 && got === null; i++) {
      await radio.send("skip", { group: "other" });
      await radio.send("hello", { group: "g" });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    check(got === "got g hello", `libzmq's Dish said ${got}`);
  } finally {
    radio.close();
    peer.child.kill();
  }
  return `libzmq's Dish received ours over ${at}`;
}

/** libzmq's Radio to our Dish (joined "g"): "hello" in group "g", never "other"'s. */
async function fromLibzmq() {
  const dish = new zmq.Dish();
  await dish.bind(endpoint);
  dish.join("g");
  const at = endpoint.includes(":*") ? dish.lastEndpoint : endpoint;
  const peer = await startLibzmq("radio", at);
  try {
    for (let i = 0; i < 5; i++) {
      const msg = await receiveWithin(dish, 3000);
      check(zmq.messageGroup(msg) === "g", `group ${zmq.messageGroup(msg)}`);
      check(decoder.decode(msg[0]) === "hello", `body ${decoder.decode(msg[0])}`);
    }
  } finally {
    peer.child.stdin.end();
    await peer.exited;
    dish.close();
  }
  return `5 messages from libzmq's Radio over ${at}`;
}

/**
 * A Dish binding a port in use, or an address not on this host, fails with
 * libzmq's code. A Radio's socket binds in the background here (node:dgram),
 * so sending from an interface address not on this host is reported as a
 * failed connect (libzmq's connect does not fail either).
 */
async function errorCodes() {
  const first = new zmq.Dish();
  await first.bind("udp://127.0.0.1:*");
  const second = new zmq.Dish();
  const codes = [];
  for (const at of [first.lastEndpoint, "udp://192.0.2.1:*"]) {
    try {
      await second.bind(at);
      codes.push("bound");
    } catch (err) {
      check(err instanceof zmq.ZmqError, `a ZmqError for ${at}`);
      codes.push(err.code);
    }
  }
  first.close();
  second.close();
  const radio = new zmq.Radio();
  const events = radio.events[Symbol.asyncIterator]();
  radio.connect("udp://192.0.2.1;239.192.7.9:47003");
  const event = (await events.next()).value;
  codes.push(event.type, event.error?.code);
  radio.close();
  const expected = "EADDRINUSE EADDRNOTAVAIL connect:delay EADDRNOTAVAIL";
  check(codes.join(" ") === expected, `codes: ${codes.join(" ")}`);
  return codes.join(" ");
}

const scenarios = {
  "udp-pair": libraryPair,
  "udp-burst": burst,
  "udp-ttl": ttl,
  "udp-to-libzmq": toLibzmq,
  "udp-from-libzmq": fromLibzmq,
  "udp-errors": errorCodes,
};
const timer = setTimeout(() => {
  console.log(`timeout in ${scenario}`);
  process.exit(3);
}, 15000);
console.log(`ok ${await scenarios[scenario]()}`);
clearTimeout(timer);
