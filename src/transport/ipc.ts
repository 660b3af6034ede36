/**
 * ipc:// on Unix domain sockets.
 *
 * @module
 */

import type { Endpoint, IpcEndpoint } from "./endpoint.ts";
import { fromDenoError, type StreamListener, type StreamTransport } from "./stream.ts";

/** The ipc transport. */
export const ipcTransport: StreamTransport = {
  listen(endpoint: Endpoint): Promise<StreamListener> {
    const { path, text } = endpoint as IpcEndpoint;
    let listener: Deno.UnixListener;
    try {
      listener = Deno.listen({ transport: "unix", path });
    } catch (err) {
      return Promise.reject(fromDenoError(err, `bind ${text}`, `--allow-read --allow-write`));
    }
    return Promise.resolve({
      endpoint: text,
      accept: () => listener.accept(),
      close: () => {
        try {
          listener.close();
        } catch { /* already closed */ }
        try {
          Deno.removeSync(path);
        } catch { /* already gone */ }
      },
    });
  },

  async connect(endpoint: Endpoint): Promise<Deno.Conn> {
    const { path, text } = endpoint as IpcEndpoint;
    try {
      return await Deno.connect({ transport: "unix", path });
    } catch (err) {
      throw fromDenoError(err, `connect ${text}`, `--allow-read --allow-write`);
    }
  },
};
