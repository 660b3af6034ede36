import assert from "node:assert/strict";
import { curveKeyPair, curvePublicKey, z85Decode, z85Encode, ZmqError } from "../../mod.ts";
import { x25519PublicKey } from "../../src/mechanism/crypto.ts";

const HELLO_WORLD = new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);

// Key pairs from libzmq's zmq_curve(7) manual page.
const CLIENT = {
  publicKey: "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID",
  secretKey: "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs",
};
const SERVER = {
  publicKey: "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7",
  secretKey: "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6",
};

function assertEinval(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ZmqError);
    assert.equal(err.code, "EINVAL");
    assert.match(err.message, pattern);
    return true;
  });
}

Deno.test("z85Encode gives RFC 32's test vector", () => {
  assert.equal(z85Encode(HELLO_WORLD), "HelloWorld");
});

Deno.test("z85Decode gives RFC 32's test vector", () => {
  assert.deepEqual(z85Decode("HelloWorld"), HELLO_WORLD);
});

Deno.test("z85 round-trips every byte value", () => {
  const bytes = new Uint8Array(256);
  for (let i = 0; i < 256; i++) bytes[i] = i;
  assert.deepEqual(z85Decode(z85Encode(bytes)), bytes);
  assert.equal(z85Encode(new Uint8Array(4).fill(0xff)), "%nSc0");
  assert.equal(z85Encode(new Uint8Array(0)), "");
});

Deno.test("z85 decodes libzmq's published key pairs into matching X25519 keys", () => {
  for (const pair of [CLIENT, SERVER]) {
    const secret = z85Decode(pair.secretKey);
    assert.equal(secret.length, 32);
    assert.equal(z85Encode(x25519PublicKey(secret)), pair.publicKey);
  }
});

Deno.test("z85Encode refuses a length that is not a multiple of 4", () => {
  assertEinval(() => z85Encode(new Uint8Array(31)), /multiple of 4 bytes, got 31/);
});

Deno.test("z85Decode refuses a length that is not a multiple of 5", () => {
  assertEinval(() => z85Decode("Hello1"), /multiple of 5 characters, got 6/);
});

Deno.test("z85Decode names a character outside the alphabet and its position", () => {
  assertEinval(() => z85Decode('Hell"World'), /character "\\"" at 4 is not in the Z85 alphabet/);
  assertEinval(() => z85Decode("Hello Worl"), /character " " at 5/);
  assertEinval(() => z85Decode("Helloé1234"), /at 5/);
});

Deno.test("z85Decode refuses a group worth more than 4 bytes", () => {
  assertEinval(() => z85Decode("#####"), /encodes more than 4 bytes/);
});

Deno.test("curvePublicKey derives the public half of a key pair", () => {
  const { publicKey, secretKey } = curveKeyPair();
  assert.equal(curvePublicKey(secretKey), publicKey);
  assert.equal(curvePublicKey(z85Decode(secretKey)), publicKey);
});
