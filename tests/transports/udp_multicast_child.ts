/**
 * Run by udp_multicast_test.ts inside a private network namespace (only
 * `lo`, up): Radio → Dish over udp multicast, ours to ours and with
 * libzmq in both roles. Prints one `ok <case>` or `fail <case>: why` line
 * per case.
 */

import { Dish, messageGroup, Radio } from "../../mod.ts";
import { LibzmqPeer, type PeerSocket } from "../interop/libzmq.ts";

const GROUP = "239.192.7.7";
const decoder = new TextDecoder();

async function check(name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
    console.log(`ok ${name}`);
  } catch (err) {
    console.log(`fail ${name}: ${err instanceof Error ? err.message : err}`);
  }
}

function endpoint(port: number): string {
  return `udp://127.0.0.1;${GROUP}:${port}`;
}

/**
 * With `ttl`: counts in nft (output hook) the TTLs of a Radio's datagrams,
 * 3 sent with multicastHops 7 and 3 with the default, and prints
 * `ok ttl 7:3 1:3` when each went out with its own.
 */
if (Deno.args[0] === "ttl") {
  await check("ttl 7:3 1:3", async () => {
    const port = 47005;
    const setup = new Deno.Command("nft", { args: ["-f", "-"], stdin: "piped" }).spawn();
    const writer = setup.stdin.getWriter();
    await writer.write(new TextEncoder().encode([
      "table ip zmqttl {",
      "  chain out {",
      "    type filter hook output priority 0;",
      `    udp dport ${port} ip ttl 7 counter`,
      `    udp dport ${port} ip ttl 1 counter`,
      "  }",
      "}",
      "",
    ].join("\n")));
    await writer.close();
    if (!(await setup.status).success) throw new Error("nft failed");
    for (const options of [{ multicastHops: 7 }, {}]) {
      const radio = new Radio(options);
      radio.connect(endpoint(port));
      for (let i = 0; i < 3; i++) await radio.send("x", { group: "g" });
      await new Promise((resolve) => setTimeout(resolve, 50));
      radio.close();
    }
    const listed = await new Deno.Command("nft", { args: ["list", "table", "ip", "zmqttl"] })
      .output();
    const counts = [...decoder.decode(listed.stdout).matchAll(/ttl (\d+) counter packets (\d+)/g)]
      .map((m) => `${m[1]}:${m[2]}`).join(" ");
    if (counts !== "7:3 1:3") throw new Error(`TTL:packets ${counts}`);
  });
  Deno.exit(0);
}

await check("ours to ours", async () => {
  const dish = new Dish();
  await dish.bind(endpoint(47001));
  dish.join("m");
  const radio = new Radio();
  radio.connect(endpoint(47001));
  try {
    for (let i = 0; i < 50; i++) {
      await radio.send("hello", { group: "m" });
      try {
        const msg = await dish.receive({ signal: AbortSignal.timeout(40) });
        if (decoder.decode(msg[0]) !== "hello" || messageGroup(msg) !== "m") {
          throw new Error("wrong");
        }
        return;
      } catch (err) {
        if (err instanceof Error && err.message === "wrong") throw err;
      }
    }
    throw new Error("nothing arrived");
  } finally {
    radio.close();
    dish.close();
  }
});

await using peer = await LibzmqPeer.start();

await check("ours to libzmq", async () => {
  const dish: PeerSocket = await peer.socket("Dish", { receiveTimeout: 40 });
  await dish.bind(endpoint(47002));
  await dish.call("join", "m");
  const radio = new Radio();
  radio.connect(endpoint(47002));
  try {
    for (let i = 0; i < 50; i++) {
      await radio.send("hello", { group: "m" });
      try {
        const msg = await dish.receiveWith();
        if (decoder.decode(msg.frames[0]) !== "hello") throw new Error("wrong body");
        return;
      } catch (err) {
        if (err instanceof Error && err.message === "wrong body") throw err;
      }
    }
    throw new Error("nothing arrived");
  } finally {
    radio.close();
    await dish.close();
  }
});

await check("libzmq to ours", async () => {
  const dish = new Dish();
  await dish.bind(endpoint(47003));
  dish.join("m");
  const radio = await peer.socket("Radio");
  await radio.connect(endpoint(47003));
  try {
    for (let i = 0; i < 50; i++) {
      await radio.sendWith("hello", { group: "m" });
      try {
        const msg = await dish.receive({ signal: AbortSignal.timeout(40) });
        if (decoder.decode(msg[0]) !== "hello" || messageGroup(msg) !== "m") {
          throw new Error("wrong");
        }
        return;
      } catch (err) {
        if (err instanceof Error && err.message === "wrong") throw err;
      }
    }
    throw new Error("nothing arrived");
  } finally {
    dish.close();
    await radio.close();
  }
});
