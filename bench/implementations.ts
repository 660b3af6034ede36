/**
 * The implementations the benchmark compares, one receiver and one sender
 * program each (bench/programs/). To measure another pattern or library,
 * add its programs there and an entry here.
 *
 * @module
 */

import type { Implementation } from "./protocol.ts";

const programs = "bench/programs/";

/** This library: two Deno processes. */
export const zmtpPushPull: Implementation = {
  name: "zmtp (Deno)",
  receiver: {
    command: Deno.execPath(),
    args: ["run", "--allow-net=127.0.0.1", `${programs}zmtp_push_pull_receiver.ts`],
  },
  sender: {
    command: Deno.execPath(),
    args: ["run", "--allow-net=127.0.0.1", `${programs}zmtp_push_pull_sender.ts`],
  },
};

/** zeromq.js 6.8.0 (libzmq 4.3.5): two Node processes loading ./node_modules/zeromq. */
export const zeromqPushPull: Implementation = {
  name: "zeromq.js 6.8.0 (Node)",
  receiver: { command: "node", args: [`${programs}zeromq_push_pull_receiver.cjs`] },
  sender: { command: "node", args: [`${programs}zeromq_push_pull_sender.cjs`] },
};
