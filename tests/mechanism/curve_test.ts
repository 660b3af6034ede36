import assert from "node:assert/strict";
import { curveKeyPair, z85Decode } from "../../mod.ts";
import type { Command } from "../../src/wire/command.ts";
import { errorData } from "../../src/wire/command.ts";
import { FLAG_COMMAND, FLAG_MORE, ProtocolError } from "../../src/wire/frame.ts";
import { metadataText } from "../../src/wire/metadata.ts";
import { CurveClient, type CurveCodec, CurveServer } from "../../src/mechanism/curve.ts";
import { HandshakeError, type MechanismContext } from "../../src/mechanism/mechanism.ts";
import type { Authenticator, ZapRequest } from "../../src/mechanism/zap_types.ts";
import { SPAN } from "../../src/mechanism/secretbox_wasm.ts";
import { bytes } from "../helpers.ts";

const clientContext: MechanismContext = {
  socketType: "DEALER",
  routingId: bytes("client-id"),
  peerAddress: "tcp://127.0.0.1:5555",
};
const serverContext: MechanismContext = {
  socketType: "ROUTER",
  routingId: new Uint8Array(0),
  peerAddress: "tcp://127.0.0.1:40000",
};

interface Setup {
  client: CurveClient;
  server: CurveServer;
  clientKey: string;
}

function setup(
  authenticate: Authenticator | null = null,
  options: { serverKey?: string; clientPublicKey?: string } = {},
): Setup {
  const serverKeys = curveKeyPair();
  const clientKeys = curveKeyPair();
  const client = new CurveClient(clientContext, {
    publicKey: z85Decode(options.clientPublicKey ?? clientKeys.publicKey),
    secretKey: z85Decode(clientKeys.secretKey),
    serverKey: z85Decode(options.serverKey ?? serverKeys.publicKey),
  });
  const server = new CurveServer(serverContext, z85Decode(serverKeys.secretKey), {
    authenticate,
    zapDomain: "global",
  });
  return { client, server, clientKey: clientKeys.publicKey };
}

/** One command, as the engine would pass it on: data is a fresh copy. */
function only(commands: Command[]): Command {
  assert.equal(commands.length, 1);
  return { name: commands[0].name, data: commands[0].data.slice() };
}

/** Runs the handshake to the end and returns every command sent. */
async function handshake(s: Setup): Promise<Record<string, Command>> {
  await s.server.start();
  const hello = only((await s.client.start()).send);
  const welcome = only((await s.server.onCommand(hello)).send);
  const initiate = only((await s.client.onCommand(welcome)).send);
  const serverStep = await s.server.onCommand(initiate);
  assert.equal(serverStep.done, true);
  const ready = only(serverStep.send);
  const clientStep = await s.client.onCommand(ready);
  assert.equal(clientStep.done, true);
  assert.deepEqual(clientStep.send, []);
  return { hello, welcome, initiate, ready };
}

/** Full command size on the wire: name length byte, name, data. */
const commandSize = (c: Command) => 1 + c.name.length + c.data.length;

Deno.test("CURVE handshake: HELLO, WELCOME, INITIATE, READY with libzmq's sizes", async () => {
  const s = setup();
  const { hello, welcome, initiate, ready } = await handshake(s);
  assert.equal(hello.name, "HELLO");
  assert.equal(commandSize(hello), 200);
  assert.deepEqual([...hello.data.subarray(0, 2)], [1, 0], "version 1.0");
  assert.ok(hello.data.subarray(2, 74).every((b) => b === 0), "72 bytes of padding");
  assert.deepEqual([...hello.data.subarray(106, 114)], [0, 0, 0, 0, 0, 0, 0, 1], "short nonce 1");
  assert.equal(welcome.name, "WELCOME");
  assert.equal(commandSize(welcome), 168);
  assert.equal(initiate.name, "INITIATE");
  assert.ok(commandSize(initiate) >= 257);
  assert.deepEqual([...initiate.data.subarray(96, 104)], [0, 0, 0, 0, 0, 0, 0, 2], "short nonce 2");
  assert.equal(ready.name, "READY");
  assert.deepEqual([...ready.data.subarray(0, 8)], [0, 0, 0, 0, 0, 0, 0, 1], "server nonce 1");
});

