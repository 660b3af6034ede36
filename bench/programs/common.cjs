// What the Node benchmark programs share; the same flags, window and JSON
// lines as common.ts (see that file for what each means).
"use strict";
const { parseArgs } = require("node:util");

const { values } = parseArgs({
  options: {
    role: { type: "string", default: "" },
    endpoint: { type: "string", default: "" },
    size: { type: "string", default: "64" },
    warmup: { type: "string", default: "200" },
    duration: { type: "string", default: "1000" },
    mechanism: { type: "string", default: "null" },
    pattern: { type: "string", default: "reqrep" },
    subscribers: { type: "string", default: "1" },
    count: { type: "string", default: "0" },
  },
});

const flags = {
  role: values.role,
  endpoint: values.endpoint,
  size: Number(values.size),
  warmup: Number(values.warmup),
  duration: Number(values.duration),
  mechanism: values.mechanism,
  pattern: values.pattern,
  subscribers: Number(values.subscribers),
  count: Number(values.count),
};

function say(line) {
  process.stdout.write(JSON.stringify(line) + "\n");
}

function checkEvery(size) {
  if (size < 1024) return 1024;
  if (size < 16 * 1024) return 64;
  return 1;
}

class Window {
  constructor(warmupMs, durationMs) {
    this.warmupMs = warmupMs;
    this.durationMs = durationMs;
    this.firstAt = -1;
    this.openAt = -1;
    this.openCount = 0;
    this.messages = 0;
    this.seconds = 0;
    this.cpuUs = 0;
  }

  check(count) {
    const now = performance.now();
    if (this.openAt < 0) {
      if (this.firstAt < 0) this.firstAt = now;
      if (now - this.firstAt >= this.warmupMs) {
        this.openAt = now;
        this.openCount = count;
        this.openCpu = cpuNow();
      }
      return false;
    }
    if (now - this.openAt < this.durationMs) return false;
    this.messages = count - this.openCount;
    this.seconds = (now - this.openAt) / 1000;
    this.cpuUs = cpuNow() - this.openCpu;
    return true;
  }

  result(size) {
    return {
      result: {
        messages: this.messages,
        seconds: this.seconds,
        bytes: this.messages * size,
        cpuUs: this.cpuUs,
      },
    };
  }
}

/** CPU time this process has used (user and system), µs. */
function cpuNow() {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function expectSize(msg, size) {
  if (msg.length !== 1 || msg[0].length !== size) {
    throw new Error(
      `got ${msg.length} frame(s) of ${msg[0] && msg[0].length} bytes, expected ${size}`,
    );
  }
}

function percentiles(samplesUs) {
  const sorted = Float64Array.from(samplesUs).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), samples: sorted.length };
}

module.exports = { flags, say, checkEvery, Window, expectSize, percentiles };
