/**
 * ipc:// on Unix domain sockets.
 *
 * Paths are absolute or relative to the current directory, as in libzmq;
 * `ipc://@name` is a Linux abstract socket (no file). Deno 2.9 needs
 * `--allow-read` and `--allow-write` for the path and
 * `--allow-net=unix:<absolute path>`, both to listen and to connect
 * (abstract sockets: `--allow-net`).
 *
 * A socket file left behind by a process that died is removed on bind, as
 * libzmq does; unlike libzmq (which unlinks unconditionally), a file that
 * some process still listens on is not stolen: bind fails with EADDRINUSE.
 * Close and unbind remove the file.
 *
 * @module
 */

import { ZmqError, zmqError } from "../errors.ts";
import { type Link, type Listener, streamLink } from "./link.ts";
import { connectNode, fromNodeError, listenNode } from "./node_socket.ts";
import { socketRuntime } from "./runtime.ts";
import { absolutePath, requireAnyNet, requireUnixSocket } from "./permissions.ts";
import type { Transport } from "./registry.ts";
import { defaultLink, fromDenoError, released, streamTransport, wrapListener } from "./stream.ts";

/** A Unix domain socket endpoint. */
export interface IpcEndpoint {
  transport: "ipc";
  /**
   * The path handed to the OS: absolute, or relative to the current
   * directory (as libzmq); for an abstract socket (`ipc://@name`, Linux) a
   * NUL byte followed by the name.
   */
  path: string;
  /** True for a Linux abstract socket: no file, nothing to remove. */
  abstract: boolean;
  /** True for `ipc://*` (bind only): a fresh path in a new temporary directory, as libzmq. */
  wildcard: boolean;
  text: string;
}

/** The operating system, where the runtime says (read lazily: not every runtime has `Deno`). */
function hostOs(): string {
  return (globalThis as { Deno?: { build: { os: string } } }).Deno?.build.os ?? "linux";
}

function isLinux(): boolean {
  const os = hostOs();
  return os === "linux" || os === "android";
}

/**
 * The longest ipc path the OS accepts, in bytes: `sockaddr_un.sun_path`
 * holds 108 bytes on Linux and 104 on macOS and the BSDs, including the
 * terminating NUL (Deno 2.9 on Linux accepts 107 bytes and refuses 108).
 */
export function ipcPathMax(): number {
  return isLinux() ? 107 : 103;
}

const utf8 = new TextEncoder();

/**
 * Parses the address of an ipc endpoint (a path, or `@name`).
 * @throws {ZmqError} `EINVAL` for an empty, generated (`*`), too long or NUL-bearing path.
 */
export function parseIpc(address: string, text: string, forBind = false): IpcEndpoint {
  if (address.length === 0) throw zmqError("EINVAL", `ipc endpoint "${text}" has no path`);
  if (address === "*") {
    if (!forBind) throw zmqError("EINVAL", `cannot connect to "${text}": name the path`);
    return { transport: "ipc", path: "", abstract: false, wildcard: true, text };
  }
  if (address.includes("\0")) throw zmqError("EINVAL", `ipc path in "${text}" contains a NUL byte`);
  const size = utf8.encode(address).length;
  const max = ipcPathMax();
  if (size > max) {
    throw zmqError(
      "EINVAL",
      `ipc path in "${text}" is ${size} bytes; the OS limit is ${max} ` +
        `(sun_path holds ${max + 1} bytes with the final NUL): use a shorter path`,
    );
  }
  const abstract = address.startsWith("@");
  if (abstract && address.length === 1) {
    throw zmqError("EINVAL", `abstract ipc endpoint "${text}" has no name`);
  }
  if (abstract && !isLinux()) {
    throw zmqError("EINVAL", `abstract ipc sockets ("${text}") exist only on Linux`);
  }
  const path = abstract ? "\0" + address.slice(1) : address;
  return { transport: "ipc", path, abstract, wildcard: false, text };
}

/**
 * `ipc://*`: a socket file named `socket` in a new temporary directory
 * (libzmq makes `tmpXXXXXX` the same way, in $TMPDIR). The directory goes
 * when the listener does.
 */
