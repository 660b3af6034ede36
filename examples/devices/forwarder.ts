/**
 * FORWARDER device (libzmq's ZMQ_FORWARDER): an XSUB frontend that
 * publishers connect to, an XPUB backend for subscribers, and `proxy()`
 * between them. Subscriptions travel upstream, so publishers only send
 * what somebody downstream wants. (`zmtp relay` (cli/relay.ts) is this device with
 * flags, stats and CURVE.)
 *
 *   deno run --allow-net examples/devices/forwarder.ts [frontend] [backend]
 *   node dist/npm/examples/devices/forwarder.js [frontend] [backend]   # or bun
 *
 * Defaults: tcp://127.0.0.1:5557 (publishers) and tcp://127.0.0.1:5558
 * (subscribers). Prints where it listens; stops on SIGINT/SIGTERM.
 *
 * @module
 */

import { XPublisher, XSubscriber } from "../../mod.ts";
import { runDevice } from "./run.ts";

await runDevice("forwarder", new XSubscriber(), new XPublisher(), [
  "tcp://127.0.0.1:5557",
  "tcp://127.0.0.1:5558",
]);
