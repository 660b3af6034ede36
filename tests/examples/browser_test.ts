/**
 * examples/browser end to end: the ticker publisher (a Deno process) →
 * `zmtp relay` (tcp frontend, ws backend) → the example page, served by
 * examples/browser/serve.ts and opened in headless Chromium.
 */

import assert from "node:assert/strict";
import { Chromium, needsChromium, type Page } from "../browser/chromium.ts";
import { browserBundle } from "../browser/page_server.ts";
import { Relay } from "../browser/relay_process.ts";

const root = new URL("../../", import.meta.url);

/** An example program in its own process, stopped with SIGTERM. */
class Program {
  readonly lines: string[] = [];
  private readonly reading: Promise<void>;
  private readonly firstLine = Promise.withResolvers<string>();

  constructor(private readonly child: Deno.ChildProcess) {
    this.reading = (async () => {
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        for (const line of chunk.split("\n").filter((l) => l)) {
          this.lines.push(line);
          this.firstLine.resolve(line);
        }
      }
      this.firstLine.reject(new Error("exited without printing"));
    })();
  }

  static start(script: string, permissions: string[], args: string[]): Program {
    return new Program(
      new Deno.Command(Deno.execPath(), {
        args: ["run", ...permissions, new URL(script, root).pathname, ...args],
        cwd: root.pathname,
        stdin: "null",
        stdout: "piped",
        stderr: "null",
      }).spawn(),
    );
  }

  /** The first line it printed (within 30 s). */
  async first(): Promise<string> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("no output within 30 s")), 30000);
    });
    try {
      return await Promise.race([this.firstLine.promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.child.kill("SIGTERM");
    } catch { /* exited */ }
    await this.child.status;
    await this.reading.catch(() => {});
  }
}

/** What the page shows: the message counter, and per symbol its price and count. */
interface Shown {
  status: string;
  total: number;
  rows: Record<string, { price: string; count: number }>;
  logLines: number;
}

function shown(page: Page): Promise<Shown> {
  return page.evaluate<Shown>(`(() => {
    const rows = {};
    for (const tr of document.querySelectorAll("#ticker tr")) {
      const cells = tr.querySelectorAll("td");
      rows[cells[1].textContent] = { price: cells[2].textContent, count: Number(cells[4].textContent) };
    }
    return {
      status: document.querySelector("#status").textContent,
      total: Number(document.querySelector("#count").textContent),
      rows,
      logLines: document.querySelector("#log").textContent.split("\\n").length,
    };
  })()`);
}

/** Polls the page until `test` passes (at most `ms`); returns what it showed then. */
async function until(page: Page, test: (s: Shown) => boolean, what: string, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const now = await shown(page);
    if (test(now)) return now;
    if (Date.now() > end) {
      throw new Error(
        `${what}: not within ${ms} ms; page shows ${JSON.stringify(now)}, ` +
          `logged ${JSON.stringify(page.log)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

Deno.test({
  name:
    "examples/browser: the page shows the ticker flowing from a Deno publisher through the relay",
  ...needsChromium,
  async fn() {
    const bundle = await Deno.makeTempFile({ suffix: ".js" });
    try {
      await Deno.writeTextFile(bundle, await browserBundle());
      await using relay = await Relay.start([
        "--frontend",
        "tcp://127.0.0.1:*",
        "--backend",
        "ws://127.0.0.1:*/feed",
        "--stats-interval",
        "0",
      ]);
      const net = ["--allow-net=127.0.0.1"];
      await using publisher = Program.start("examples/browser/publisher.ts", net, [
        relay.frontend,
        "200",
      ]);
      assert.match(await publisher.first(), /^publishing ACME, GLOBEX, INITECH, UMBRELLA to /);
      await using server = Program.start("examples/browser/serve.ts", [...net, "--allow-read"], [
        "0",
        relay.backend,
        bundle,
      ]);
      const url = (await server.first()).match(/^open (http:\/\/\S+)$/)?.[1];
      assert.ok(url, server.lines.join("\n"));

      await using browser = await Chromium.launch();
      const page = await browser.open(url);
      const live = await until(
        page,
        (s) => s.total >= 40 && Object.values(s.rows).every((r) => r.count > 0),
        "every symbol ticking",
      );
      assert.equal(live.status, "connected");
      assert.deepEqual(Object.keys(live.rows), ["ACME", "GLOBEX", "INITECH", "UMBRELLA"]);
      for (const row of Object.values(live.rows)) assert.match(row.price, /^\d+\.\d\d$/);
      assert.ok(live.logLines > 10, "the log view fills");

      // Untick GLOBEX: the unsubscription travels up through the relay, GLOBEX stops.
      await page.evaluate(`document.querySelectorAll("#ticker input")[1].click()`);
      const settled = await until(page, (s) => s.total > live.total + 40, "more messages");
      const after = await until(
        page,
        (s) => s.total >= settled.total + 40,
        "40 messages after the unsubscription settled",
      );
      assert.equal(after.rows.GLOBEX.count, settled.rows.GLOBEX.count, "GLOBEX stopped");
      assert.ok(after.rows.ACME.count > settled.rows.ACME.count, "ACME goes on");
      assert.deepEqual(page.log.exceptions, []);
    } finally {
      await Deno.remove(bundle);
    }
  },
});
