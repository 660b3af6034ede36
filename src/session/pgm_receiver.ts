/**
 * The receiving side of PGM as libzmq's pgm_receiver drives OpenPGM: every
 * source (told apart by TSI, never by address) gets a receive window that
 * puts packets in sequence, NAKs gaps (after a random back-off, again when
 * no NCF or no repair comes), and hands whole APDUs in order to libzmq's
 * framing. A stream is joined at the first APDU where a message starts. A
 * gap that can no longer be repaired (the source's window moved past it,
 * or the NAKs ran out) drops the partial message, is reported, and the
 * stream resumes at the next message boundary.
 *
 * @module
 */

import type { Message } from "../message.ts";
import { ApduReader } from "../wire/pgm_apdu.ts";
import {
  encodeNak,
  encodeSpmr,
  MAX_NAK_SQNS,
  parsePgm,
  PGM_NAK,
  PGM_NCF,
  PGM_NNAK,
  PGM_ODATA,
  PGM_RDATA,
  PGM_SPM,
  PGM_SPMR,
  type PgmData,
  type PgmHeader,
  type PgmNak,
  type PgmSpm,
  sqnBefore,
  sqnDistance,
  tsiKey,
} from "../wire/pgm.ts";
import { PGM_TIMING, type PgmLink } from "./pgm_link.ts";

/** A receiver's settings. */
export interface PgmReceiverOptions {
  /** Largest frame accepted (ZMQ_MAXMSGSIZE); -1: any. */
  maxMessageSize: number;
  /** Packets a source's receive window holds at most (libzmq: the same as the source's window). */
  windowSqns: number;
}

/** Where a missing packet is in its repair. */
const enum Repair {
  /** Waiting a random back-off before NAKing. */
  BackOff,
  /** NAKed: waiting for the source's NCF. */
  WaitNcf,
  /** Confirmed: waiting for the RDATA. */
  WaitData,
}

interface Missing {
  state: Repair;
  deadline: number;
  ncfRetries: number;
  dataRetries: number;
}

/** Marks a sequence number given up on. */
const LOST = new Uint8Array(0);

/** One source as a receiver knows it. */
interface Source {
  key: string;
  header: PgmHeader;
  /** The source's unicast address from its SPMs (where NAKs go); null before the first SPM. */
  nla: string | null;
  /** The address its packets came from (SPMRs go there before an SPM). */
  from: string;
  spmSqn: number | null;
  /** Next sequence number to deliver; null until the first packet defines the window. */
  next: number | null;
  /** Highest sequence number known to exist. */
  lead: number;
  /** Received (or given up) packets not yet delivered: APDU, or LOST. */
  window: Map<number, Uint8Array>;
  missing: Map<number, Missing>;
  reader: ApduReader;
  timer: ReturnType<typeof setTimeout> | undefined;
  timerAt: number;
  spmrTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the last SPMR went out (ms, performance.now()). */
  spmrAt: number;
  lastHeard: number;
}

/** What the receiver tells its session. */
export interface PgmReceiverEvents {
  /** A whole message; false when the socket's queue is full (the receiver holds it and waits). */
  deliver(message: Message): boolean;
  /** Data from a source was lost for good (libzmq drops the partial message and rejoins). */
  lost(source: string, count: number): void;
}

/** See the module documentation. */
export class PgmReceiver {
  readonly #link: PgmLink;
  readonly #options: PgmReceiverOptions;
  readonly #events: PgmReceiverEvents;
  readonly #sources = new Map<string, Source>();
  /** Messages the socket had no room for, in order; nothing more is delivered until they are. */
  readonly #held: Message[] = [];
  readonly #sweep: ReturnType<typeof setInterval>;
  #closed = false;

  constructor(link: PgmLink, options: PgmReceiverOptions, events: PgmReceiverEvents) {
    this.#link = link;
    this.#options = options;
    this.#events = events;
    link.onPacket = (packet, from) => this.#onPacket(packet, from);
    this.#sweep = setInterval(() => this.#expire(), 10_000);
  }

  /** Sources currently known (by TSI). */
  get sourceCount(): number {
    return this.#sources.size;
  }