Deno.test("CURVE handshake carries each side's metadata inside the boxes", async () => {
  const s = setup();
  await handshake(s);
  assert.equal(metadataText(s.server.peerMetadata, "Socket-Type"), "DEALER");
  assert.equal(metadataText(s.server.peerMetadata, "Identity"), "client-id");
  assert.equal(metadataText(s.client.peerMetadata, "Socket-Type"), "ROUTER");
});

Deno.test("CURVE server without authenticate lets any client in, with no User-Id", async () => {
  const s = setup(null);
  await handshake(s);
  assert.equal(s.server.userId, undefined);
  assert.ok(s.server.codec !== undefined);
});

Deno.test("CURVE server asks authenticate with the client's long-term key", async () => {
  const requests: ZapRequest[] = [];
  const s = setup((request) => {
    requests.push(request);
    return true;
  });
  await handshake(s);
  assert.equal(requests.length, 1);
  const [request] = requests;
  assert.equal(request.mechanism, "CURVE");
  assert.equal(request.domain, "global");
  assert.equal(request.address, "tcp://127.0.0.1:40000");
  assert.equal(request.publicKey, s.clientKey);
  assert.deepEqual(request.credentials, [z85Decode(s.clientKey)]);
  assert.equal(s.server.userId, s.clientKey, "true gives the key as User-Id");
});

Deno.test("CURVE server takes the User-Id from a detailed ZAP reply", async () => {
  const s = setup(() => Promise.resolve({ statusCode: 200 as const, userId: "alice" }));
  await handshake(s);
  assert.equal(s.server.userId, "alice");
});

Deno.test("CURVE server refuses a denied key with ERROR 400 as an auth failure", async () => {
  const s = setup(() => false);
  await s.server.start();
  const welcome = only((await s.server.onCommand(only((await s.client.start()).send))).send);
  const initiate = only((await s.client.onCommand(welcome)).send);
  await assert.rejects(
    async () => await s.server.onCommand(initiate),
    (err: unknown) => {
      assert.ok(err instanceof HandshakeError);
      assert.equal(err.kind, "auth");
      assert.equal(err.errorReason, "400");
      return true;
    },
  );
  assert.equal(s.server.codec, undefined);
});

Deno.test("CURVE server closes without ERROR on a 300 (temporary) refusal", async () => {
  const s = setup(() => ({ statusCode: 300 as const, statusText: "try later" }));
  await s.server.start();
  const welcome = only((await s.server.onCommand(only((await s.client.start()).send))).send);
  const initiate = only((await s.client.onCommand(welcome)).send);
  await assert.rejects(async () => await s.server.onCommand(initiate), (err: unknown) => {
    assert.ok(err instanceof HandshakeError);
    assert.equal(err.kind, "auth");
    assert.equal(err.errorReason, undefined);
    assert.match(err.message, /300 try later/);
    return true;
  });
});

Deno.test("CURVE client reports ERROR 400 from the server as an auth failure", async () => {
  const s = setup();
  await s.client.start();
  assert.throws(
    () => s.client.onCommand({ name: "ERROR", data: errorData("400") }),
    (err: unknown) => err instanceof HandshakeError && err.kind === "auth",
  );
});

Deno.test("CURVE server cannot open the HELLO of a client with the wrong server key", async () => {
  const s = setup(null, { serverKey: curveKeyPair().publicKey });
  await s.server.start();
  const hello = only((await s.client.start()).send);
  await assert.rejects(async () => await s.server.onCommand(hello), (err: unknown) => {
    assert.ok(err instanceof HandshakeError);
    assert.equal(err.kind, "protocol");
    assert.match(err.message, /wrong server key/);
    return true;
  });
});

Deno.test("CURVE server refuses a vouch not made with the announced client key", async () => {
  const s = setup(() => true, { clientPublicKey: curveKeyPair().publicKey });
  await s.server.start();
  const welcome = only((await s.server.onCommand(only((await s.client.start()).send))).send);
  const initiate = only((await s.client.onCommand(welcome)).send);
  await assert.rejects(async () => await s.server.onCommand(initiate), /invalid vouch/);
});

