/**
 * ZMTP 2.0 peers: JeroMQ 0.3.6 (Debian's libjeromq-java) speaks only ZMTP
 * 2.0, so every exchange here runs on the downgraded protocol: greeting in
 * steps, no mechanism, the identity as the first message, subscriptions as
 * `\x01`/`\x00` messages. Each pairing runs with each library in each role,
 * binding on one side and then the other.
 */

import assert from "node:assert/strict";
import {
  Dealer,
  Pair,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  type SocketBase,
  Subscriber,
  XPublisher,
  XSubscriber,
} from "../../mod.ts";
import { texts, within } from "../helpers.ts";
import { jeromqMissing, jeromqNote, JeroPeer, type JeroSocket } from "./jeromq/jeromq.ts";

/** One end of a connection, whichever library it is. */
interface End {
  send(frames: string[]): Promise<void>;
  receive(): Promise<string[]>;
  /** The next message, or null when none comes within `ms`. */
  receiveWithin(ms: number): Promise<string[] | null>;
  /** SUB only. */
  subscribe(prefix: string): Promise<void>;
}

const OURS: Record<string, new (options?: object) => SocketBase> = {
  PAIR: Pair,
  PUB: Publisher,
  SUB: Subscriber,
  XPUB: XPublisher,
  XSUB: XSubscriber,
  REQ: Request,
  REP: Reply,
  DEALER: Dealer,
  ROUTER: Router,
  PUSH: Push,
  PULL: Pull,
};

function ourEnd(socket: SocketBase): End {
  return {
    send: (frames) => within(10000, socket.send(frames), "our send"),
    receive: async () => texts(await within(10000, socket.receive(), "our receive")),
    receiveWithin: async (ms) => {
      socket.receiveTimeout = ms;
      try {
        return texts(await socket.receive());
      } catch {
        return null;
      } finally {
        socket.receiveTimeout = -1;
      }
    },
    subscribe: (prefix) => {
      (socket as Subscriber).subscribe(prefix);
      return Promise.resolve();
    },
  };
}

function theirEnd(socket: JeroSocket): End {
  return {
    send: (frames) => socket.send(frames),
    receive: async () => {
      const msg = await socket.receive(10000);
      if (msg === null) throw new Error("JeroMQ received nothing within 10 s");
      return texts(msg);
    },
    receiveWithin: async (ms) => {
      const msg = await socket.receive(ms);
      return msg === null ? null : texts(msg);
    },
    subscribe: (prefix) => socket.subscribe(prefix),
  };
}

/** Connects a socket of ours and one of JeroMQ's; `identity` is given to both (DEALER/REQ use it). */
async function connected(
  peer: JeroPeer,
  ourType: string,
  theirType: string,
  weBind: boolean,
  ourIdentity: string,
  theirIdentity: string,
) {
  const ours = new OURS[ourType]({ routingId: ourIdentity, linger: 0 });
  const theirs = await peer.socket(theirType);
  await theirs.setIdentity(theirIdentity);
  if (weBind) {
    await ours.bind("tcp://127.0.0.1:*");
    await theirs.connect(ours.lastEndpoint!);
  } else {
    ours.connect(await theirs.bind("tcp://127.0.0.1:*"));
  }
  return { ours, theirs };
}

/** What each pairing exchanges: `a` and `b` are the two ends, `aId`/`bId` their identities. */
type Exchange = (a: End, b: End, aId: string, bId: string) => Promise<void>;

const pushPull: Exchange = async (push, pull) => {
  await push.send(["one"]);
  await push.send(["two", "", "parts"]);
  assert.deepEqual(await pull.receive(), ["one"]);
  assert.deepEqual(await pull.receive(), ["two", "", "parts"]);
};

