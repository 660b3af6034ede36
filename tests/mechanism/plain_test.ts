import assert from "node:assert/strict";
import type { Command } from "../../src/wire/command.ts";
import { errorData, parseCommand, parseErrorReason } from "../../src/wire/command.ts";
import { metadataText } from "../../src/wire/metadata.ts";
import { HandshakeError, type MechanismContext } from "../../src/mechanism/mechanism.ts";
import { NullMechanism } from "../../src/mechanism/null.ts";
import {
  libzmqPlainError,
  parsePlainHello,
  PlainClient,
  PlainServer,
} from "../../src/mechanism/plain.ts";
import type { Authenticator, ZapRequest } from "../../src/mechanism/zap_types.ts";
import { bytes } from "../helpers.ts";

const clientContext: MechanismContext = {
  socketType: "PUSH",
  routingId: new Uint8Array(0),
  peerAddress: "tcp://127.0.0.1:7000",
};
const serverContext: MechanismContext = {
  socketType: "PULL",
  routingId: bytes("server"),
  peerAddress: "tcp://127.0.0.1:41000",
};

function only(commands: Command[]): Command {
  assert.equal(commands.length, 1);
  return commands[0];
}

function isHandshakeError(kind: string, reason?: string) {
  return (err: unknown) => {
    assert.ok(err instanceof HandshakeError, String(err));
    assert.equal(err.kind, kind);
    assert.equal(err.errorReason, reason);
    return true;
  };
}

function server(authenticate: Authenticator | null): PlainServer {
  return new PlainServer(serverContext, { authenticate, zapDomain: "test" });
}

Deno.test("PLAIN HELLO carries length-prefixed user name and password", () => {
  const hello = only(new PlainClient(clientContext, "admin", "secret").start().send);
  assert.equal(hello.name, "HELLO");
  assert.deepEqual(hello.data, bytes("\x05admin\x06secret"));
});

Deno.test("PLAIN handshake: HELLO, WELCOME, INITIATE, READY", async () => {
  const client = new PlainClient(clientContext, "admin", "secret");
  const srv = server(() => true);
  assert.deepEqual(srv.start().send, []);
  const welcome = only((await srv.onCommand(only(client.start().send))).send);
  assert.deepEqual(welcome, { name: "WELCOME", data: new Uint8Array(0) });
  const initiate = only(client.onCommand(welcome).send);
  assert.equal(initiate.name, "INITIATE");
  const step = await srv.onCommand(initiate);
  assert.equal(step.done, true);
  assert.equal(metadataText(srv.peerMetadata, "Socket-Type"), "PUSH");
  const done = client.onCommand(only(step.send));
  assert.equal(done.done, true);
  assert.equal(metadataText(client.peerMetadata, "Socket-Type"), "PULL");
  assert.equal(metadataText(client.peerMetadata, "Identity"), "server");
  assert.equal(srv.userId, "admin", "true gives the user name as User-Id");
});

Deno.test("PLAIN server asks authenticate with the RFC 27 request", async () => {
  const requests: ZapRequest[] = [];
  const srv = server((request) => {
    requests.push(request);
    return { statusCode: 200, userId: "user-7" };
  });
  await srv.onCommand({ name: "HELLO", data: bytes("\x05admin\x06secret") });
  assert.equal(requests.length, 1);
  const [request] = requests;
  assert.equal(request.mechanism, "PLAIN");
  assert.equal(request.domain, "test");
  assert.equal(request.address, "tcp://127.0.0.1:41000");
  assert.deepEqual(request.routingId, bytes("server"), "libzmq sends the server's own id");
  assert.equal(request.username, "admin");
  assert.equal(request.password, "secret");
  assert.deepEqual(request.credentials, [bytes("admin"), bytes("secret")]);
  assert.equal(srv.userId, "user-7");
});

Deno.test("PLAIN server refuses a wrong password with ERROR 400, in libzmq's bytes", async () => {
  const srv = server((r) => r.password === "secret");
  await assert.rejects(
    async () => await srv.onCommand({ name: "HELLO", data: bytes("\x05admin\x05wrong") }),
    (err: unknown) => {
      isHandshakeError("auth", "400")(err);
      // Captured from libzmq 4.3.5's PLAIN server: "^RROR", length, "400".
      assert.deepEqual(
        (err as HandshakeError).errorCommand,
        new Uint8Array([0x5e, 0x52, 0x52, 0x4f, 0x52, 0x03, 0x34, 0x30, 0x30]),
      );
      return true;
    },
  );
});