  /** The socket's queue has room again: deliver what was held, then what waits in the windows. */
  resume(): void {
    const held = this.#held;
    while (held.length > 0) {
      if (!this.#events.deliver(held[0])) return;
      held.shift();
    }
    for (const source of this.#sources.values()) {
      this.#deliver(source);
      if (held.length > 0) return;
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#sweep);
    for (const source of this.#sources.values()) this.#forget(source);
  }

  #onPacket(bytes: Uint8Array, from: string): void {
    if (this.#closed) return;
    const type = bytes.length > 4 ? bytes[4] : -1;
    if (type !== PGM_ODATA && type !== PGM_RDATA && type !== PGM_SPM && type !== PGM_NCF) {
      if (type === PGM_SPMR) this.#onPeerSpmr(bytes);
      return;
    }
    if (bytes.length >= 4 && ((bytes[2] << 8) | bytes[3]) !== this.#link.port) return;
    const packet = parsePgm(bytes);
    if (packet === null) return;
    switch (packet.type) {
      case PGM_ODATA:
      case PGM_RDATA:
        if (packet.fragment) return; // libzmq never fragments; OpenPGM's own receivers reassemble
        this.#onData(this.#source(packet, from, true), packet);
        break;
      case PGM_SPM:
        this.#onSpm(this.#source(packet, from, false), packet);
        break;
      case PGM_NCF:
      case PGM_NNAK: {
        const source = this.#sources.get(tsiKey(packet.gsi, packet.sourcePort));
        if (source !== undefined && packet.groupNla === this.#link.group) {
          this.#onNcf(source, packet);
        }
        break;
      }
    }
  }

  #source(packet: PgmHeader, from: string, viaData: boolean): Source {
    const key = tsiKey(packet.gsi, packet.sourcePort);
    let source = this.#sources.get(key);
    const now = performance.now();
    if (source === undefined) {
      source = {
        key,
        header: {
          sourcePort: packet.sourcePort,
          destinationPort: packet.destinationPort,
          gsi: packet.gsi.slice(),
        },
        nla: null,
        from,
        spmSqn: null,
        next: null,
        lead: 0,
        window: new Map(),
        missing: new Map(),
        reader: new ApduReader(this.#options.maxMessageSize),
        timer: undefined,
        timerAt: Infinity,
        spmrTimer: undefined,
        spmrAt: -Infinity,
        lastHeard: now,
      };
      this.#sources.set(key, source);
      // As OpenPGM: a source first heard through data is asked for an SPM after a moment.
      if (viaData) {
        const s = source;
        s.spmrTimer = setTimeout(() => {
          s.spmrTimer = undefined;
          if (s.nla === null) this.#sendSpmr(s);
        }, PGM_TIMING.spmrExpiry);
      }
    }
    source.from = from;
    source.lastHeard = now;
    return source;
  }

  #onSpm(source: Source, spm: PgmSpm): void {
    // Only SPMs that advance the SPM sequence count (the first always does).
    if (source.spmSqn !== null && sqnBefore(spm.sqn, source.spmSqn)) return;
    source.spmSqn = spm.sqn;
    source.nla = spm.nla;
    clearTimeout(source.spmrTimer);
    source.spmrTimer = undefined;
    if (source.next === null) {
      // A window defined by an SPM starts after its lead.
      source.next = (spm.lead + 1) >>> 0;
      source.lead = spm.lead;
      return;
    }
    this.#advanceLead(source, spm.lead);
    this.#advanceTrail(source, spm.trail);
    this.#deliver(source);
    this.#schedule(source);
  }

  #onData(source: Source, data: PgmData): void {
    const sqn = data.sqn;
    if (source.next === null) {
      source.next = sqn;
      source.lead = (sqn - 1) >>> 0;
    }
    this.#advanceTrail(source, data.trail);
    if (sqnBefore(sqn, source.next)) return; // duplicate, or from before we joined
    this.#advanceLead(source, sqn);
    source.missing.delete(sqn);
    if (!source.window.has(sqn)) source.window.set(sqn, data.tsdu);
    this.#deliver(source);
    this.#schedule(source);
  }

  #onNcf(source: Source, ncf: PgmNak): void {
    const now = performance.now();
    for (const sqn of ncf.sqns) {
      if (source.next !== null && sqnBefore(sqn, source.next)) continue;
      if (source.next !== null && sqnBefore(source.lead, sqn)) this.#advanceLead(source, sqn);
      const missing = source.missing.get(sqn);
      if (missing === undefined) continue;
      // Confirmed, by our NAK or another receiver's: wait for the repair.
      missing.state = Repair.WaitData;
      missing.deadline = now + PGM_TIMING.nakRdataInterval;
    }
    this.#schedule(source);
  }

  /** Another receiver asked for the SPM we were about to ask for: ours is not needed. */
  #onPeerSpmr(bytes: Uint8Array): void {
    const packet = parsePgm(bytes);
    if (packet === null) return;
    const source = this.#sources.get(tsiKey(packet.gsi, packet.destinationPort));
    if (source?.spmrTimer !== undefined) {
      clearTimeout(source.spmrTimer);
      source.spmrTimer = undefined;
    }
  }