const pubSub: Exchange = async (pub, sub) => {
  await sub.subscribe("a");
  // The subscription travels as a \x01 message; publish until it has arrived.
  let first: string[] | null = null;
  const receiving = sub.receive().then((msg) => first = msg);
  for (let i = 0; i < 100 && first === null; i++) {
    await pub.send(["b-ignored"]);
    await pub.send([`a-probe`]);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await receiving;
  assert.deepEqual(first, ["a-probe"]);
  await pub.send(["b-1", "x"]);
  await pub.send(["a-1", "y"]);
  let next = await sub.receive();
  while (next[0] === "a-probe") next = await sub.receive();
  assert.deepEqual(next, ["a-1", "y"]);
};

const reqRep: Exchange = async (req, rep) => {
  for (let i = 0; i < 3; i++) {
    await req.send([`request ${i}`]);
    assert.deepEqual(await rep.receive(), [`request ${i}`]);
    await rep.send([`reply ${i}`]);
    assert.deepEqual(await req.receive(), [`reply ${i}`]);
  }
};

const dealerRouter: Exchange = async (dealer, router, dealerId) => {
  await dealer.send(["hello"]);
  assert.deepEqual(await router.receive(), [dealerId, "hello"]);
  await router.send([dealerId, "back"]);
  assert.deepEqual(await dealer.receive(), ["back"]);
};

const reqRouter: Exchange = async (req, router, reqId) => {
  await req.send(["question"]);
  assert.deepEqual(await router.receive(), [reqId, "", "question"]);
  await router.send([reqId, "", "answer"]);
  assert.deepEqual(await req.receive(), ["answer"]);
};

const dealerRep: Exchange = async (dealer, rep) => {
  await dealer.send(["", "question"]);
  assert.deepEqual(await rep.receive(), ["question"]);
  await rep.send(["answer"]);
  assert.deepEqual(await dealer.receive(), ["", "answer"]);
};

const bothWays: Exchange = async (a, b) => {
  await a.send(["ping"]);
  assert.deepEqual(await b.receive(), ["ping"]);
  await b.send(["pong", "2"]);
  assert.deepEqual(await a.receive(), ["pong", "2"]);
};

const xpubXsub: Exchange = async (xpub, xsub) => {
  // A JeroMQ 0.3.6 XSUB may not replay a subscription it sent before the
  // connection was made (libzmq does not get it either): send until it arrives.
  let subscription: string[] | null = null;
  for (let i = 0; i < 20 && subscription === null; i++) {
    await xsub.send(["\x01topic"]);
    subscription = await xpub.receiveWithin(250);
  }
  assert.deepEqual(subscription, ["\x01topic"]);
  await xpub.send(["topic.1"]);
  assert.deepEqual(await xsub.receive(), ["topic.1"]);
};

const PAIRINGS: [string, string, Exchange][] = [
  ["PUSH", "PULL", pushPull],
  ["PUB", "SUB", pubSub],
  ["XPUB", "XSUB", xpubXsub],
  ["REQ", "REP", reqRep],
  ["DEALER", "ROUTER", dealerRouter],
  ["REQ", "ROUTER", reqRouter],
  ["DEALER", "REP", dealerRep],
  ["DEALER", "DEALER", bothWays],
  ["PAIR", "PAIR", bothWays],
];

/** One JVM for the whole file (starting one takes seconds); the last test stops it. */
let shared: Promise<JeroPeer> | null = null;
const peer = () => shared ??= JeroPeer.start();

const cases = PAIRINGS.flatMap(([typeA, typeB, exchange]) =>
  // A symmetric pairing has one role to play.
  (typeA === typeB ? ["a"] as const : ["a", "b"] as const).map((oursIs) => ({
    typeA,
    typeB,
    exchange,
    oursIs,
  }))
);

for (const [index, { typeA, typeB, exchange, oursIs }] of cases.entries()) {
  const ourType = oursIs === "a" ? typeA : typeB;
  const theirType = oursIs === "a" ? typeB : typeA;
  Deno.test({
    name:
      `ZMTP 2.0: our ${ourType} with a JeroMQ 0.3.6 ${theirType}, each side binding${jeromqNote}`,
    ignore: jeromqMissing !== null,
    // The JVM outlives single tests; the last one stops it.
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const jero = await peer();
      try {
        for (const weBind of [true, false]) {
          const ids = { ours: `ours-${weBind}`, theirs: `jero-${weBind}` };
          const { ours, theirs } = await connected(
            jero,
            ourType,
            theirType,
            weBind,
            ids.ours,
            ids.theirs,
          );
          const [a, b] = oursIs === "a"
            ? [ourEnd(ours), theirEnd(theirs)]
            : [theirEnd(theirs), ourEnd(ours)];
          const [aId, bId] = oursIs === "a" ? [ids.ours, ids.theirs] : [ids.theirs, ids.ours];
          try {
            await exchange(a, b, aId, bId);
          } finally {
            ours.close();
            await theirs.close();
          }
        }
      } finally {
        if (index === cases.length - 1) await jero[Symbol.asyncDispose]();
      }
    },
  });
}