Deno.test("libzmq's malformed PLAIN ERROR is read as ERROR, the RFC's form too", () => {
  assert.deepEqual(parseCommand(libzmqPlainError("400")), {
    name: "ERROR",
    data: bytes("\x03400"),
  });
  const proper = parseCommand(bytes("\x05ERROR\x03400"));
  assert.equal(proper.name, "ERROR");
  assert.equal(parseErrorReason(proper.data), "400");
});

Deno.test("PLAIN server turns a throwing authenticate into ERROR 500", async () => {
  const srv = server(() => {
    throw new Error("database down");
  });
  await assert.rejects(
    async () => await srv.onCommand({ name: "HELLO", data: bytes("\x01a\x01b") }),
    (err: unknown) => {
      isHandshakeError("auth", "500")(err);
      assert.match((err as Error).message, /database down/);
      return true;
    },
  );
});

Deno.test("PLAIN server without authenticate refuses every client, as libzmq without ZAP", async () => {
  await assert.rejects(
    async () => await server(null).onCommand({ name: "HELLO", data: bytes("\x01a\x01b") }),
    isHandshakeError("other", undefined),
  );
});

Deno.test("PLAIN server refuses a malformed HELLO as a protocol error", async () => {
  for (const data of ["", "\x05adm", "\x01a", "\x01a\x02b", "\x01a\x01bc"]) {
    await assert.rejects(
      async () => await server(() => true).onCommand({ name: "HELLO", data: bytes(data) }),
      isHandshakeError("protocol", undefined),
      JSON.stringify(data),
    );
  }
  assert.deepEqual(parsePlainHello(bytes("\x00\x00")), {
    username: new Uint8Array(0),
    password: new Uint8Array(0),
  });
});

Deno.test("PLAIN server refuses INITIATE before HELLO", async () => {
  await assert.rejects(
    async () => await server(() => true).onCommand({ name: "INITIATE", data: new Uint8Array(0) }),
    isHandshakeError("protocol", undefined),
  );
});

Deno.test("PLAIN client reports ERROR 400 as an auth failure and other reasons as other", () => {
  const client = new PlainClient(clientContext, "a", "b");
  client.start();
  assert.throws(
    () => client.onCommand({ name: "ERROR", data: errorData("400") }),
    isHandshakeError("auth", undefined),
  );
  assert.throws(
    () => client.onCommand({ name: "ERROR", data: errorData("Invalid socket type") }),
    isHandshakeError("other", undefined),
  );
});

Deno.test("PLAIN client refuses READY before WELCOME and a WELCOME with data", () => {
  const client = new PlainClient(clientContext, "a", "b");
  client.start();
  assert.throws(() => client.onCommand({ name: "READY", data: new Uint8Array(0) }), {
    name: "HandshakeError",
  });
  assert.throws(() => client.onCommand({ name: "WELCOME", data: bytes("x") }), /malformed/);
});

Deno.test("NULL asks authenticate before READY when a ZAP domain is set", async () => {
  const requests: ZapRequest[] = [];
  const mechanism = new NullMechanism(serverContext, {
    authenticate: (r) => {
      requests.push(r);
      return { statusCode: 200, userId: "by-address" };
    },
    zapDomain: "lan",
  });
  const step = await mechanism.start();
  assert.equal(only(step.send).name, "READY");
  assert.equal(requests[0].mechanism, "NULL");
  assert.equal(requests[0].domain, "lan");
  assert.deepEqual(requests[0].credentials, []);
  assert.equal(mechanism.userId, "by-address");
});

Deno.test("NULL refuses with ERROR 400 when authenticate denies", async () => {
  const mechanism = new NullMechanism(serverContext, {
    authenticate: () => false,
    zapDomain: "lan",
  });
  await assert.rejects(async () => await mechanism.start(), isHandshakeError("auth", "400"));
});

Deno.test("NULL skips authenticate without a ZAP domain, as libzmq", async () => {
  let asked = false;
  const mechanism = new NullMechanism(serverContext, {
    authenticate: () => (asked = true),
    zapDomain: "",
  });
  assert.equal(only((await mechanism.start()).send).name, "READY");
  assert.equal(asked, false);
});