function freshPath(text: string): { ep: IpcEndpoint; removeDir: () => void } {
  let dir: string;
  try {
    dir = Deno.makeTempDirSync({ prefix: "tmp" });
  } catch (err) {
    throw fromDenoError(
      err,
      `bind ${text}`,
      "--allow-write (to make a temporary directory) and the ipc permissions for the path in it",
    );
  }
  const path = `${dir}/socket`;
  const removeDir = () => {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already gone */ }
  };
  return {
    ep: { transport: "ipc", path, abstract: false, wildcard: false, text: `ipc://${path}` },
    removeDir,
  };
}

/** Fails with EACCES unless Deno lets us use the socket (see the module documentation). */
function requireAccess(what: string, ep: IpcEndpoint): void {
  if (ep.abstract) requireAnyNet(what, ep.path.slice(1));
  else requireUnixSocket(what, ep.path);
}

function permissionHint(ep: IpcEndpoint): string {
  return ep.abstract
    ? "--allow-net"
    : `--allow-read=${ep.path} --allow-write=${ep.path} --allow-net=unix:${absolutePath(ep.path)}`;
}

function listenUnix(ep: IpcEndpoint, what: string): Deno.UnixListener {
  try {
    return Deno.listen({ transport: "unix", path: ep.path });
  } catch (err) {
    throw fromDenoError(err, what, permissionHint(ep));
  }
}

/**
 * The socket file at `ep.path` blocks a bind: remove it if no process
 * listens on it any more (a connection attempt is refused), otherwise fail
 * with EADDRINUSE. Files that are not sockets are never removed.
 */
async function removeIfStale(ep: IpcEndpoint, what: string): Promise<void> {
  if (ep.abstract) throw zmqError("EADDRINUSE", `${what}: the abstract name is in use`);
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(ep.path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return; // gone meanwhile: just bind
    throw fromDenoError(err, what, permissionHint(ep));
  }
  if (info.isSocket !== true) {
    throw zmqError("EADDRINUSE", `${what}: ${ep.path} exists and is not a socket`);
  }
  try {
    const conn = await Deno.connect({ transport: "unix", path: ep.path });
    conn.close();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    if (!(err instanceof Deno.errors.ConnectionRefused)) {
      throw fromDenoError(err, what, permissionHint(ep));
    }
    try {
      Deno.removeSync(ep.path); // refused: its process is gone, the file is stale
    } catch (removeErr) {
      if (!(removeErr instanceof Deno.errors.NotFound)) {
        throw fromDenoError(removeErr, what, permissionHint(ep));
      }
    }
    return;
  }
  throw zmqError("EADDRINUSE", `${what}: another socket is listening on ${ep.path}`);
}

/** The inode of our socket file, so that closing never removes someone else's. */
function inodeOf(path: string): number | null {
  try {
    return Deno.lstatSync(path).ino;
  } catch {
    return null;
  }
}

/**
 * Removes the socket file if it is still the one we created. Deno 2.9
 * already unlinks it when the listener is released; this covers runtimes
 * that do not.
 */
function removeOwnFile(path: string, inode: number | null): void {
  if (inode === null) return;
  try {
    const info = Deno.lstatSync(path);
    if (info.isSocket === true && info.ino === inode) Deno.removeSync(path);
  } catch { /* already gone */ }
}

/** The part of `node:fs` (and `node:os`) that ipc on Node and Bun uses. */
interface NodeFs {
  mkdtempSync(prefix: string): string;
  existsSync(path: string): boolean;
  rmSync(path: string, options: { recursive: boolean; force: boolean }): void;
  lstatSync(path: string): { ino: number; isSocket(): boolean };
  unlinkSync(path: string): void;
}

function nodeBuiltin<T>(name: string): T {
  const process = (globalThis as { process: { getBuiltinModule(name: string): unknown } }).process;
  return process.getBuiltinModule(name) as T;
}

/**
 * Listens on node:net (Node, Bun): `ipc://*` in a fresh temporary
 * directory, a stale socket file (its process gone) replaced, and the file
 * removed when the listener closes.
 */
