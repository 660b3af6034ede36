/**
 * A Subscriber living in a test page across several `page.run` calls, and
 * the warm-up that makes sure its subscription reached the publisher
 * before the test publishes what it counts.
 */

import { delay } from "../helpers.ts";
import type { Chromium, Page } from "./chromium.ts";
import type { PageServer } from "./page_server.ts";

/** Opens the test page and waits for the library to load. */
export async function openPage(browser: Chromium, server: PageServer): Promise<Page> {
  const page = await browser.open(server.origin);
  await page.evaluate("zmqLoaded");
  return page;
}

/** The page's global that holds its subscriber between calls. */
type PageGlobals = { sub: InstanceType<typeof import("../../mod.ts").Subscriber> };

/** Makes a Subscriber in the page, connected to `endpoint`, subscribed to `prefix`. */
export async function subscribeInPage(page: Page, endpoint: string, prefix: string) {
  await page.run((zmq, [endpoint, prefix]) => {
    const sub = new zmq.Subscriber();
    sub.connect(endpoint);
    sub.subscribe(prefix);
    (globalThis as unknown as PageGlobals).sub = sub;
  }, [endpoint, prefix]);
}

/**
 * Calls `sendWarm` (which publishes `[topic, "warm"]` under the page's
 * prefix) every 20 ms until the page's subscriber got one, so the
 * subscription is known to have reached the publisher.
 */
export async function warmUp(page: Page, sendWarm: () => Promise<void>): Promise<void> {
  let warm = false;
  const received = page.run(
    async () => {
      const { sub } = globalThis as unknown as PageGlobals;
      for (;;) {
        const [, body] = await sub.receive();
        if (new TextDecoder().decode(body) === "warm") return;
      }
    },
    null,
    20000,
  );
  const settled = received.then(() => warm = true, () => warm = true);
  for (let n = 0; !warm && n < 1000; n++) {
    await sendWarm();
    await delay(20);
  }
  await settled;
  await received;
}

/**
 * The page subscriber's messages, as text, until one whose second frame is
 * "end" (warm-ups skipped); then closes it.
 */
export function collectInPage(page: Page): Promise<string[][]> {
  return page.run(
    async () => {
      const { sub } = globalThis as unknown as PageGlobals;
      const decode = (frames: Uint8Array[]) => frames.map((f) => new TextDecoder().decode(f));
      const got: string[][] = [];
      for (;;) {
        const message = decode(await sub.receive());
        if (message[1] === "warm") continue;
        if (message[1] === "end") break;
        got.push(message);
      }
      sub.close();
      return got;
    },
    null,
    20000,
  );
}
