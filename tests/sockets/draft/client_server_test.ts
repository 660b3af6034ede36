import assert from "node:assert/strict";
import { Client, messageRoutingId, Server, type ZmqError } from "../../../mod.ts";
import { texts, within } from "../../helpers.ts";
import { TRANSPORTS } from "../../transports/cases.ts";

const transports = TRANSPORTS.filter((t) => ["tcp", "ipc", "ws", "inproc"].includes(t.name));

for (const transport of transports) {
  Deno.test(`Client/Server over ${transport.name}: each client gets its own replies`, async () => {
    const server = new Server();
    await server.bind(transport.bindEndpoint());
    const clients = [new Client(), new Client(), new Client()];
    for (const client of clients) client.connect(transport.connectEndpoint(server.lastEndpoint!));
    try {
      await within(
        5000,
        (async () => {
          for (const [i, client] of clients.entries()) await client.send(`from ${i}`);
          for (let n = 0; n < clients.length; n++) {
            const request = await server.receive();
            assert.equal(request.length, 1);
            const id = messageRoutingId(request);
            assert.equal(typeof id, "number");
            await server.send(`reply to ${texts(request)[0]}`, { routingId: id! });
          }
          for (const [i, client] of clients.entries()) {
            assert.deepEqual(texts(await client.receive()), [`reply to from ${i}`]);
          }
        })(),
      );
    } finally {
      for (const client of clients) client.close();
      server.close();
    }
  });
}

Deno.test("Server: routing ids are distinct and never zero", async () => {
  const server = new Server();
  await server.bind("inproc://cs-ids");
  const clients = Array.from({ length: 5 }, () => new Client());
  for (const client of clients) client.connect("inproc://cs-ids");
  const ids = new Set<number>();
  for (const client of clients) await client.send("x");
  for (let i = 0; i < clients.length; i++) ids.add(messageRoutingId(await server.receive())!);
  assert.equal(ids.size, clients.length);
  assert.ok(!ids.has(0));
  for (const client of clients) client.close();
  server.close();
});

Deno.test("Server: an unknown routing id rejects with EHOSTUNREACH", async () => {
  const server = new Server();
  await assert.rejects(
    server.send("lost", { routingId: 12345 }),
    (err: ZmqError) => err.code === "EHOSTUNREACH",
  );
  server.close();
});

Deno.test("Server: the id of a client that left is unknown (EHOSTUNREACH)", async () => {
  const server = new Server();
  await server.bind("inproc://cs-left");
  const client = new Client();
  client.connect("inproc://cs-left");
  await client.send("hi");
  const id = messageRoutingId(await server.receive())!;
  client.close();
  await assert.rejects(
    server.send("gone", { routingId: id }),
    (err: ZmqError) => err.code === "EHOSTUNREACH",
  );
  server.close();
});

Deno.test("Client and Server: a multipart send rejects with EINVAL", async () => {
  const server = new Server();
  const client = new Client();
  await assert.rejects(client.send(["a", "b"]), (err: ZmqError) => err.code === "EINVAL");
  await assert.rejects(
    server.send(["a", "b"], { routingId: 1 }),
    (err: ZmqError) => err.code === "EINVAL",
  );
  await assert.rejects(server.send("no id"), (err: ZmqError) => err.code === "EINVAL");
  client.close();
  server.close();
});

Deno.test("Client: messages go round robin to its servers", async () => {
  const servers = [new Server(), new Server()];
  const client = new Client();
  for (const [i, server] of servers.entries()) {
    await server.bind(`inproc://cs-rr-${i}`);
    client.connect(`inproc://cs-rr-${i}`);
  }
  for (let i = 0; i < 4; i++) await client.send(String(i));
  assert.deepEqual(texts(await servers[0].receive()), ["0"]);
  assert.deepEqual(texts(await servers[1].receive()), ["1"]);
  assert.deepEqual(texts(await servers[0].receive()), ["2"]);
  assert.deepEqual(texts(await servers[1].receive()), ["3"]);
  client.close();
  for (const server of servers) server.close();
});

Deno.test("Server: one buffer sent by two clients keeps each sender's id", async () => {
  const server = new Server();
  await server.bind("inproc://cs-shared");
  const a = new Client();
  const b = new Client();
  a.connect("inproc://cs-shared");
  b.connect("inproc://cs-shared");
  const shared = new TextEncoder().encode("same");
  await a.send(shared);
  await b.send(shared);
  const first = await server.receive();
  const second = await server.receive();
  assert.notEqual(messageRoutingId(first), messageRoutingId(second));
  await server.send("to first", { routingId: messageRoutingId(first)! });
  await server.send("to second", { routingId: messageRoutingId(second)! });
  const got = [texts(await a.receive())[0], texts(await b.receive())[0]].sort();
  assert.deepEqual(got, ["to first", "to second"]);
  a.close();
  b.close();
  server.close();
});
