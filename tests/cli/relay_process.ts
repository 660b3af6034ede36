/** Runs `zmtp relay` (or a bundle of the tool) as a subprocess and reads what it prints. */

import { type CliOptions, CliProcess } from "./cli_process.ts";

/** A running relay: its endpoints, once ready, and every line it printed. */
export class RelayProcess {
  /** Resolved frontend endpoint (where publishers send). */
  frontend = "";
  /** Resolved backend endpoint (where subscribers connect). */
  backend = "";
  private readonly process: CliProcess;

  /** Starts `zmtp relay <args>`, network limited to 127.0.0.1. */
  constructor(args: string[], options: CliOptions = {}) {
    this.process = new CliProcess(["relay", ...args], options, (line) => {
      const listening = line.match(/^(frontend|backend)(?: \(CURVE\))? listening on (\S+)$/);
      if (listening) this[listening[1] as "frontend" | "backend"] = listening[2];
    });
  }

  /** Starts a relay on free ports and waits until it is ready. */
  static async start(extra: string[] = [], options: CliOptions = {}): Promise<RelayProcess> {
    const relay = new RelayProcess([
      "--frontend",
      "tcp://127.0.0.1:*",
      "--backend",
      "tcp://127.0.0.1:*",
      ...extra,
    ], options);
    try {
      await relay.waitForLine((line) => line === "relay ready");
    } catch (err) {
      await relay.stop();
      throw err;
    }
    return relay;
  }

  /** Every stdout line so far. */
  get lines(): string[] {
    return this.process.lines;
  }

  /** Resolves when a line (already printed or to come) passes `test`. */
  waitForLine(test: (line: string) => boolean): Promise<void> {
    return this.process.waitForLine(test, 30000, "relay line");
  }

  /** Sends SIGTERM and waits for the exit; returns the exit code and stderr. */
  async stop(): Promise<{ code: number; stderr: string }> {
    const { code, stderr } = await this.process.stop("SIGTERM");
    return { code, stderr };
  }
}
