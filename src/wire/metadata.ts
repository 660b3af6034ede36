/**
 * ZMTP metadata: the property list carried by READY (and by CURVE's
 * INITIATE, PLAIN's INITIATE): `name-len(1) name value-len(4, big-endian) value`.
 *
 * @module
 */

import { ProtocolError } from "./frame.ts";

/** Properties by name. Names are compared case-insensitively, as RFC 23 says. */
export type Metadata = Map<string, Uint8Array>;

const utf8 = new TextEncoder();

/** Encodes properties; string values are UTF-8. */
export function encodeMetadata(props: Iterable<[string, Uint8Array | string]>): Uint8Array {
  const entries: [string, Uint8Array][] = [];
  let size = 0;
  for (const [name, value] of props) {
    if (name.length === 0 || name.length > 255) throw new RangeError(`bad property name "${name}"`);
    const bytes = typeof value === "string" ? utf8.encode(value) : value;
    entries.push([name, bytes]);
    size += 1 + name.length + 4 + bytes.length;
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let pos = 0;
  for (const [name, value] of entries) {
    out[pos++] = name.length;
    for (let i = 0; i < name.length; i++) out[pos++] = name.charCodeAt(i);
    view.setUint32(pos, value.length);
    pos += 4;
    out.set(value, pos);
    pos += value.length;
  }
  return out;
}

/** Decodes a property list; throws {@link ProtocolError} on a malformed one. */
export function decodeMetadata(bytes: Uint8Array): Metadata {
  const props: Metadata = new Map();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  while (pos < bytes.length) {
    const nameLength = bytes[pos++];
    if (nameLength === 0 || pos + nameLength + 4 > bytes.length) {
      throw new ProtocolError("malformed metadata property");
    }
    let name = "";
    for (let i = 0; i < nameLength; i++) name += String.fromCharCode(bytes[pos + i]);
    pos += nameLength;
    const valueLength = view.getUint32(pos);
    pos += 4;
    if (valueLength > bytes.length - pos) {
      throw new ProtocolError("metadata value overruns command");
    }
    props.set(name.toLowerCase(), bytes.slice(pos, pos + valueLength));
    pos += valueLength;
  }
  return props;
}

/** Reads a property as text, or undefined when absent. */
export function metadataText(props: Metadata, name: string): string | undefined {
  const value = props.get(name.toLowerCase());
  return value === undefined ? undefined : new TextDecoder().decode(value);
}
