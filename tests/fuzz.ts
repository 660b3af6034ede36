/**
 * Seeded, reproducible generators of hostile ZMTP byte streams for the fuzz
 * tests: random bytes, and valid streams (greetings, commands, metadata,
 * frames) with mutations, including lying size fields up to 2^64-1.
 *
 * Every stream is a pure function of the seed and its index, so a failure
 * names the case that reproduces it. `FUZZ_SEED=n` picks another seed.
 */

import { COMMAND, command, concat, frame, greeting, LONG, metadata, MORE } from "./raw_zmtp.ts";

/** A small fast PRNG (mulberry32): the same seed gives the same numbers. */
export class Random {
  private state: number;

  /** Starts the sequence for `seed`. */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return this.next() % n;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }

  /** One of the items. */
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.next() & 0xff;
    return out;
  }
}

/** The seed of this run: FUZZ_SEED if set, else a fixed one. */
export function fuzzSeed(): number {
  const given = Deno.env.get("FUZZ_SEED");
  return given === undefined ? 0x5eed_2026 : Number(given);
}

/** Sizes a liar may declare: around the 1-byte/8-byte boundary, 2^31, 2^32, 2^62, 2^64-1. */
const LYING_SIZES: readonly bigint[] = [
  0n,
  1n,
  255n,
  256n,
  65536n,
  2n ** 31n - 1n,
  2n ** 31n,
  2n ** 32n - 1n,
  2n ** 32n,
  2n ** 32n + 1n,
  2n ** 53n,
  2n ** 62n,
  2n ** 63n,
  2n ** 64n - 1n,
];

const COMMAND_NAMES = [
  "READY",
  "ERROR",
  "PING",
  "PONG",
  "SUBSCRIBE",
  "CANCEL",
  "HELLO",
  "WELCOME",
  "INITIATE",
  "MESSAGE",
  "X",
];

const PROPERTY_NAMES = ["Socket-Type", "Identity", "Resource", "X-Custom", "socket-type"];
const SOCKET_TYPES = [
  "PUSH",
  "PULL",
  "PUB",
  "SUB",
  "XPUB",
  "XSUB",
  "DEALER",
  "ROUTER",
  "REQ",
  "REP",
  "PAIR",
  "",
  "push",
];

/** A property list, sometimes with lies in its length fields. */
function randomMetadata(rng: Random): Uint8Array {
  const props: [string, Uint8Array | string][] = [];
  const count = rng.below(4);
  for (let i = 0; i < count; i++) {
    const name = rng.pick(PROPERTY_NAMES);
    const value = name.toLowerCase() === "socket-type"
      ? rng.pick(SOCKET_TYPES)
      : rng.bytes(rng.below(rng.chance(0.1) ? 300 : 20));
    props.push([name, value]);
  }
  const bytes = metadata(props);
  if (bytes.length > 0 && rng.chance(0.3)) {
    // A value length that overruns the command.
    const at = rng.below(bytes.length);
    bytes[at] = rng.pick([0xff, 0x7f, 0x80, 0]);
  }
  return bytes;
}

/** One command frame with plausible data for its name. */
function randomCommand(rng: Random, socketType: string): Uint8Array {
  const name = rng.pick(COMMAND_NAMES);
  switch (name) {
    case "READY":
      return rng.chance(0.5)
        ? command("READY", metadata([["Socket-Type", socketType]]))
        : command("READY", randomMetadata(rng));
    case "PING":
      return command("PING", rng.bytes(rng.pick([0, 1, 2, 3, 18, 40])));
    case "ERROR": {
      const reason = rng.bytes(rng.below(20));
      return command("ERROR", concat(new Uint8Array([rng.below(40)]), reason));
    }
    default:
      return command(name, rng.bytes(rng.below(rng.chance(0.05) ? 2000 : 40)));
  }
}

/** One data or command frame, maybe long, maybe with a size that lies. */
function randomFrame(rng: Random, socketType: string): Uint8Array {
  if (rng.chance(0.25)) return randomCommand(rng, socketType);
  const flags = rng.chance(0.3) ? MORE : 0;
  const body = rng.bytes(rng.chance(0.05) ? 300 + rng.below(5000) : rng.below(64));
  if (rng.chance(0.1)) {
    return frame(body, flags | (rng.chance(0.2) ? COMMAND : 0), {
      declaredSize: rng.pick(LYING_SIZES),
      long: true,
    });
  }
  return frame(body, flags, { long: rng.chance(0.1) });
}

/** Security mechanisms a stream may speak. */
export type Mechanism = "NULL" | "PLAIN" | "CURVE";

