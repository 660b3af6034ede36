import assert from "node:assert/strict";
import { Dealer, Reply, Request, Router, ZmqError } from "../../mod.ts";
import { bytes, delay, texts, within } from "../helpers.ts";

const TCP = "tcp://127.0.0.1:*";

/** A tcp endpoint on a port that was free a moment ago (for connect-before-bind). */
function freeEndpoint(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `tcp://127.0.0.1:${port}`;
}

function isCode(code: string) {
  return (err: unknown) => err instanceof ZmqError && err.code === code;
}

/** A bound REP and a REQ connected to it. */
async function reqRep(reqOptions = {}) {
  const rep = new Reply();
  await rep.bind(TCP);
  const req = new Request(reqOptions);
  req.connect(rep.lastEndpoint!);
  return { req, rep };
}

Deno.test("REQ-REP: a multipart request and its multipart reply", async () => {
  const { req, rep } = await reqRep();
  await req.send(["hello", "", "world"]);
  assert.deepEqual(texts(await within(5000, rep.receive())), ["hello", "", "world"]);
  await rep.send(["re:", "hello"]);
  assert.deepEqual(texts(await within(5000, req.receive())), ["re:", "hello"]);
  req.close();
  rep.close();
});

Deno.test("REQ-REP: request after request, in alternation", async () => {
  const { req, rep } = await reqRep();
  for (let i = 0; i < 20; i++) {
    await req.send(`request ${i}`);
    const [request] = await within(5000, rep.receive());
    await rep.send(["reply to", request]);
    assert.deepEqual(texts(await within(5000, req.receive())), ["reply to", `request ${i}`]);
  }
  req.close();
  rep.close();
});

Deno.test("REQ-REP: a REQ that connects before the REP binds gets its reply", async () => {
  const endpoint = freeEndpoint();
  const req = new Request();
  req.connect(endpoint);
  await req.send("early");
  const rep = new Reply();
  await rep.bind(endpoint);
  assert.deepEqual(texts(await within(5000, rep.receive())), ["early"]);
  await rep.send("answer");
  assert.deepEqual(texts(await within(5000, req.receive())), ["answer"]);
  req.close();
  rep.close();
});

Deno.test("REQ-REP over inproc", async () => {
  const rep = new Reply();
  await rep.bind("inproc://reqrep-inproc");
  const req = new Request();
  req.connect("inproc://reqrep-inproc");
  await req.send(["ping", "1"]);
  assert.deepEqual(texts(await within(5000, rep.receive())), ["ping", "1"]);
  await rep.send("pong");
  assert.deepEqual(texts(await within(5000, req.receive())), ["pong"]);
  req.close();
  rep.close();
});

Deno.test("Request: two sends in a row reject the second with EFSM", async () => {
  // linger 0: the first request may still be queued when both sockets close.
  const { req, rep } = await reqRep({ linger: 0 });
  await req.send("first");
  await assert.rejects(req.send("second"), isCode("EFSM"));
  req.close();
  rep.close();
});

Deno.test("Request: receive before any send rejects with EFSM", async () => {
  const req = new Request();
  await assert.rejects(req.receive(), isCode("EFSM"));
  req.close();
});

Deno.test("Request: async iteration before any send rejects with EFSM, as receive does", async () => {
  const req = new Request();
  await assert.rejects(req[Symbol.asyncIterator]().next(), isCode("EFSM"));
  req.close();
});

Deno.test("Reply: send before receiving a request rejects with EFSM", async () => {
  const rep = new Reply();
  await assert.rejects(rep.send("unasked"), isCode("EFSM"));
  rep.close();
});

Deno.test("Reply: a second receive before the reply rejects with EFSM", async () => {
  const { req, rep } = await reqRep();
  await req.send("one");
  await within(5000, rep.receive());
  await assert.rejects(rep.receive(), isCode("EFSM"));
  req.close();
  rep.close();
});

Deno.test("Request: requests alternate between two REP servers", async () => {
  const a = new Reply();
  const b = new Reply();
  await a.bind(TCP);
  await b.bind(TCP);
  const req = new Request();
  req.connect(a.lastEndpoint!);
  req.connect(b.lastEndpoint!);
  const served: string[] = [];
  const serve = async (rep: Reply, name: string) => {
    for await (const [request] of rep) {
      served.push(name);
      await rep.send([name, request]);
    }
  };
  const servers = [serve(a, "a"), serve(b, "b")];
  for (let i = 0; i < 6; i++) {
    await req.send(`${i}`);
    await within(5000, req.receive());
  }
  assert.equal(served.length, 6);
  for (let i = 1; i < served.length; i++) assert.notEqual(served[i], served[i - 1]);
  req.close();
  a.close();
  b.close();
  await Promise.all(servers);
});

Deno.test("Request: only the peer that got the request can answer it", async () => {
  // Two ROUTERs; the REQ's routing id lets the one without the request try to answer.
  const asked = new Router();
  const other = new Router({ routerMandatory: true });
  await asked.bind(TCP);
  await other.bind(TCP);
  const req = new Request({ routingId: "client" });
  req.connect(asked.lastEndpoint!);
  req.connect(other.lastEndpoint!);
  // Load-balancing sends the first request to the first connected peer.
  await req.send("question");
  const [id, empty, question] = await within(5000, asked.receive());
  assert.deepEqual(texts([id, empty, question]), ["client", "", "question"]);
  await sendWhenRoutable(other, ["client", "", "impostor"]);
  await delay(50); // lets the impostor's reply arrive first
  await asked.send([id, empty, "genuine"]);
  assert.deepEqual(texts(await within(5000, req.receive())), ["genuine"]);
  req.close();
  asked.close();
  other.close();
});

