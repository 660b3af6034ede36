/**
 * zapEnforceDomain (libzmq's ZMQ_ZAP_ENFORCE_DOMAIN): each rule checked on
 * libzmq itself, then on our server with a libzmq client.
 */

import assert from "node:assert/strict";
import { curveKeyPair, Pull, Push } from "../../mod.ts";
import { EventLog } from "../event_log.ts";
import { texts, within } from "../helpers.ts";
import { LibzmqPeer } from "./libzmq.ts";

const ANY = "tcp://127.0.0.1:*";

Deno.test("libzmq: with zapEnforceDomain and no zapDomain, a CURVE server does not ask its ZAP handler", async () => {
  await using peer = await LibzmqPeer.start();
  const server = await peer.curveKeyPair();
  const client = curveKeyPair();
  await peer.zapHandler({ publicKeys: [] }); // would deny every key
  const pull = await peer.socket("Pull", {
    curveServer: true,
    curveSecretKey: server.secretKey,
    zapEnforceDomain: true,
  });
  const endpoint = await pull.bind(ANY);
  using push = new Push({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  push.connect(endpoint);
  await push.send("unasked");
  assert.deepEqual(texts(await pull.receive(5000)), ["unasked"]);
  assert.deepEqual(await peer.zapRequests(), []);
});

for (const enforce of [true, false]) {
  Deno.test(
    `our CURVE server without zapDomain, zapEnforceDomain ${enforce}: a libzmq client is ${
      enforce ? "accepted unasked" : "asked about, and denied"
    }`,
    async () => {
      await using peer = await LibzmqPeer.start();
      const server = curveKeyPair();
      const client = await peer.curveKeyPair();
      let asked = 0;
      using pull = new Pull({
        curveServer: true,
        curveSecretKey: server.secretKey,
        zapEnforceDomain: enforce,
        authenticate: () => (asked++, false),
        receiveTimeout: enforce ? 5000 : 500,
      });
      await pull.bind(ANY);
      const push = await peer.socket("Push", {
        curveServerKey: server.publicKey,
        curvePublicKey: client.publicKey,
        curveSecretKey: client.secretKey,
        linger: 0,
      });
      await push.connect(pull.lastEndpoint!);
      await push.send("hello", 5000).catch(() => {});
      if (enforce) {
        assert.deepEqual(texts(await pull.receive()), ["hello"]);
        assert.equal(asked, 0);
      } else {
        await assert.rejects(pull.receive(), { code: "EAGAIN" });
        assert.ok(asked > 0);
      }
      await push.close();
    },
  );
}

Deno.test("libzmq: with zapEnforceDomain, a NULL socket with a zapDomain and no ZAP handler refuses peers", async () => {
  await using peer = await LibzmqPeer.start();
  const pull = await peer.socket("Pull", { zapDomain: "global", zapEnforceDomain: true });
  const endpoint = await pull.bind(ANY);
  using push = new Push({ linger: 0 });
  push.connect(endpoint);
  await push.send("refused");
  await assert.rejects(pull.receive(500), { code: "EAGAIN" });
});

for (const enforce of [true, false]) {
  Deno.test(
    `our NULL PULL with a zapDomain and no handler, zapEnforceDomain ${enforce}: a libzmq PUSH is ${
      enforce ? "refused" : "accepted"
    }`,
    async () => {
      await using peer = await LibzmqPeer.start();
      using pull = new Pull({ zapDomain: "global", zapEnforceDomain: enforce });
      const events = new EventLog(pull);
      await pull.bind(ANY);
      const push = await peer.socket("Push", { linger: 0 });
      await push.connect(pull.lastEndpoint!);
      await push.send("hello", 5000).catch(() => {});
      if (enforce) {
        await events.waitFor("handshake:error:other");
        pull.receiveTimeout = 300;
        await assert.rejects(pull.receive(), { code: "EAGAIN" });
      } else {
        assert.deepEqual(texts(await within(5000, pull.receive())), ["hello"]);
      }
      await push.close();
    },
  );
}

Deno.test("a PLAIN server with zapEnforceDomain needs a zapDomain (EINVAL at bind; libzmq asserts)", async () => {
  using pull = new Pull({ plainServer: true, zapEnforceDomain: true, authenticate: () => true });
  await assert.rejects(pull.bind(ANY), { code: "EINVAL" });
});
