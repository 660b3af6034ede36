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
import type { Endpoint, IpcEndpoint } from "./endpoint.ts";
import { absolutePath, requireAnyNet, requireUnixSocket } from "./permissions.ts";
import {
  fromDenoError,
  released,
  type StreamListener,
  type StreamTransport,
  wrapListener,
} from "./stream.ts";

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

/** The ipc transport. */
export const ipcTransport: StreamTransport = {
  async listen(endpoint: Endpoint): Promise<StreamListener> {
    const ep = endpoint as IpcEndpoint;
    const what = `bind ${ep.text}`;
    requireAccess(what, ep);
    const key = `ipc:${ep.path}`;
    await released(key);
    let listener: Deno.UnixListener;
    try {
      listener = listenUnix(ep, what);
    } catch (err) {
      if (!(err instanceof ZmqError) || err.code !== "EADDRINUSE") throw err;
      await removeIfStale(ep, what);
      listener = listenUnix(ep, what);
    }
    if (ep.abstract) return wrapListener(listener, ep.text, key);
    const inode = inodeOf(ep.path);
    return wrapListener(listener, ep.text, key, () => removeOwnFile(ep.path, inode));
  },

  checkConnect(endpoint: Endpoint): void {
    const ep = endpoint as IpcEndpoint;
    requireAccess(`connect ${ep.text}`, ep);
  },

  async connect(endpoint: Endpoint): Promise<Deno.Conn> {
    const ep = endpoint as IpcEndpoint;
    try {
      return await Deno.connect({ transport: "unix", path: ep.path });
    } catch (err) {
      throw fromDenoError(err, `connect ${ep.text}`, permissionHint(ep));
    }
  },
};