async function listenIpcNode(given: IpcEndpoint): Promise<Listener> {
  const fs = nodeBuiltin<NodeFs>("fs");
  let ep = given;
  let dir: string | null = null;
  if (given.wildcard) {
    const tmp = nodeBuiltin<{ tmpdir(): string }>("os").tmpdir();
    dir = fs.mkdtempSync(`${tmp}/tmp`);
    const path = `${dir}/socket`;
    ep = { transport: "ipc", path, abstract: false, wildcard: false, text: `ipc://${path}` };
  }
  const what = `bind ${ep.text}`;
  const removeDir = () => {
    if (dir !== null) fs.rmSync(dir, { recursive: true, force: true });
  };
  const listen = () =>
    listenNode({ path: ep.path }, what, () => ep.text, () => {
      if (!ep.abstract) removeOwnNodeFile(fs, ep.path, inode);
      removeDir();
    });
  let inode: number | null = null;
  let listener: Listener;
  try {
    listener = await listen();
  } catch (err) {
    if (err instanceof ZmqError && err.code === "EACCES" && !ep.abstract) {
      // libuv reports a missing directory as EACCES; libzmq (the OS) says ENOENT.
      const parent = ep.path.slice(0, ep.path.lastIndexOf("/")) || ".";
      if (!fs.existsSync(parent)) throw zmqError("ENOENT", `${what}: no such directory`, err);
    }
    if (!(err instanceof ZmqError) || err.code !== "EADDRINUSE" || ep.abstract) {
      removeDir();
      throw err;
    }
    await removeIfStaleNode(fs, ep, what);
    listener = await listen();
  }
  if (!ep.abstract) {
    try {
      inode = fs.lstatSync(ep.path).ino;
    } catch { /* gone already */ }
  }
  return listener;
}

/** As {@link removeIfStale}, with node:fs and node:net. */
async function removeIfStaleNode(fs: NodeFs, ep: IpcEndpoint, what: string): Promise<void> {
  if (!fs.lstatSync(ep.path).isSocket()) {
    throw zmqError("EADDRINUSE", `${what}: ${ep.path} exists and is not a socket`);
  }
  try {
    const { stream } = await connectNode({ path: ep.path });
    stream.close();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code !== "ECONNREFUSED") throw fromNodeError(err, what);
    fs.unlinkSync(ep.path); // refused: its process is gone, the file is stale
    return;
  }
  throw zmqError("EADDRINUSE", `${what}: another socket is listening on ${ep.path}`);
}

function removeOwnNodeFile(fs: NodeFs, path: string, inode: number | null): void {
  if (inode === null) return;
  try {
    const info = fs.lstatSync(path);
    if (info.isSocket() && info.ino === inode) fs.unlinkSync(path);
  } catch { /* already gone */ }
}

/** The ipc transport. */
export const ipcTransport: Transport<IpcEndpoint> = streamTransport<IpcEndpoint>({
  scheme: "ipc",
  parse: parseIpc,

  async listen(given: IpcEndpoint) {
    if (socketRuntime() === "node") return await listenIpcNode(given);
    let ep = given;
    let removeDir = () => {};
    if (given.wildcard) ({ ep, removeDir } = freshPath(given.text));
    const what = `bind ${ep.text}`;
    try {
      requireAccess(what, ep);
    } catch (err) {
      removeDir();
      throw err;
    }
    const key = `ipc:${ep.path}`;
    await released(key);
    let listener: Deno.UnixListener;
    try {
      listener = listenUnix(ep, what);
    } catch (err) {
      if (!(err instanceof ZmqError) || err.code !== "EADDRINUSE") {
        removeDir();
        throw err;
      }
      await removeIfStale(ep, what);
      listener = listenUnix(ep, what);
    }
    if (ep.abstract) return wrapListener(listener, ep.text, key);
    const inode = inodeOf(ep.path);
    return wrapListener(listener, ep.text, key, defaultLink, () => {
      removeOwnFile(ep.path, inode);
      removeDir();
    });
  },

  checkConnect(ep: IpcEndpoint): void {
    requireAccess(`connect ${ep.text}`, ep);
  },

  async dial(ep: IpcEndpoint): Promise<Link> {
    if (socketRuntime() === "node") {
      try {
        const { stream, address } = await connectNode({ path: ep.path });
        return streamLink(stream, address);
      } catch (err) {
        throw fromNodeError(err, `connect ${ep.text}`);
      }
    }
    try {
      return defaultLink(await Deno.connect({ transport: "unix", path: ep.path }));
    } catch (err) {
      throw fromDenoError(err, `connect ${ep.text}`, permissionHint(ep));
    }
  },
});
