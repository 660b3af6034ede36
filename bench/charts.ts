/**
 * SVG charts of a benchmark run, written next to bench/RESULTS.md so the
 * comparison shows at a glance: grouped bars on a log scale (throughput per
 * size and implementation; latency percentiles per implementation). Plain
 * SVG text, no dependencies; every bar carries its value as a tooltip.
 *
 * @module
 */

import { formatSize, type Row } from "./report.ts";

/** One series of bars: an implementation. */
interface Series {
  name: string;
  values: (number | null)[];
}

interface BarChart {
  title: string;
  /** Labels along the x axis, one group of bars each. */
  groups: string[];
  series: Series[];
  /** Unit of the y axis, shown on it and in the tooltips. */
  unit: string;
}

const COLORS: Record<string, string> = {
  zmtp: "#1f77b4",
  "zeromq.js": "#ff7f0e",
  libzmq: "#2ca02c",
  floor: "#9e9e9e",
};
const FALLBACK = ["#9467bd", "#8c564b", "#e377c2"];

const WIDTH = 760;
const HEIGHT = 340;
const LEFT = 70;
const RIGHT = 190;
const TOP = 40;
const BOTTOM = 40;

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** 1.2k, 34k, 5.6M: short labels for a log axis. */
function short(value: number): string {
  if (value >= 1e6) return `${+(value / 1e6).toPrecision(2)}M`;
  if (value >= 1e3) return `${+(value / 1e3).toPrecision(2)}k`;
  return `${+value.toPrecision(2)}`;
}

/** Grouped bars on a log₁₀ y axis, ticks at 1, 2 and 5 × 10^k. */
export function barChartSvg(chart: BarChart, keyOf: (name: string) => string): string {
  const values = chart.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  if (values.length === 0) return "";
  const low = Math.floor(Math.log10(Math.min(...values)));
  const high = Math.ceil(Math.log10(Math.max(...values)));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const y = (v: number) =>
    TOP + plotHeight - (Math.log10(v) - low) / Math.max(1, high - low) * plotHeight;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
    `viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="22" font-size="15" font-weight="bold">${escape(chart.title)}</text>`,
  ];
  for (let k = low; k <= high; k++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** k;
      if (Math.log10(v) > high + 1e-9) continue;
      const at = y(v).toFixed(1);
      const major = m === 1;
      out.push(
        `<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${at}" y2="${at}" ` +
          `stroke="${major ? "#bbbbbb" : "#e4e4e4"}"/>`,
        `<text x="${LEFT - 6}" y="${at}" text-anchor="end" dominant-baseline="middle" ` +
          `fill="${major ? "#333333" : "#888888"}">${short(v)}</text>`,
      );
    }
  }
  out.push(
    `<text transform="translate(16 ${TOP + plotHeight / 2}) rotate(-90)" text-anchor="middle">` +
      `${escape(chart.unit)} (log scale)</text>`,
  );
  const groupWidth = plotWidth / chart.groups.length;
  const barWidth = groupWidth * 0.8 / chart.series.length;
  chart.groups.forEach((group, g) => {
    const x0 = LEFT + g * groupWidth + groupWidth * 0.1;
    out.push(
      `<text x="${(LEFT + (g + 0.5) * groupWidth).toFixed(1)}" y="${HEIGHT - BOTTOM + 18}" ` +
        `text-anchor="middle">${escape(group)}</text>`,
    );
    chart.series.forEach((series, s) => {
      const value = series.values[g];
      if (value === null || value <= 0) return;
      const top = Math.min(y(value), TOP + plotHeight - 1);
      out.push(
        `<rect x="${(x0 + s * barWidth).toFixed(1)}" y="${top.toFixed(1)}" ` +
          `width="${(barWidth - 1).toFixed(1)}" height="${(TOP + plotHeight - top).toFixed(1)}" ` +
          `fill="${colorOf(keyOf(series.name), s)}"><title>${escape(series.name)}, ${
            escape(group)
          }: ${value.toLocaleString("en-US", { maximumFractionDigits: 1 })} ${
            escape(chart.unit)
          }</title></rect>`,
      );
    });
  });
  out.push(
    `<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${TOP + plotHeight}" ` +
      `y2="${TOP + plotHeight}" stroke="#333333"/>`,
  );
  chart.series.forEach((series, s) => {
    const ly = TOP + 10 + s * 20;
    out.push(
      `<rect x="${WIDTH - RIGHT + 16}" y="${ly - 6}" width="12" height="12" ` +
        `fill="${colorOf(keyOf(series.name), s)}"/>`,
      `<text x="${WIDTH - RIGHT + 34}" y="${ly}" dominant-baseline="middle">${
        escape(series.name)
      }</text>`,
    );
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

function colorOf(key: string, index: number): string {
  return COLORS[key] ?? FALLBACK[index % FALLBACK.length];
}

/** The charts of a run: file name → SVG text (charts without data are left out). */
export function chartsOf(rows: Row[]): Map<string, { title: string; svg: string }> {
  const charts = new Map<string, { title: string; svg: string }>();
  const keyOf = (name: string) => rows.find((r) => r.implementation === name)?.key ?? name;
  const add = (file: string, chart: BarChart) => {
    const svg = barChartSvg(chart, keyOf);
    if (svg !== "") charts.set(file, { title: chart.title, svg });
  };
  const bySize = (selected: Row[], title: string, file: string) => {
    const sizes = [...new Set(selected.map((r) => r.size))].sort((a, b) => a - b);
    const names = [...new Set(selected.map((r) => r.implementation))];
    add(file, {
      title,
      groups: sizes.map(formatSize),
      unit: "messages/s",
      series: names.map((name) => ({
        name,
        values: sizes.map((size) =>
          selected.find((r) => r.implementation === name && r.size === size)?.median ?? null
        ),
      })),
    });
  };
  for (const transport of ["tcp", "ipc", "inproc", "ws"]) {
    bySize(
      rows.filter((r) => r.suite === "push-pull" && r.transport === transport),
      `PUSH→PULL throughput, ${transport}, by message size`,
      `throughput-${transport}.svg`,
    );
  }
  bySize(
    rows.filter((r) => r.suite === "curve"),
    "CURVE PUSH→PULL throughput, tcp, by message size",
    "throughput-curve.svg",
  );
  for (const pattern of ["reqrep", "dealerrouter"]) {
    const selected = rows.filter((r) => r.suite === "latency" && r.pattern === pattern);
    const quantiles: [string, (r: Row) => number | undefined][] = [
      ["p50", (r) => r.median],
      ["p90", (r) => r.p90],
      ["p99", (r) => r.p99],
      ["p99.9", (r) => r.p999],
    ];
    add(`latency-${pattern}.svg`, {
      title: `${pattern === "reqrep" ? "REQ/REP" : "DEALER/ROUTER"} round trip, tcp 64 B, ` +
        "percentiles (lower is better)",
      groups: quantiles.map(([name]) => name),
      unit: "µs",
      series: selected.map((r) => ({
        name: r.implementation,
        values: quantiles.map(([, of]) => of(r) ?? null),
      })),
    });
  }
  return charts;
}