  /** Packets up to `lead` exist: those not received are missing from now on. */
  #advanceLead(source: Source, lead: number): void {
    if (source.next === null || !sqnBefore(source.lead, lead)) return;
    if (sqnDistance(lead, source.next) > this.#options.windowSqns * 2 + 1024) {
      // Far beyond anything a window could bridge (we were cut off, or the
      // packet lies): start again just before it, without a loop per packet.
      this.#restartAt(source, lead);
    }
    const now = performance.now();
    let sqn = (source.lead + 1) >>> 0;
    // Never hold more than a window's worth: the oldest go (received or not), as in OpenPGM.
    const limit = this.#options.windowSqns;
    if (sqnDistance(lead, source.next) >= limit) this.#dropUpTo(source, (lead - limit + 1) >>> 0);
    if (sqnBefore(sqn, source.next)) sqn = source.next;
    for (; sqnBefore(sqn, lead); sqn = (sqn + 1) >>> 0) {
      if (source.window.has(sqn) || source.missing.has(sqn)) continue;
      source.missing.set(sqn, {
        state: Repair.BackOff,
        deadline: now + Math.random() * PGM_TIMING.nakBackoffInterval,
        ncfRetries: 0,
        dataRetries: 0,
      });
    }
    // `lead` itself is missing too unless it is the packet being handled.
    if (!source.window.has(lead) && !source.missing.has(lead)) {
      source.missing.set(lead, {
        state: Repair.BackOff,
        deadline: now + Math.random() * PGM_TIMING.nakBackoffInterval,
        ncfRetries: 0,
        dataRetries: 0,
      });
    }
    source.lead = lead;
  }

  /** The source can no longer repair anything before `trail`: what has not come never will. */
  #advanceTrail(source: Source, trail: number): void {
    const next = source.next;
    if (next === null || !sqnBefore(next, trail)) return;
    if (sqnDistance(trail, next) > this.#options.windowSqns) {
      // Far behind the source: start again at its trail.
      const lead = source.lead;
      this.#restartAt(source, trail);
      if (sqnBefore(trail, lead) && sqnDistance(lead, trail) <= this.#options.windowSqns) {
        this.#advanceLead(source, lead);
      }
      return;
    }
    this.#loseUpTo(source, trail);
    this.#deliver(source);
  }

  /** Gives up on everything not yet received before `sqn`. */
  #loseUpTo(source: Source, sqn: number): void {
    for (let s = source.next!; sqnBefore(s, sqn); s = (s + 1) >>> 0) {
      if (!source.window.has(s)) source.window.set(s, LOST);
      source.missing.delete(s);
    }
  }

  /** Forgets the window and follows the stream from `sqn` (which is missing until it comes). */
  #restartAt(source: Source, sqn: number): void {
    const lost = sqnDistance(sqn, source.next!);
    source.window.clear();
    source.missing.clear();
    source.reader.reset();
    source.next = sqn;
    source.lead = (sqn - 1) >>> 0;
    this.#events.lost(source.key, lost);
  }

  /** Drops everything before `sqn`, received or not: the window is full. */
  #dropUpTo(source: Source, sqn: number): void {
    for (let s = source.next!; sqnBefore(s, sqn); s = (s + 1) >>> 0) {
      source.window.set(s, LOST);
      source.missing.delete(s);
    }
  }

  /** Hands the in-order packets to the framing, and its messages to the socket. */
  #deliver(source: Source): void {
    if (source.next === null || this.#held.length > 0) return;
    const messages: Message[] = [];
    let lost = 0;
    for (;;) {
      const sqn: number = source.next;
      const apdu = source.window.get(sqn);
      if (apdu === undefined) break;
      source.window.delete(sqn);
      source.next = (sqn + 1) >>> 0;
      if (sqnBefore(source.lead, sqn)) source.lead = sqn;
      if (apdu === LOST) {
        lost++;
        source.reader.reset();
        continue;
      }
      if (source.reader.push(apdu, messages) !== null) lost++;
      if (messages.length >= 256) this.#hand(messages.splice(0));
      if (this.#held.length > 0) break;
    }
    if (lost > 0) this.#events.lost(source.key, lost);
    this.#hand(messages);
  }

  #hand(messages: Message[]): void {
    const held = this.#held;
    for (const message of messages) {
      if (held.length > 0 || !this.#events.deliver(message)) held.push(message);
    }
  }

  /** Arms the source's timer for its earliest repair deadline. */
  #schedule(source: Source): void {
    let earliest = Infinity;
    for (const missing of source.missing.values()) {
      if (missing.deadline < earliest) earliest = missing.deadline;
    }
    if (earliest === Infinity) {
      clearTimeout(source.timer);
      source.timer = undefined;
      source.timerAt = Infinity;
      return;
    }
    if (source.timer !== undefined && source.timerAt <= earliest) return;
    clearTimeout(source.timer);
    source.timerAt = earliest;
    source.timer = setTimeout(() => {
      source.timer = undefined;
      source.timerAt = Infinity;
      this.#onRepairTimer(source);
    }, Math.max(0, earliest - performance.now()));
  }

  /** NAKs what is due, retries what timed out, gives up after libzmq's retry counts. */
  #onRepairTimer(source: Source): void {
    if (this.#closed) return;
    const now = performance.now();
    const due: number[] = [];
    let gaveUp = false;
    for (const [sqn, missing] of source.missing) {
      if (missing.deadline > now) continue;
      switch (missing.state) {
        case Repair.BackOff:
          if (source.nla === null) {
            // No SPM yet, so nowhere to send a NAK: ask again (OpenPGM asks
            // once) and wait for one.
            if (now - source.spmrAt >= PGM_TIMING.nakRepeatInterval) this.#sendSpmr(source);
            missing.deadline = now + PGM_TIMING.nakRepeatInterval;
            continue;
          }
          due.push(sqn);
          missing.state = Repair.WaitNcf;
          missing.deadline = now + PGM_TIMING.nakRepeatInterval;
          break;
        case Repair.WaitNcf:
        case Repair.WaitData: {
          const retries = missing.state === Repair.WaitNcf
            ? ++missing.ncfRetries
            : ++missing.dataRetries;
          if (retries > PGM_TIMING.nakRetries) {
            source.missing.delete(sqn);
            source.window.set(sqn, LOST);
            gaveUp = true;
            continue;
          }
          missing.state = Repair.BackOff;
          missing.deadline = now + Math.random() * PGM_TIMING.nakBackoffInterval;
          break;
        }
      }
    }
    if (due.length > 0) this.#sendNaks(source, due);
    if (gaveUp) this.#deliver(source);
    this.#schedule(source);
  }

  #sendNaks(source: Source, sqns: number[]): void {
    sqns.sort((a, b) => sqnDistance(a, b));
    const header: PgmHeader = {
      sourcePort: this.#link.port,
      destinationPort: source.header.sourcePort,
      gsi: source.header.gsi,
    };
    for (let i = 0; i < sqns.length; i += MAX_NAK_SQNS) {
      const nak = encodeNak(
        PGM_NAK,
        header,
        sqns.slice(i, i + MAX_NAK_SQNS),
        source.nla!,
        this.#link.group,
      );
      this.#link.unicast(nak, source.nla!);
    }
  }

  #sendSpmr(source: Source): void {
    if (this.#closed) return;
    source.spmrAt = performance.now();
    const spmr = encodeSpmr({
      sourcePort: this.#link.port,
      destinationPort: source.header.sourcePort,
      gsi: source.header.gsi,
    });
    this.#link.multicast(spmr);
    this.#link.unicast(spmr, source.from);
  }

  /** Forgets sources silent for longer than OpenPGM's peer expiry. */
  #expire(): void {
    const now = performance.now();
    for (const source of this.#sources.values()) {
      if (now - source.lastHeard > PGM_TIMING.peerExpiry) this.#forget(source);
    }
  }

  #forget(source: Source): void {
    clearTimeout(source.timer);
    clearTimeout(source.spmrTimer);
    this.#sources.delete(source.key);
  }
}