Deno.test("CURVE server refuses an INITIATE whose cookie was altered", async () => {
  const s = setup();
  await s.server.start();
  const welcome = only((await s.server.onCommand(only((await s.client.start()).send))).send);
  const initiate = only((await s.client.onCommand(welcome)).send);
  initiate.data[40] ^= 1;
  await assert.rejects(async () => await s.server.onCommand(initiate), /invalid cookie/);
});

Deno.test("CURVE server refuses an INITIATE that reuses the HELLO nonce", async () => {
  const s = setup();
  await s.server.start();
  const welcome = only((await s.server.onCommand(only((await s.client.start()).send))).send);
  const initiate = only((await s.client.onCommand(welcome)).send);
  initiate.data.set([0, 0, 0, 0, 0, 0, 0, 1], 96);
  await assert.rejects(async () => await s.server.onCommand(initiate), /nonce did not increase/);
});

Deno.test("CURVE client refuses a READY whose box was altered", async () => {
  const s = setup();
  await s.server.start();
  const welcome = only((await s.server.onCommand(only((await s.client.start()).send))).send);
  const initiate = only((await s.client.onCommand(welcome)).send);
  const ready = only((await s.server.onCommand(initiate)).send);
  ready.data[ready.data.length - 1] ^= 1;
  assert.throws(() => s.client.onCommand(ready), /cannot open READY/);
});

Deno.test("CURVE mechanisms refuse commands out of order", async () => {
  const s = setup();
  await s.server.start();
  const hello = only((await s.client.start()).send);
  assert.throws(() => s.server.onCommand({ name: "INITIATE", data: new Uint8Array(300) }), {
    name: "HandshakeError",
  });
  assert.throws(() => s.client.onCommand({ name: "READY", data: new Uint8Array(40) }), {
    name: "HandshakeError",
  });
  await s.server.onCommand(hello);
  assert.throws(() => s.server.onCommand(hello), /unexpected HELLO/);
});

Deno.test("CURVE server refuses a HELLO of the wrong size or version", async () => {
  const s = setup();
  await s.server.start();
  const hello = only((await s.client.start()).send);
  await assert.rejects(
    async () => await s.server.onCommand({ name: "HELLO", data: hello.data.subarray(1) }),
    /malformed HELLO/,
  );
  const v2 = hello.data.slice();
  v2[0] = 2;
  await assert.rejects(
    async () => await s.server.onCommand({ name: "HELLO", data: v2 }),
    /unsupported version 2.0/,
  );
});

async function codecs(): Promise<{ client: CurveCodec; server: CurveCodec }> {
  const s = setup();
  await handshake(s);
  return { client: s.client.codec!, server: s.server.codec! };
}

Deno.test("CURVE MESSAGE: libzmq's layout, a data frame boxing flags and body", async () => {
  const { client, server } = await codecs();
  const sealed = client.seal(FLAG_MORE, bytes("hello"));
  assert.equal(client.flags, 0, "sent as a plain data frame, as libzmq 4.3.5");
  assert.equal(new TextDecoder().decode(sealed.subarray(0, 8)), "\x07MESSAGE");
  assert.deepEqual([...sealed.subarray(8, 16)], [0, 0, 0, 0, 0, 0, 0, 3], "client starts at 3");
  assert.equal(sealed.length, 8 + 8 + 16 + 1 + 5);
  assert.deepEqual(server.open(0, sealed), bytes("hello"));
  assert.equal(server.flags, FLAG_MORE);
  const reply = server.seal(0, bytes("back"));
  assert.deepEqual([...reply.subarray(8, 16)], [0, 0, 0, 0, 0, 0, 0, 2], "server starts at 2");
  assert.deepEqual(client.open(0, reply), bytes("back"));
  assert.equal(client.flags, 0);
});