Deno.test("Request: a reply without the empty delimiter is dropped", async () => {
  const router = new Router();
  await router.bind(TCP);
  const req = new Request();
  req.connect(router.lastEndpoint!);
  await req.send("question");
  const [id] = await within(5000, router.receive());
  await router.send([id, "no delimiter"]);
  await router.send([id, "", "well formed"]);
  assert.deepEqual(texts(await within(5000, req.receive())), ["well formed"]);
  req.close();
  router.close();
});

Deno.test("Request with relaxed may send again before the reply", async () => {
  const { req, rep } = await reqRep({ relaxed: true });
  await req.send("first");
  await req.send("second");
  assert.deepEqual(texts(await within(5000, rep.receive())), ["first"]);
  req.close();
  rep.close();
});

Deno.test("Request with correlate puts a 4-byte request id before the delimiter", async () => {
  const router = new Router();
  await router.bind(TCP);
  const req = new Request({ correlate: true });
  req.connect(router.lastEndpoint!);
  await req.send("question");
  const [id, requestId, empty, body] = await within(5000, router.receive());
  assert.equal(requestId.length, 4);
  assert.equal(empty.length, 0);
  assert.deepEqual(texts([body]), ["question"]);
  await router.send([id, requestId, empty, "answer"]);
  assert.deepEqual(texts(await within(5000, req.receive())), ["answer"]);
  req.close();
  router.close();
});

Deno.test("Request with correlate and relaxed drops the late reply to an abandoned request", async () => {
  const router = new Router();
  await router.bind(TCP);
  const req = new Request({ correlate: true, relaxed: true });
  req.connect(router.lastEndpoint!);
  await req.send("abandoned");
  const first = await within(5000, router.receive());
  await req.send("current");
  const second = await within(5000, router.receive());
  assert.notDeepEqual(first[1], second[1]);
  await router.send([first[0], first[1], "", "late reply"]);
  await router.send([second[0], second[1], "", "current reply"]);
  assert.deepEqual(texts(await within(5000, req.receive())), ["current reply"]);
  req.close();
  router.close();
});

Deno.test("Reply restores a multi-hop envelope on its reply", async () => {
  const rep = new Reply();
  await rep.bind(TCP);
  const dealer = new Dealer();
  dealer.connect(rep.lastEndpoint!);
  await dealer.send(["hop1", "hop2", "", "body", "more"]);
  assert.deepEqual(texts(await within(5000, rep.receive())), ["body", "more"]);
  await rep.send("answer");
  assert.deepEqual(texts(await within(5000, dealer.receive())), ["hop1", "hop2", "", "answer"]);
  dealer.close();
  rep.close();
});

Deno.test("Reply drops a request that has no delimiter", async () => {
  const rep = new Reply();
  await rep.bind(TCP);
  const dealer = new Dealer();
  dealer.connect(rep.lastEndpoint!);
  await dealer.send(["no", "delimiter"]);
  await dealer.send(["", "valid"]);
  assert.deepEqual(texts(await within(5000, rep.receive())), ["valid"]);
  dealer.close();
  rep.close();
});

Deno.test("Reply answers each of two clients on its own connection", async () => {
  const rep = new Reply();
  await rep.bind(TCP);
  const one = new Request();
  const two = new Request();
  one.connect(rep.lastEndpoint!);
  two.connect(rep.lastEndpoint!);
  await one.send("one");
  await two.send("two");
  for (let i = 0; i < 2; i++) {
    const [name] = await within(5000, rep.receive());
    await rep.send(["for", name]);
  }
  assert.deepEqual(texts(await within(5000, one.receive())), ["for", "one"]);
  assert.deepEqual(texts(await within(5000, two.receive())), ["for", "two"]);
  one.close();
  two.close();
  rep.close();
});

Deno.test("REP workers behind a ROUTER/DEALER broker answer REQ clients", async () => {
  const frontend = new Router();
  const backend = new Dealer();
  await frontend.bind(TCP);
  await backend.bind(TCP);
  const workers = [new Reply(), new Reply()];
  for (const worker of workers) worker.connect(backend.lastEndpoint!);
  const clients = [new Request(), new Request(), new Request()];
  for (const client of clients) client.connect(frontend.lastEndpoint!);

  const forward = async (from: Router | Dealer, to: Router | Dealer) => {
    for await (const msg of from) await to.send(msg);
  };
  const work = async (worker: Reply, name: string) => {
    for await (const [request] of worker) await worker.send([request, "by", name]);
  };
  const running = [
    forward(frontend, backend),
    forward(backend, frontend),
    work(workers[0], "w0"),
    work(workers[1], "w1"),
  ];
  const answers = await within(
    10000,
    Promise.all(clients.map(async (client, i) => {
      await client.send(`job ${i}`);
      return texts(await client.receive());
    })),
  );
  for (let i = 0; i < clients.length; i++) {
    assert.equal(answers[i][0], `job ${i}`);
    assert.equal(answers[i][1], "by");
  }
  for (const s of [...clients, ...workers, frontend, backend]) s.close();
  await Promise.all(running);
});

/** Sends through a mandatory ROUTER once the peer's handshake made its id known. */
async function sendWhenRoutable(router: Router, msg: (string | Uint8Array)[]): Promise<void> {
  const frames = msg.map((f) => typeof f === "string" ? bytes(f) : f);
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      await router.send([...frames]);
      return;
    } catch (err) {
      if (!isCode("EHOSTUNREACH")(err) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
