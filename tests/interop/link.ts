/**
 * One connection between this library and libzmq for the interop tests,
 * seen the same way whichever side sends or binds.
 */

import { Pair, Pull, Push } from "../../mod.ts";
import type { SocketBase } from "../../mod.ts";
import { within } from "../helpers.ts";
import type { LibzmqPeer, PeerSocket } from "./libzmq.ts";

/** A socket of either library, as the tests drive it. */
export interface Side {
  send(frames: Uint8Array[]): Promise<void>;
  receive(): Promise<Uint8Array[]>;
  /** Sends messages in order (libzmq: in one request, so they leave back to back). */
  sendMany(messages: Uint8Array[][]): Promise<void>;
  /** Receives `count` messages. */
  receiveMany(count: number): Promise<Uint8Array[][]>;
}

/** Which library binds; the other connects. */
export type Binder = "ours" | "libzmq";

const OURS = { Push, Pull, Pair } as const;
type TypeName = keyof typeof OURS;

function ourSide(socket: SocketBase): Side {
  return {
    send: (frames) => within(20000, socket.send(frames), "our send"),
    receive: () => within(20000, socket.receive(), "our receive"),
    sendMany: (messages) =>
      within(
        20000,
        (async () => {
          for (const m of messages) await socket.send(m);
        })(),
        "our sends",
      ),
    receiveMany: (count) =>
      within(
        20000,
        (async () => {
          const out = [];
          for (let i = 0; i < count; i++) out.push(await socket.receive());
          return out;
        })(),
        "our receives",
      ),
  };
}

function theirSide(socket: PeerSocket): Side {
  return {
    send: (frames) => socket.send(frames, 20000),
    receive: () => socket.receive(20000),
    sendMany: (messages) => socket.sendMany(messages, 20000),
    receiveMany: (count) => socket.receiveMany(count, 20000),
  };
}

/**
 * Creates our socket of type `ourType` and a libzmq socket of type
 * `theirType`, binds one on a free tcp port and connects the other.
 */
export async function link(
  peer: LibzmqPeer,
  ourType: TypeName,
  theirType: TypeName,
  binder: Binder,
): Promise<{ ours: Side; theirs: Side; ourSocket: SocketBase; close: () => Promise<void> }> {
  const ourSocket = new OURS[ourType]();
  const theirSocket = await peer.socket(theirType);
  if (binder === "ours") {
    await ourSocket.bind("tcp://127.0.0.1:*");
    await theirSocket.connect(ourSocket.lastEndpoint!);
  } else {
    const endpoint = await theirSocket.bind("tcp://127.0.0.1:*");
    ourSocket.connect(endpoint);
  }
  return {
    ours: ourSide(ourSocket),
    theirs: theirSide(theirSocket),
    ourSocket,
    close: async () => {
      ourSocket.close();
      await theirSocket.close();
    },
  };
}
