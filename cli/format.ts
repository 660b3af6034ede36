/**
 * Messages as lines of text: how `send` reads them and `recv` prints them.
 *
 * - `text`: frames as UTF-8, joined by the separator (a tab by default).
 * - `hex`, `base64`: each frame encoded, joined by the separator.
 * - `json`: one JSON array of strings (UTF-8 frames) per line; `send` also
 *   takes a single JSON string as a one-frame message.
 *
 * @module
 */

import { UsageError } from "./common.ts";

/** The line formats. */
export const FORMATS = ["text", "json", "hex", "base64"] as const;

/** One of {@link FORMATS}. */
export type Format = typeof FORMATS[number];

/** A `--format` value, checked. */
export function formatFlag(value: unknown): Format {
  const format = value ?? "text";
  if (!(FORMATS as readonly unknown[]).includes(format)) {
    throw new UsageError(`--format takes one of ${FORMATS.join(", ")}, got "${format}"`);
  }
  return format as Format;
}

/** How frames are written on one line. */
export interface LineFormat {
  format: Format;
  /** Between frames (text, hex, base64); "" keeps a line as one frame. */
  separator: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The frames a line stands for; throws an Error saying what is wrong with it. */
export function parseLine(line: string, { format, separator }: LineFormat): Uint8Array[] {
  if (format === "json") return parseJson(line);
  const parts = separator === "" ? [line] : line.split(separator);
  switch (format) {
    case "text":
      return parts.map((part) => encoder.encode(part));
    case "hex":
      return parts.map(fromHex);
    case "base64":
      return parts.map(fromBase64);
  }
}

/** A message as one line (without the newline). */
export function formatLine(frames: Uint8Array[], { format, separator }: LineFormat): string {
  switch (format) {
    case "json":
      return JSON.stringify(frames.map((frame) => decoder.decode(frame)));
    case "text":
      return frames.map((frame) => decoder.decode(frame)).join(separator);
    case "hex":
      return frames.map((frame) => frame.toHex()).join(separator);
    case "base64":
      return frames.map((frame) => frame.toBase64()).join(separator);
  }
}

function parseJson(line: string): Uint8Array[] {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new Error(`not JSON: ${(err as Error).message}`);
  }
  if (typeof value === "string") return [encoder.encode(value)];
  if (Array.isArray(value) && value.every((frame) => typeof frame === "string")) {
    return value.map((frame) => encoder.encode(frame));
  }
  throw new Error("json format takes a string or an array of strings");
}

function fromHex(text: string): Uint8Array {
  try {
    return Uint8Array.fromHex(text.trim());
  } catch {
    throw new Error(`not hex: "${text}"`);
  }
}

function fromBase64(text: string): Uint8Array {
  try {
    return Uint8Array.fromBase64(text.trim());
  } catch {
    throw new Error(`not base64: "${text}"`);
  }
}
