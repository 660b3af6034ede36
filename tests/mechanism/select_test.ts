import assert from "node:assert/strict";
import { curveKeyPair, z85Decode, ZmqError } from "../../mod.ts";
import { DEFAULT_OPTIONS } from "../../src/options.ts";
import {
  checkSecurityOptions,
  createMechanism,
  type SecurityOptions,
} from "../../src/mechanism/select.ts";

const context = { socketType: "PUSH", routingId: new Uint8Array(0), peerAddress: "tcp://x:1" };
const server = curveKeyPair();
const client = curveKeyPair();

function options(overrides: Partial<SecurityOptions>): SecurityOptions {
  return { ...DEFAULT_OPTIONS, ...overrides };
}

function assertEinval(overrides: Partial<SecurityOptions>, pattern: RegExp): void {
  assert.throws(() => checkSecurityOptions(options(overrides)), (err: unknown) => {
    assert.ok(err instanceof ZmqError);
    assert.equal(err.code, "EINVAL");
    assert.match(err.message, pattern);
    return true;
  });
}

const curveClient = {
  curveServerKey: server.publicKey,
  curvePublicKey: client.publicKey,
  curveSecretKey: client.secretKey,
};

Deno.test("the mechanism follows libzmq's options", () => {
  const pick = (o: Partial<SecurityOptions>) => {
    const m = createMechanism(options(o), context);
    return `${m.name}${m.asServer ? " server" : ""}`;
  };
  assert.equal(pick({}), "NULL");
  assert.equal(pick({ plainServer: true }), "PLAIN server");
  assert.equal(pick({ plainUsername: "u" }), "PLAIN");
  assert.equal(pick({ plainPassword: "p" }), "PLAIN");
  assert.equal(pick({ curveServer: true, curveSecretKey: server.secretKey }), "CURVE server");
  assert.equal(pick(curveClient), "CURVE");
});

Deno.test("valid security options pass, keys as Z85 or 32 bytes", () => {
  checkSecurityOptions(options({}));
  checkSecurityOptions(options({ plainServer: true }));
  checkSecurityOptions(options({ plainUsername: "u", plainPassword: "p" }));
  checkSecurityOptions(options(curveClient));
  checkSecurityOptions(options({
    curveServerKey: z85Decode(server.publicKey),
    curvePublicKey: z85Decode(client.publicKey),
    curveSecretKey: z85Decode(client.secretKey),
  }));
  checkSecurityOptions(options({
    curveServer: true,
    curveSecretKey: server.secretKey,
    curvePublicKey: server.publicKey,
  }));
});

Deno.test("CURVE and PLAIN together are refused", () => {
  assertEinval(
    { plainServer: true, curveServer: true, curveSecretKey: server.secretKey },
    /either CURVE or PLAIN/,
  );
  assertEinval({ ...curveClient, plainUsername: "u" }, /either CURVE or PLAIN/);
});

Deno.test("server and client roles together are refused", () => {
  assertEinval({ ...curveClient, curveServer: true }, /exclude each other/);
  assertEinval({ plainServer: true, plainPassword: "p" }, /plainServer excludes/);
});

Deno.test("a CURVE server needs its secret key", () => {
  assertEinval({ curveServer: true }, /CURVE server needs curveSecretKey/);
});

Deno.test("a CURVE client needs its key pair", () => {
  assertEinval({ curveServerKey: server.publicKey }, /needs curveSecretKey/);
  assertEinval(
    { curveServerKey: server.publicKey, curveSecretKey: client.secretKey },
    /needs curvePublicKey/,
  );
});

Deno.test("a public key that does not belong to the secret key is refused", () => {
  assertEinval({ ...curveClient, curvePublicKey: server.publicKey }, /not the public key of/);
  assertEinval({
    curveServer: true,
    curveSecretKey: server.secretKey,
    curvePublicKey: client.publicKey,
  }, /not the public key of/);
});

Deno.test("malformed keys are refused, naming the option", () => {
  assertEinval({ ...curveClient, curveServerKey: "short" }, /curveServerKey must be 40 Z85/);
  assertEinval(
    { ...curveClient, curveServerKey: '"'.repeat(40) },
    /curveServerKey is not valid Z85/,
  );
  assertEinval({ ...curveClient, curveSecretKey: new Uint8Array(31) }, /curveSecretKey must be/);
});

Deno.test("PLAIN credentials over 255 bytes are refused", () => {
  assertEinval({ plainUsername: "u".repeat(256) }, /plainUsername is longer/);
  assertEinval({ plainUsername: "u", plainPassword: "é".repeat(128) }, /plainPassword is longer/);
});

Deno.test("createMechanism turns options spoiled after connect into a failing handshake", () => {
  const mechanism = createMechanism(options({ curveServer: true, curveSecretKey: "bad" }), context);
  assert.throws(() => mechanism.start(), /security options are unusable/);
});