Deno.test("CURVE MESSAGE carries the COMMAND flag and empty and large bodies", async () => {
  const { client, server } = await codecs();
  assert.deepEqual(server.open(0, client.seal(FLAG_COMMAND, bytes("\x04PING"))), bytes("\x04PING"));
  assert.equal(server.flags, FLAG_COMMAND);
  assert.deepEqual(server.open(0, client.seal(0, new Uint8Array(0))), new Uint8Array(0));
  const big = new Uint8Array(200_000).map((_, i) => i);
  assert.deepEqual(server.open(0, client.seal(0, big)), big);
});

Deno.test("CURVE MESSAGE opens and seals bodies of every length around the cipher's span", async () => {
  const { client, server } = await codecs();
  const edges = [SPAN, 2 * SPAN].flatMap((edge) => [edge - 34, edge - 33, edge - 32, edge + 1]);
  for (const length of [0, 62, 63, 64, 1000, ...edges]) {
    const body = new Uint8Array(length).map((_, i) => i * 7);
    assert.deepEqual(server.open(0, client.seal(FLAG_MORE, body)), body, `${length} bytes`);
    assert.equal(server.flags, FLAG_MORE);
    // a body that views a larger buffer at an odd offset
    const view = new Uint8Array(length + 3).fill(9).subarray(1, length + 1);
    view.set(body);
    assert.deepEqual(server.open(0, client.seal(0, view)), body, `${length} bytes from a view`);
  }
});

Deno.test("CURVE MESSAGE in a frame's own storage is opened in place, and refused when altered", async () => {
  const { client, server } = await codecs();
  for (const length of [10, 5000, SPAN + 1000]) {
    const body = new Uint8Array(length).map((_, i) => i);
    const frame = client.seal(0, body);
    const plain = server.open(0, frame, true);
    assert.deepEqual(plain, body);
    assert.equal(plain.buffer, frame.buffer, `${length} bytes: opened where the frame lies`);
    assert.equal(plain.byteOffset, frame.byteOffset + 33);
    const altered = client.seal(0, body);
    altered[altered.length - 1] ^= 1;
    assert.throws(() => server.open(0, altered, true), /failed authentication/, `${length} bytes`);
  }
});

Deno.test("CURVE MESSAGE leaves the sender's buffer untouched", async () => {
  const { client } = await codecs();
  const body = bytes("do not touch");
  client.seal(0, body);
  assert.deepEqual(body, bytes("do not touch"));
});

Deno.test("CURVE MESSAGE with an altered box is refused", async () => {
  const { client, server } = await codecs();
  for (const at of [16, 31, 32, 40]) {
    const sealed = client.seal(0, bytes("payload!"));
    sealed[at] ^= 0x80;
    assert.throws(() => server.open(0, sealed), ProtocolError, `byte ${at}`);
  }
});

Deno.test("CURVE MESSAGE replayed is refused", async () => {
  const { client, server } = await codecs();
  const sealed = client.seal(0, bytes("once"));
  server.open(0, sealed.slice());
  assert.throws(() => server.open(0, sealed), /nonce did not increase/);
});

Deno.test("CURVE MESSAGEs out of order are refused", async () => {
  const { client, server } = await codecs();
  const first = client.seal(0, bytes("1"));
  const second = client.seal(0, bytes("2"));
  server.open(0, second);
  assert.throws(() => server.open(0, first), /nonce did not increase/);
});

Deno.test("CURVE MESSAGE may skip nonces forward", async () => {
  const { client, server } = await codecs();
  client.seal(0, bytes("lost"));
  assert.deepEqual(server.open(0, client.seal(0, bytes("kept"))), bytes("kept"));
});

Deno.test("CURVE MESSAGE is bound to its direction: a client's box echoed back is refused", async () => {
  const { client } = await codecs();
  const sealed = client.seal(0, bytes("mine"));
  sealed.set([0, 0, 0, 0, 0, 0, 0, 99], 8);
  assert.throws(() => client.open(0, sealed), ProtocolError);
});

Deno.test("CURVE codec refuses frames that are not MESSAGE commands", async () => {
  const { server } = await codecs();
  assert.throws(() => server.open(0, bytes("plain text, not boxed at all, 40 bytes!")), {
    message: /expected a MESSAGE/,
  });
  assert.throws(() => server.open(0, bytes("\x07MESSAGE")), /expected a MESSAGE/);
});
