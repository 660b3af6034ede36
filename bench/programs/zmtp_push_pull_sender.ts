/**
 * Benchmark program: this library's PUSH side of PUSH→PULL.
 *
 * Connects to `--endpoint` and sends `--count` messages of `--size` bytes
 * as fast as `send` lets it, then closes (lingering until all are written).
 * Run by bench/main.ts; see bench/protocol.ts.
 *
 * @module
 */

import { Push } from "../../mod.ts";
import { parseProgramArgs } from "./program_args.ts";

const { endpoint, size, count } = parseProgramArgs(Deno.args);
const push = new Push({ linger: 30000 });
push.connect(endpoint);
// One payload for every message: the library does not copy or change it.
const payload = new Uint8Array(size).fill(0x61);
for (let i = 0; i < count; i++) await push.send(payload);
push.close();
