/**
 * The sending side of PGM as libzmq's pgm_sender drives OpenPGM: messages
 * become APDUs (one per ODATA packet), sent at most at `rate`, kept in a
 * transmit window of `recoveryInterval` worth of packets; NAKs are
 * confirmed with an NCF to the group and repaired with RDATA from that
 * window; SPMs announce the source (three at start, heartbeats after data,
 * ambient ones, one on each SPMR, three with OPT_FIN at the end).
 *
 * @module
 */

import type { Message } from "../message.ts";
import { ApduWriter } from "../wire/pgm_apdu.ts";
import {
  encodeData,
  encodeNak,
  encodeSpm,
  MAX_NAK_SQNS,
  parsePgm,
  PGM_NAK,
  PGM_NCF,
  PGM_ODATA,
  PGM_SPMR,
  type PgmHeader,
  sqnBefore,
  toRepair,
} from "../wire/pgm.ts";
import {
  IP_UDP_HEADER_SIZE,
  maxApduSize,
  PGM_TIMING,
  type PgmLink,
  windowSqns,
} from "./pgm_link.ts";

/** Ms between SPMs at most while data flows without a pause. */
const SPM_DURING_DATA = 1000;

/** A source's settings (libzmq's socket options). */
export interface PgmSourceOptions {
  /** ZMQ_RATE, kbit/s of original data. */
  rate: number;
  /** ZMQ_RECOVERY_IVL, ms: how long sent data stays repairable. */
  recoveryInterval: number;
  /** ZMQ_MULTICAST_MAXTPDU, bytes of a packet with its IP and UDP headers. */
  maxTpdu: number;
}

/** A random GSI and TSI port, as libzmq (random GSI) and OpenPGM (random port ≠ data port). */
export function randomTsi(dataPort: number): { gsi: Uint8Array; sourcePort: number } {
  const gsi = crypto.getRandomValues(new Uint8Array(6));
  let sourcePort: number;
  do sourcePort = crypto.getRandomValues(new Uint16Array(1))[0]; while (sourcePort === dataPort);
  return { gsi, sourcePort };
}

/** Original data sent at most at a rate: a token bucket counted in bytes. */
class RateLimiter {
  readonly #bytesPerMs: number;
  readonly #depth: number;
  #tokens: number;
  #last = performance.now();

  constructor(kbitPerSecond: number, maxTpdu: number) {
    const bytesPerSecond = (kbitPerSecond * 1000) / 8;
    this.#bytesPerMs = bytesPerSecond / 1000;
    // OpenPGM lets a slow source burst a second's worth; a fast one 1 ms,
    // which JavaScript timers cannot keep: 10 ms here.
    this.#depth = bytesPerSecond / 1000 >= maxTpdu
      ? Math.max(maxTpdu, this.#bytesPerMs * 10)
      : Math.max(maxTpdu, bytesPerSecond);
    this.#tokens = this.#depth;
  }

  /** Ms until a packet may go (0: now). */
  wait(): number {
    const now = performance.now();
    this.#tokens = Math.min(this.#depth, this.#tokens + (now - this.#last) * this.#bytesPerMs);
    this.#last = now;
    return this.#tokens >= 0 ? 0 : Math.ceil(-this.#tokens / this.#bytesPerMs);
  }

  /** Takes a sent packet's bytes (the balance may go below zero once). */
  take(bytes: number): void {
    this.#tokens -= bytes;
  }
}

/** See the module documentation. */
export class PgmSource {
  readonly #link: PgmLink;
  readonly #header: PgmHeader;
  readonly #writer: ApduWriter;
  readonly #rate: RateLimiter;
  readonly #nextMessage: () => Message | null;
  /** Sent ODATA packets by sequence number modulo the window size. */
  readonly #window: (Uint8Array | undefined)[];
  #lead = 0xffffffff;
  #trail = 0;
  #spmSqn = 0;
  #lastSpm = 0;
  /** Index of the next heartbeat interval; -1 between heartbeat runs (ambient SPMs). */
  #heartbeat = -1;
  #spmTimer: ReturnType<typeof setTimeout> | undefined;
  #sendTimer: ReturnType<typeof setTimeout> | undefined;
  #repairTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #repairs: number[] = [];
  readonly #repairing = new Set<number>();
  #closed = false;
  /** Called once the writer has taken every queued message and sent it. */
  onIdle: (() => void) | null = null;

  /**
   * @param nextMessage takes the next message to send (null: none queued)
   */
  constructor(
    link: PgmLink,
    options: PgmSourceOptions,
    nextMessage: () => Message | null,
    tsi = randomTsi(link.port),
  ) {
    this.#link = link;
    this.#header = { sourcePort: tsi.sourcePort, destinationPort: link.port, gsi: tsi.gsi };
    this.#writer = new ApduWriter(maxApduSize(options.maxTpdu));
    this.#rate = new RateLimiter(options.rate, options.maxTpdu);
    this.#nextMessage = nextMessage;
    this.#window = new Array(windowSqns(options.rate, options.recoveryInterval, options.maxTpdu));
    link.onPacket = (packet) => this.#onPacket(packet);
  }

