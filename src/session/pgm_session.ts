/**
 * One epgm endpoint of one socket: a pipe like any peer's, and behind it a
 * PGM source (Publisher, XPublisher) or receiver (Subscriber, XSubscriber)
 * on a {@link PgmLink}. As in libzmq, a publisher sends every message to
 * the group (subscribers filter), and a receiver drops the subscriptions
 * its socket sends.
 *
 * @module
 */

import type { Pipe } from "../pipe/pipe.ts";
import { windowSqns } from "./pgm_link.ts";
import type { PgmLink } from "./pgm_link.ts";
import { PgmReceiver } from "./pgm_receiver.ts";
import { PgmSource } from "./pgm_source.ts";
import type { SessionOwner } from "./session.ts";

/** What the session reads from its socket. */
export interface PgmSessionOwner extends SessionOwner {
  readonly maxMessageSize: number;
  readonly rate: number;
  readonly recoveryInterval: number;
  readonly multicastMaxTransportDataUnit: number;
}

/** See the module documentation. */
export class PgmSession {
  readonly #owner: PgmSessionOwner;
  readonly #endpoint: string;
  readonly #link: PgmLink;
  readonly #pipe: Pipe;
  readonly #source: PgmSource | null = null;
  readonly #receiver: PgmReceiver | null = null;
  #stopped = false;
  #finished = false;
  #lingerTimer: ReturnType<typeof setTimeout> | undefined;
  #onFinished: (() => void) | null = null;

  /**
   * @param sending true for a source (the socket publishes), false for a receiver
   */
  constructor(owner: PgmSessionOwner, endpoint: string, link: PgmLink, sending: boolean) {
    this.#owner = owner;
    this.#endpoint = endpoint;
    this.#link = link;
    const pipe = owner.newPipe(endpoint);
    this.#pipe = pipe;
    pipe.peer = {
      socketType: sending ? "SUB" : "PUB",
      identity: new Uint8Array(0),
      metadata: new Map(),
      address: endpoint,
      zmtpMinor: 0,
    };
    pipe.onReleased = () => void this.stop();
    const options = {
      rate: owner.rate,
      recoveryInterval: owner.recoveryInterval,
      maxTpdu: owner.multicastMaxTransportDataUnit,
    };
    if (sending) {
      pipe.subscribeToAll = true;
      const source = new PgmSource(link, options, () => pipe.outbound.shift() ?? null);
      pipe.outbound.onData = () => source.kick();
      source.onIdle = () => this.#finishIfDrained();
      this.#source = source;
      source.start();
    } else {
      const receiver = new PgmReceiver(link, {
        maxMessageSize: owner.maxMessageSize,
        windowSqns: windowSqns(options.rate, options.recoveryInterval, options.maxTpdu),
      }, {
        deliver: (message) => pipe.inbound.tryPush(message),
        lost: () => owner.emit({ type: "disconnect", address: endpoint }),
      });
      // Subscriptions have nowhere to go over PGM: drop them, as libzmq does.
      pipe.outbound.onData = () => void pipe.outbound.clear();
      pipe.inbound.onSpace = () => receiver.resume();
      this.#receiver = receiver;
    }
    owner.attachPipe(pipe);
  }

  /**
   * Stops: a source first sends what is queued (for up to `linger` ms, as
   * the socket says), then its closing SPMs.
   */
  stop(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#stopped = true;
    const linger = this.#owner.linger;
    const source = this.#source;
    if (source === null || linger === 0 || !this.#hasPending(source)) {
      this.#finish();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#onFinished = resolve;
      if (linger > 0) this.#lingerTimer = setTimeout(() => this.#finish(), linger);
      source.kick();
    });
  }

  #hasPending(source: PgmSource): boolean {
    return this.#pipe.outbound.length > 0 || source.busy;
  }

  #finishIfDrained(): void {
    if (this.#stopped && !this.#finished && !this.#hasPending(this.#source!)) this.#finish();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#lingerTimer);
    this.#source?.close();
    this.#receiver?.close();
    this.#link.close();
    this.#pipe.terminate();
    const done = this.#onFinished;
    this.#onFinished = null;
    done?.();
  }

  /** The endpoint as the user gave it. */
  get endpoint(): string {
    return this.#endpoint;
  }
}
