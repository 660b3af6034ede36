/**
 * epgm:// and pgm:// as a user meets them without a network: endpoint
 * forms, which sockets may use them, the flags Deno needs, the options.
 * (Traffic is tested in tests/interop/epgm_test.ts, inside private network
 * namespaces.)
 */
import assert from "node:assert/strict";
import {
  Dealer,
  Publisher,
  Pull,
  Push,
  Request,
  Router,
  Subscriber,
  XPublisher,
  XSubscriber,
  ZmqError,
} from "../../mod.ts";
import { within } from "../helpers.ts";

const ENDPOINT = "epgm://10.77.0.1;239.192.1.1:5555";

function assertCode(err: unknown, code: string): true {
  assert.ok(err instanceof ZmqError, String(err));
  assert.equal(err.code, code, err.message);
  return true;
}

Deno.test("pgm:// is refused with EPROTONOSUPPORT: no raw IP sockets in Deno, use epgm://", async () => {
  const pub = new Publisher();
  try {
    await assert.rejects(pub.bind("pgm://eth0;239.192.1.1:5555"), (err) => {
      assertCode(err, "EPROTONOSUPPORT");
      assert.match((err as Error).message, /Deno cannot open raw IP sockets/);
      assert.match((err as Error).message, /epgm:\/\/ is the same protocol over UDP/);
      return true;
    });
    assert.throws(
      () => pub.connect("pgm://eth0;239.192.1.1:5555"),
      (err) => assertCode(err, "EPROTONOSUPPORT"),
    );
  } finally {
    pub.close();
  }
});

Deno.test("epgm: only PUB, XPUB, SUB and XSUB may use it (ENOCOMPATPROTO)", async () => {
  for (const Type of [Push, Pull, Dealer, Router, Request]) {
    const socket = new Type();
    try {
      await assert.rejects(socket.bind(ENDPOINT), (err) => assertCode(err, "ENOCOMPATPROTO"));
      assert.throws(() => socket.connect(ENDPOINT), (err) => assertCode(err, "ENOCOMPATPROTO"));
    } finally {
      socket.close();
    }
  }
});

Deno.test("epgm: malformed endpoints are refused with EINVAL", async () => {
  const sub = new Subscriber();
  try {
    for (
      const endpoint of [
        "epgm://239.192.1.1:5555", // no interface
        "epgm://10.77.0.1;10.0.0.1:5555", // not a multicast group
        "epgm://10.77.0.1;239.192.1.1", // no port
        "epgm://10.77.0.1;239.192.1.1:0",
        "epgm://10.77.0.1;239.192.1.1:70000",
        "epgm://10.77.0.1;239.192.1.300:5555",
      ]
    ) {
      await assert.rejects(sub.bind(endpoint), (err) => assertCode(err, "EINVAL"), endpoint);
      assert.throws(() => sub.connect(endpoint), (err) => assertCode(err, "EINVAL"), endpoint);
    }
  } finally {
    sub.close();
  }
});

Deno.test("epgm: the multicast options have libzmq's defaults and are socket options", () => {
  const pub = new Publisher({ rate: 100_000, recoveryInterval: 2000, multicastHops: 4 });
  const sub = new XSubscriber();
  try {
    assert.equal(pub.rate, 100_000);
    assert.equal(pub.recoveryInterval, 2000);
    assert.equal(pub.multicastHops, 4);
    assert.equal(pub.multicastMaxTransportDataUnit, 1500);
    assert.equal(sub.rate, 100);
    assert.equal(sub.recoveryInterval, 10_000);
    assert.equal(sub.multicastHops, 1);
  } finally {
    pub.close();
    sub.close();
  }
});

Deno.test("epgm: a rate of 0 is refused with EINVAL before anything is opened", async () => {
  const pub = new XPublisher({ rate: 0 });
  try {
    await assert.rejects(pub.bind(ENDPOINT), (err) => {
      assertCode(err, "EINVAL");
      assert.match((err as Error).message, /rate/);
      return true;
    });
  } finally {
    pub.close();
  }
});

async function probe(flags: string[], op: "bind" | "connect"): Promise<Record<string, unknown>> {
  const fixture = new URL("./fixtures/epgm_probe.ts", import.meta.url).pathname;
  const { code, stdout, stderr } = await within(
    20000,
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "--no-lock", ...flags, fixture, op, ENDPOINT],
      stdout: "piped",
      stderr: "piped",
    }).output(),
  );
  const decoder = new TextDecoder();
  assert.equal(code, 0, decoder.decode(stderr));
  return JSON.parse(decoder.decode(stdout));
}

Deno.test("epgm: without --unstable-net, bind and connect say to add it", async () => {
  for (const op of ["bind", "connect"] as const) {
    const report = await probe(["--allow-net", "--allow-read"], op);
    assert.equal(report.ok, false);
    assert.equal(report.isZmqError, true);
    assert.equal(report.code, "EACCES");
    assert.match(report.message as string, /run with --unstable-net$/);
  }
});

Deno.test("epgm: without --allow-net, bind and connect say to add it", async () => {
  for (const op of ["bind", "connect"] as const) {
    const report = await probe(["--unstable-net", "--allow-read"], op);
    assert.equal(report.ok, false);
    assert.equal(report.code, "EACCES");
    assert.match(report.message as string, /run with --allow-net$/);
  }
});
