/**
 * Deno's permission model, checked before a transport touches the network
 * or the file system.
 *
 * Why check first instead of catching Deno's error: `Deno.listen` and
 * `Deno.connect` ask the user interactively when a permission is in the
 * "prompt" state and a terminal is attached, and a connection that fails in
 * a background reconnect loop would never reach the user. So every bind
 * and connect asks `Deno.permissions.querySync` (which never prompts), and
 * anything but "granted" fails at once with a {@link ZmqError} `EACCES`
 * whose message names the exact flag to add, and whose `cause` is the
 * `Deno.errors.NotCapable` that Deno itself would have thrown.
 *
 * @module
 */

import { type ZmqError, zmqError } from "../errors.ts";

type Access = "read" | "write";

/** True unless Deno says the permission is not granted (no prompt is shown). */
function granted(descriptor: Deno.PermissionDescriptor): boolean {
  const permissions = (globalThis as { Deno?: typeof Deno }).Deno?.permissions;
  if (typeof permissions?.querySync !== "function") return true; // no permission model here
  try {
    return permissions.querySync(descriptor).state === "granted";
  } catch {
    return true; // a descriptor Deno cannot query: let the operation itself decide
  }
}

/** True when Deno lets us list the network interfaces (`--allow-sys=networkInterfaces`). */
export function canListInterfaces(): boolean {
  const permissions = (globalThis as { Deno?: typeof Deno }).Deno?.permissions;
  if (typeof permissions?.querySync !== "function") return false;
  return granted({ name: "sys", kind: "networkInterfaces" });
}

/** The `host:port` text Deno checks, with brackets around IPv6 addresses. */
export function netTarget(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * The flag that grants network access to `host:port`. Port 0 (an ephemeral
 * port on bind) is granted by the host alone, so the flag names only the
 * host: the real port is not known yet.
 */
export function netFlag(host: string, port: number): string {
  const target = netTarget(host, port);
  return port === 0
    ? `--allow-net=${target.slice(0, target.lastIndexOf(":"))}`
    : `--allow-net=${target}`;
}

/**
 * Throws `EACCES` unless network access to `host:port` is granted.
 * @param what the operation, e.g. `connect tcp://127.0.0.1:5555`
 */
export function requireNet(what: string, host: string, port: number): void {
  const target = netTarget(host, port);
  if (granted({ name: "net", host: target })) return;
  throw accessError(what, "network access", [netFlag(host, port)], "net", target);
}

/**
 * Throws `EACCES` unless unrestricted network access is granted. Deno
 * checks abstract Unix sockets (`ipc://@name`) as network access with no
 * host that an allow-list could name.
 */
export function requireAnyNet(what: string, name: string): void {
  if (granted({ name: "net" })) return;
  throw accessError(what, "network access", ["--allow-net"], "net", `unix: ${name}`);
}

/**
 * Throws `EACCES` unless Deno grants what a Unix domain socket at `path`
 * needs, both to listen and to connect: read and write access to the path
 * and (since Deno 2.x) network access to `unix:<absolute path>`. The
 * message names every missing flag at once; the cause is the first error
 * Deno would have thrown (it checks read, then write, then net).
 */
export function requireUnixSocket(what: string, path: string): void {
  const absolute = absolutePath(path);
  const needs: { access: Access | "net"; descriptor: Deno.PermissionDescriptor; flag: string }[] = [
    { access: "read", descriptor: { name: "read", path }, flag: `--allow-read=${path}` },
    { access: "write", descriptor: { name: "write", path }, flag: `--allow-write=${path}` },
    {
      access: "net",
      descriptor: { name: "net", host: `unix:${absolute}` },
      flag: `--allow-net=unix:${absolute}`,
    },
  ];
  const missing = needs.filter((need) => !granted(need.descriptor));
  if (missing.length === 0) return;
  const first = missing[0];
  const kinds = missing.map((need) => need.access === "net" ? "network" : need.access);
  throw accessError(
    what,
    `${joinWords(kinds)} access to ${path}`,
    missing.map((need) => need.flag),
    first.access,
    first.access === "net" ? `unix:${absolute}` : path,
  );
}

/** "a", "a and b", "a, b and c". */
function joinWords(words: string[]): string {
  return words.length <= 1
    ? words.join("")
    : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/**
 * `path` made absolute against the current directory, with `.` and `..`
 * resolved as Deno does when it names a Unix socket in a permission check.
 */
export function absolutePath(path: string): string {
  let full = path;
  if (!path.startsWith("/")) {
    try {
      full = `${Deno.cwd()}/${path}`;
    } catch {
      return path; // no way to know the current directory: Deno will say
    }
  }
  const segments: string[] = [];
  for (const segment of full.split("/").slice(1)) {
    if (segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  return "/" + segments.join("/");
}

/**
 * One line that says what is missing and which flag to add, for example
 * `connect tcp://127.0.0.1:5555 needs network access: run with --allow-net=127.0.0.1:5555`.
 */
function accessError(
  what: string,
  needs: string,
  flags: string[],
  denoName: Access | "net",
  denoTarget: string,
): ZmqError {
  const cause = new Deno.errors.NotCapable(
    `Requires ${denoName} access to "${denoTarget}", run again with the --allow-${denoName} flag`,
  );
  return zmqError("EACCES", `${what} needs ${needs}: run with ${flags.join(" ")}`, cause);
}
