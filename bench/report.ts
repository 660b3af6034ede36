/**
 * Formats benchmark results as a plain-text table.
 *
 * @module
 */

import type { Measurement } from "./protocol.ts";

/** One implementation at one message size. */
export interface Row {
  implementation: string;
  size: number;
  count: number;
  result: Measurement;
}

/**
 * A table with one line per row. `ratio` is the row's message rate divided
 * by that of the last row of the same size (the reference implementation).
 */
export function formatTable(rows: Row[]): string {
  const header = ["implementation", "size", "messages", "msgs/s", "MB/s", "ratio"];
  const lines: string[][] = [header];
  const bySize = new Map<number, Row[]>();
  for (const row of rows) bySize.set(row.size, [...(bySize.get(row.size) ?? []), row]);
  for (const group of bySize.values()) {
    const reference = group[group.length - 1].result.messagesPerSecond;
    for (const row of group) {
      lines.push([
        row.implementation,
        formatSize(row.size),
        String(row.count),
        Math.round(row.result.messagesPerSecond).toLocaleString("en-US"),
        row.result.megabytesPerSecond.toFixed(1),
        (row.result.messagesPerSecond / reference).toFixed(2),
      ]);
    }
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  return lines
    .map((l) => l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))))
    .map((l) => l.join("  "))
    .join("\n");
}

function formatSize(bytes: number): string {
  return bytes >= 1024 && bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} B`;
}