/** The client's first handshake command for `mechanism`, well-formed or nearly. */
function firstCommand(rng: Random, mechanism: Mechanism, socketType: string): Uint8Array {
  switch (mechanism) {
    case "NULL":
      return command("READY", metadata([["Socket-Type", socketType]]));
    case "PLAIN": {
      const user = rng.bytes(rng.below(12));
      const password = rng.bytes(rng.below(12));
      return command(
        "HELLO",
        concat(new Uint8Array([user.length]), user, new Uint8Array([password.length]), password),
      );
    }
    case "CURVE": {
      // version 1.0, 72 bytes of padding, a short-term key, a nonce, a box: 194 bytes.
      const body = concat(new Uint8Array([1, 0]), new Uint8Array(72), rng.bytes(120));
      return command("HELLO", rng.chance(0.8) ? body : body.subarray(0, rng.below(194)));
    }
  }
}

/** A plausible session: greeting, the first handshake command, frames. */
function validStream(rng: Random, socketType: string, mechanism: Mechanism): Uint8Array {
  const parts: Uint8Array[] = [greeting({ minor: rng.pick([0, 1, 1, 1]), mechanism })];
  parts.push(firstCommand(rng, mechanism, socketType));
  const frames = rng.below(12);
  for (let i = 0; i < frames; i++) parts.push(randomFrame(rng, socketType));
  return concat(...parts);
}

/** Changes a stream the way a broken or hostile peer would. */
function mutate(rng: Random, input: Uint8Array): Uint8Array {
  let bytes: Uint8Array = input.slice();
  const steps = 1 + rng.below(4);
  for (let s = 0; s < steps && bytes.length > 0; s++) {
    const at = rng.below(bytes.length);
    switch (rng.below(7)) {
      case 0: // flip a bit
        bytes[at] ^= 1 << rng.below(8);
        break;
      case 1: // replace a byte with an interesting value
        bytes[at] = rng.pick([0, 1, 2, 3, 4, 5, 6, 7, 0x7f, 0x80, 0xff]);
        break;
      case 2: // truncate
        bytes = bytes.subarray(0, at);
        break;
      case 3: // insert random bytes
        bytes = concat(bytes.subarray(0, at), rng.bytes(1 + rng.below(16)), bytes.subarray(at));
        break;
      case 4: // repeat a slice
        bytes = concat(
          bytes.subarray(0, at),
          bytes.subarray(at, at + rng.below(64)),
          bytes.subarray(at),
        );
        break;
      case 5: { // a lying 8-byte size right here
        const header = new Uint8Array(9);
        header[0] = rng.pick([0, MORE, COMMAND]) | LONG;
        new DataView(header.buffer).setBigUint64(1, rng.pick(LYING_SIZES));
        bytes = concat(bytes.subarray(0, at), header, rng.bytes(rng.below(32)));
        break;
      }
      default: // drop a slice
        bytes = concat(bytes.subarray(0, at), bytes.subarray(at + 1 + rng.below(16)));
    }
  }
  return bytes;
}

/** Kinds of stream, for reports. */
export type StreamKind = "random" | "mutated" | "valid" | "greeting-only" | "lying-size";

/**
 * Case `index` of a run with `seed`: a stream a peer of `socketType`
 * might send (or a stranger instead of it).
 */
export function fuzzStream(
  seed: number,
  index: number,
  socketType: string,
  mechanism: Mechanism = "NULL",
): { kind: StreamKind; bytes: Uint8Array } {
  const rng = new Random((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const roll = rng.below(100);
  if (roll < 15) {
    return { kind: "random", bytes: rng.bytes(rng.below(rng.chance(0.2) ? 2000 : 100)) };
  }
  if (roll < 25) {
    const g = greeting({
      major: rng.pick([1, 2, 3, 3, 4, 255]),
      minor: rng.pick([0, 1, 2]),
      mechanism: rng.pick(["NULL", "PLAIN", "CURVE", "", "NULLNULLNULLNULLNULLNULL"]),
      asServer: rng.chance(0.5),
    });
    return { kind: "greeting-only", bytes: rng.chance(0.5) ? mutate(rng, g) : g };
  }
  if (roll < 35) {
    const head = concat(greeting({ mechanism }), firstCommand(rng, mechanism, socketType));
    const header = new Uint8Array(9);
    header[0] = rng.pick([0, MORE, COMMAND]) | LONG;
    new DataView(header.buffer).setBigUint64(1, rng.pick(LYING_SIZES));
    return { kind: "lying-size", bytes: concat(head, header, rng.bytes(rng.below(100))) };
  }
  const valid = validStream(rng, socketType, mechanism);
  if (roll < 45) return { kind: "valid", bytes: valid };
  return { kind: "mutated", bytes: mutate(rng, valid) };
}

/** Hex of the first bytes, to show a failing case. */
export function hexPrefix(bytes: Uint8Array, max = 96): string {
  return Array.from(bytes.subarray(0, max), (b) => b.toString(16).padStart(2, "0")).join("") +
    (bytes.length > max ? `… (${bytes.length} bytes)` : "");
}