  /** The source's GSI and port. */
  get tsi(): { gsi: Uint8Array; sourcePort: number } {
    return { gsi: this.#header.gsi, sourcePort: this.#header.sourcePort };
  }

  /** Packets the transmit window holds at most. */
  get windowSize(): number {
    return this.#window.length;
  }

  /** True while a message is partly sent (its next packet waits for the rate). */
  get busy(): boolean {
    return this.#writer.midFrame || this.#sendTimer !== undefined;
  }

  /** Announces the source: three SPMs, as OpenPGM's pgm_connect. */
  start(): void {
    for (let i = 0; i < 3; i++) this.#sendSpm(false);
    this.#scheduleSpm(PGM_TIMING.ambientSpm);
  }

  /** Messages were queued: send what the rate allows now, the rest later. */
  kick(): void {
    if (this.#closed || this.#sendTimer !== undefined) return;
    for (;;) {
      const wait = this.#rate.wait();
      if (wait > 0) {
        this.#sendTimer = setTimeout(() => {
          this.#sendTimer = undefined;
          this.kick();
        }, wait);
        return;
      }
      const apdu = this.#writer.next(this.#nextMessage);
      if (apdu === null) {
        this.onIdle?.();
        return;
      }
      this.#sendOdata(apdu);
    }
  }

  /** Sends OPT_FIN SPMs and stops. Data not yet sent is dropped. */
  close(): void {
    if (this.#closed) return;
    for (let i = 0; i < 3; i++) this.#sendSpm(true);
    this.#closed = true;
    clearTimeout(this.#spmTimer);
    clearTimeout(this.#sendTimer);
    clearTimeout(this.#repairTimer);
    this.#sendTimer = undefined;
  }

  #sendOdata(apdu: Uint8Array): void {
    const sqn = (this.#lead + 1) >>> 0;
    const packet = encodeData(PGM_ODATA, this.#header, sqn, this.#trail, apdu);
    const size = this.#window.length;
    if (((sqn - this.#trail) >>> 0) >= size) this.#trail = (this.#trail + 1) >>> 0;
    this.#window[sqn % size] = packet;
    this.#lead = sqn;
    this.#rate.take(packet.length + IP_UDP_HEADER_SIZE);
    this.#link.multicast(packet);
    // Data that never pauses for a heartbeat still carries an SPM each
    // second (OpenPGM waits for the 30 s ambient one): a receiver whose
    // SPMR or its answer was lost learns where to NAK without that wait.
    if (performance.now() - this.#lastSpm >= SPM_DURING_DATA) this.#sendSpm(false);
    this.#restartHeartbeat();
  }

  /** SPM heartbeats start again from the last data packet. */
  #restartHeartbeat(): void {
    this.#heartbeat = 1;
    this.#scheduleSpm(PGM_TIMING.heartbeatSpm[0]);
  }

  #sendSpm(fin: boolean): void {
    if (this.#closed) return;
    this.#link.multicast(encodeSpm({
      ...this.#header,
      sqn: this.#spmSqn,
      trail: this.#trail,
      lead: this.#lead,
      nla: this.#link.interfaceAddress,
      fin,
    }));
    this.#spmSqn = (this.#spmSqn + 1) >>> 0;
    this.#lastSpm = performance.now();
  }

  #scheduleSpm(delay: number): void {
    clearTimeout(this.#spmTimer);
    this.#spmTimer = setTimeout(() => {
      this.#sendSpm(false);
      const beats = PGM_TIMING.heartbeatSpm;
      if (this.#heartbeat >= 0 && this.#heartbeat < beats.length) {
        this.#scheduleSpm(beats[this.#heartbeat++]);
      } else {
        this.#heartbeat = -1;
        this.#scheduleSpm(PGM_TIMING.ambientSpm);
      }
    }, delay);
  }

  /** Upstream packets: NAKs and SPMRs for this source. Everything else is ignored. */
  #onPacket(bytes: Uint8Array): void {
    const type = bytes.length > 4 ? bytes[4] : -1;
    if (this.#closed || (type !== PGM_NAK && type !== PGM_SPMR)) return;
    const packet = parsePgm(bytes);
    if (packet === null || !this.#isOurs(packet)) return;
    if (packet.type === PGM_SPMR) {
      this.#sendSpm(false);
    } else if (packet.type === PGM_NAK && !packet.parity) {
      const link = this.#link;
      if (packet.sourceNla !== link.interfaceAddress || packet.groupNla !== link.group) return;
      this.#onNak(packet.sqns);
    }
  }

  /** Upstream packets name the source in their GSI and destination port. */
  #isOurs(packet: PgmHeader): boolean {
    const gsi = this.#header.gsi;
    if (packet.destinationPort !== this.#header.sourcePort) return false;
    for (let i = 0; i < 6; i++) if (packet.gsi[i] !== gsi[i]) return false;
    return true;
  }

  /** Confirms the requested packets still in the window (NCF) and queues their repair. */
  #onNak(sqns: number[]): void {
    const repairable = sqns.filter((sqn) =>
      !sqnBefore(sqn, this.#trail) && !sqnBefore(this.#lead, sqn)
    ).slice(0, MAX_NAK_SQNS);
    if (repairable.length === 0) return;
    const link = this.#link;
    link.multicast(
      encodeNak(PGM_NCF, this.#header, repairable, link.interfaceAddress, link.group),
    );
    for (const sqn of repairable) {
      if (this.#repairing.has(sqn)) continue;
      this.#repairing.add(sqn);
      this.#repairs.push(sqn);
    }
    this.#repairTimer ??= setTimeout(() => this.#repair(), 0);
  }

  /** Sends RDATA for every queued repair still in the window (OpenPGM does not rate-limit these). */
  #repair(): void {
    this.#repairTimer = undefined;
    for (const sqn of this.#repairs.splice(0)) {
      this.#repairing.delete(sqn);
      if (sqnBefore(sqn, this.#trail) || sqnBefore(this.#lead, sqn)) continue;
      const odata = this.#window[sqn % this.#window.length];
      if (odata === undefined) continue;
      this.#link.multicast(toRepair(odata.slice(), this.#trail));
    }
    // A repair restarts the heartbeat, as in OpenPGM's send_rdata.
    this.#restartHeartbeat();
  }
}
