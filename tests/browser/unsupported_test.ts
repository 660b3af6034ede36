/**
 * In a page (headless Chromium), what a browser cannot do fails at once
 * with ENOTSUP and says why: listening, raw TCP or Unix sockets, and
 * PLAIN or CURVE over ws (a page can only offer the subprotocol ZWS2.0).
 */

import assert from "node:assert/strict";
import { Chromium, needsChromium, type Page } from "./chromium.ts";
import { openPage } from "./page_subscriber.ts";
import { PageServer } from "./page_server.ts";

/** What `socket.bind(endpoint)` on a new `type` does in the page: "bound", or "CODE: message". */
function bindInPage(page: Page, type: string, endpoint: string): Promise<string> {
  return page.run(async (zmq, [type, endpoint]) => {
    const types = zmq as unknown as Record<string, new () => InstanceType<typeof zmq.Pair>>;
    const socket = new types[type]();
    try {
      await socket.bind(endpoint);
      return "bound";
    } catch (err) {
      return `${(err as InstanceType<typeof zmq.ZmqError>).code}: ${(err as Error).message}`;
    } finally {
      socket.close();
    }
  }, [type, endpoint]);
}

/** What `connect(endpoint)` does in the page on a socket made with `options`. */
function connectInPage(
  page: Page,
  type: string,
  endpoint: string,
  options: Record<string, unknown> = {},
): Promise<string> {
  return page.run((zmq, [type, endpoint, options]) => {
    const types = zmq as unknown as Record<
      string,
      new (options: object) => InstanceType<typeof zmq.Pair>
    >;
    const socket = new types[type as string](options as object);
    try {
      socket.connect(endpoint as string);
      return "connecting";
    } catch (err) {
      return `${(err as InstanceType<typeof zmq.ZmqError>).code}: ${(err as Error).message}`;
    } finally {
      socket.close();
    }
  }, [type, endpoint, options]);
}

Deno.test({
  name: "in a page what a browser cannot do is ENOTSUP, saying why",
  ...needsChromium,
  async fn(t) {
    await using server = await PageServer.start();
    await using browser = await Chromium.launch();
    const page = await openPage(browser, server);

    await t.step("bind on tcp:// or ws://: a browser cannot listen", async () => {
      for (const endpoint of ["tcp://127.0.0.1:*", "ws://127.0.0.1:*/feed"]) {
        const got = await bindInPage(page, "Publisher", endpoint);
        assert.equal(
          got,
          `ENOTSUP: bind ${endpoint}: a browser cannot listen for connections: ` +
            "bind in Deno and connect here with ws:// or wss://",
        );
      }
    });

    await t.step("connect to tcp:// or ipc://: no raw sockets, use ws://", async () => {
      for (const endpoint of ["tcp://127.0.0.1:5556", "ipc:///tmp/feed.sock"]) {
        const got = await connectInPage(page, "Subscriber", endpoint);
        assert.match(
          got,
          /^ENOTSUP: connect .*: a browser cannot open TCP or Unix sockets: connect with ws:\/\//,
        );
      }
    });

    await t.step("PLAIN or CURVE over ws: a page offers only ZWS2.0", async () => {
      const keys = await page.run((zmq) => [zmq.curveKeyPair(), zmq.curveKeyPair()]);
      const curve = {
        curveServerKey: keys[0].publicKey,
        curvePublicKey: keys[1].publicKey,
        curveSecretKey: keys[1].secretKey,
      };
      const plain = { plainUsername: "admin", plainPassword: "secret" };
      for (const [options, mechanism] of [[curve, "CURVE"], [plain, "PLAIN"]] as const) {
        const got = await connectInPage(page, "Request", "wss://127.0.0.1:9/rpc", options);
        assert.match(
          got,
          new RegExp(`^ENOTSUP: .*only offer the subprotocol ZWS2\\.0 .*${mechanism} cannot`),
        );
      }
    });
  },
});
