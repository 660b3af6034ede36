/**
 * Loading the library's embedded WebAssembly modules (CURVE's secretbox,
 * WebSocket masking): each is base64 text in the bundle, compiled and
 * instantiated synchronously on first use (no async init, so a browser
 * page's main thread can use it too), and only where `WebAssembly.validate`
 * accepts it; elsewhere the caller keeps its JavaScript path.
 *
 * @module
 */

/** The exports of the module `bytes`, or null when this runtime cannot run it. */
export function instantiateWasm<Exports>(bytes: Uint8Array<ArrayBuffer>): Exports | null {
  try {
    if (typeof WebAssembly !== "object" || !WebAssembly.validate(bytes)) return null;
    return new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as Exports;
  } catch {
    return null;
  }
}

/** The bytes of a module embedded as base64 text. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}
