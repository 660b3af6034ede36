/**
 * What PUB and XPUB share (libzmq's xpub_t, which pub_t extends): reading
 * subscriptions from every peer as they arrive, keeping them in a
 * {@link SubscriptionTrie}, and fanning each message out through a
 * {@link Distributor} to the peers whose prefixes match its first frame.
 *
 * XPUB also hands subscriptions (and any other message a peer sends up) to
 * its user; PUB drops them after applying the subscriptions.
 *
 * @module
 */

import type { Message } from "../message.ts";
import { MessageQueue } from "../pipe/queue.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { Distributor, type DistTarget } from "./distributor.ts";
import { isSubscription, subscriptionMessage } from "./subscription_message.ts";
import { SubscriptionTrie } from "./trie.ts";

/** The options of a publishing socket that change how it routes. */
export interface PublisherSettings {
  /** Pass every subscription to the user, not only new prefixes (XPUB). */
  readonly verbose?: boolean;
  /** As `verbose`, and every cancel too (XPUB). */
  readonly verboser?: boolean;
  /** Subscriptions reach the user only; the user applies them (XPUB). */
  readonly manual?: boolean;
  /**
   * As `manual`, and the first message sent after the user received a
   * subscription goes only to the peer that sent it (XPUB's
   * ZMQ_XPUB_MANUAL_LAST_VALUE: a last-value cache answers a newcomer alone).
   */
  readonly xpubManualLastValue?: boolean;
  /**
   * A multipart message from a peer is a subscription only when its first
   * frame is one; otherwise all its frames are data (ZMQ_ONLY_FIRST_SUBSCRIBE).
   * Without it every frame that starts with 0 or 1 is a subscription or
   * cancel, as libzmq reads them.
   */
  readonly onlyFirstSubscribe?: boolean;
  /** Wait instead of dropping when a matching peer is at its high-water mark. */
  readonly noDrop: boolean;
  /** Send to the peers whose subscriptions do NOT match. */
  readonly invertMatching: boolean;
  /**
   * XPUB: how many messages may wait for the user before peers are no
   * longer read (0: no limit), so a user who does not read cannot make
   * memory grow without bound.
   */
  readonly receiveHighWaterMark?: number;
}

/** The routing of PUB and XPUB; see the module documentation. */
export class PublisherCore {
  private readonly dist = new Distributor();
  private readonly subscriptions = new SubscriptionTrie<DistTarget>();
  /** manual mode: what each peer asked for, so its departure can be reported. */
  private readonly requested = new SubscriptionTrie<DistTarget>();
  /** Messages for the user (XPUB) and, alongside, the peer each came from. */
  private readonly pending = new MessageQueue<Message>(0);
  private readonly pendingFrom = new MessageQueue<DistTarget | null>(0);
  /** The peer whose message the user received last (manual subscriptions apply to it). */
  private lastFrom: DistTarget | null = null;
  /** Peers with messages left unread because the user's queue was full; read as it drains. */
  private readonly unread = new Set<Pipe>();

  /**
   * @param settings the socket's options, read at each use
   * @param deliver true for XPUB: pass subscriptions and messages to the user
   */
  constructor(
    private readonly settings: PublisherSettings,
    private readonly deliver: boolean,
  ) {}

  /** A new peer: send the welcome message, then read what it already sent. */
  attach(pipe: Pipe, welcome: Uint8Array | null): void {
    this.dist.attach(pipe);
    if (pipe.subscribeToAll) this.subscriptions.add(new Uint8Array(0), this.dist.target(pipe)!);
    // Past the high-water mark on purpose: the queue is empty, as in libzmq.
    if (welcome !== null) pipe.outbound.push([welcome.slice()]);
    this.read(pipe);
  }

  /** A peer went away: its subscriptions go, and the user hears of prefixes now unwanted. */
  terminated(pipe: Pipe): void {
    this.unread.delete(pipe);
    const target = this.dist.detach(pipe);
    if (target === undefined) return;
    const report = this.deliver ? this.reportCancel : null;
    if (this.settings.manual || this.settings.xpubManualLastValue) {
      this.requested.removeAll(target, report, false);
      this.subscriptions.removeAll(target, null, false);
      if (this.lastFrom === target) this.lastFrom = null;
    } else {
      this.subscriptions.removeAll(target, report, !this.settings.verboser);
    }
  }

  /** The peer drained below its low-water mark. */
  writable(pipe: Pipe): void {
    this.dist.activate(pipe);
  }

  /**
   * Applies (and for XPUB queues) everything the peer sent. Subscriptions
   * take effect as they arrive, not when the user reads them, as in libzmq,
   * except that XPUB stops reading while its user has a receive
   * high-water mark of messages waiting (libzmq queues without limit); the
   * peer's own queue then fills and its connection stops being read.
   */
  read(pipe: Pipe): void {
    const from = this.dist.target(pipe);
    if (from === undefined) return;
    let msg: Message | undefined;
    for (;;) {
      if (this.userQueueFull) {
        this.unread.add(pipe);
        return;
      }
      if ((msg = pipe.read()) === undefined) return;
      if (isSubscription(msg)) this.applySubscription(from, msg);
      else if (msg.length > 1) this.readMultipart(from, msg);
      else if (this.deliver) this.queue(msg, from);
    }
  }

  /** True when XPUB's user has as many messages waiting as its receive high-water mark. */
  private get userQueueFull(): boolean {
    const hwm = this.settings.receiveHighWaterMark ?? 0;
    return this.deliver && hwm > 0 && this.pending.length >= hwm;
  }

  /**
   * A multipart message read frame by frame, as libzmq's xpub_t does: a
   * frame that starts with 1 or 0 subscribes or cancels (with
   * `onlyFirstSubscribe`, only when the first frame did); the other frames
   * go to the user (XPUB) as one message.
   */
  private readMultipart(from: DistTarget, msg: Message): void {
    let processSubscribe = true;
    const data: Uint8Array[] = [];
    for (let i = 0; i < msg.length; i++) {
      const frame = msg[i];
      const subscription: boolean = (i === 0 || processSubscribe) && frame.length > 0 &&
        frame[0] <= 1;
      if (i === 0) processSubscribe = !this.settings.onlyFirstSubscribe || subscription;
      if (subscription) this.applySubscription(from, [frame]);
      else data.push(frame);
    }
    if (data.length > 0 && this.deliver) this.queue(data, from);
  }

  private applySubscription(from: DistTarget, msg: Message): void {
    const frame = msg[0];
    const subscribe = frame[0] === 1;
    const prefix = frame.subarray(1);
    const settings = this.settings;
    if (settings.manual || settings.xpubManualLastValue) {
      if (subscribe) this.requested.add(prefix, from);
      else this.requested.remove(prefix, from);
      if (this.deliver) this.queue(msg, from);
      return;
    }
    let tell: boolean;
    if (subscribe) {
      tell = this.subscriptions.add(prefix, from) || !!settings.verbose || !!settings.verboser;
    } else {
      // As libzmq: a cancel of something never subscribed is passed on too.
      tell = this.subscriptions.remove(prefix, from) !== "othersRemain" || !!settings.verboser;
    }
    if (tell && this.deliver) this.queue(msg, from);
  }

  private queue(msg: Message, from: DistTarget | null): void {
    this.pending.push(msg);
    this.pendingFrom.push(from);
  }

  private reportCancel = (prefix: Uint8Array): void => {
    this.queue(subscriptionMessage(false, prefix), null);
    if (this.settings.manual || this.settings.xpubManualLastValue) this.lastFrom = null;
  };

  /** The next subscription or upstream message for the user (XPUB). */
  receive(): Message | undefined {
    if (this.unread.size > 0 && !this.userQueueFull) this.readUnread();
    const msg = this.pending.shift();
    if (msg === undefined) return undefined;
    const from = this.pendingFrom.shift() ?? null;
    this.lastFrom = from !== null && from.attached ? from : null;
    return msg;
  }

  /** Reads the peers left unread while the user's queue was full, until it is full again. */
  private readUnread(): void {
    for (const pipe of this.unread) {
      this.unread.delete(pipe);
      this.read(pipe);
      if (this.userQueueFull) return;
    }
  }

  /** True when the user has something to receive. */
  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /**
   * Fans `msg` out to the peers whose subscriptions match its first frame.
   * False only with `noDrop`, when a matching peer is full (the caller waits).
   */
  send(msg: Message): boolean {
    const dist = this.dist;
    dist.startMatch();
    const last = this.settings.xpubManualLastValue ? this.lastFrom : null;
    if (last !== null) {
      // The last value for the newcomer alone, once (libzmq's _send_last_pipe).
      this.lastFrom = null;
      this.subscriptions.match(msg[0], {
        match: (t) => {
          if (t === last) dist.match(t);
        },
      });
    } else this.subscriptions.match(msg[0], dist);
    if (this.settings.invertMatching) dist.invertMatch();
    if (this.settings.noDrop && !dist.matchedHaveRoom()) return false;
    dist.sendToMatching(msg);
    return true;
  }

  /** manual mode: subscribes the peer of the last received message to `prefix`. */
  subscribeLast(prefix: Uint8Array): void {
    if (this.lastFrom !== null) this.subscriptions.add(prefix, this.lastFrom);
  }

  /** manual mode: cancels `prefix` for the peer of the last received message. */
  unsubscribeLast(prefix: Uint8Array): void {
    if (this.lastFrom !== null) this.subscriptions.remove(prefix, this.lastFrom);
  }

  /** Number of distinct subscribed prefixes. */
  get topicCount(): number {
    return this.subscriptions.size;
  }

  /** Deliveries dropped at subscribers' high-water marks (one per subscriber that missed a message). */
  get dropped(): number {
    return this.dist.dropped;
  }

  /** Number of attached peers. */
  get peerCount(): number {
    return this.dist.size;
  }
}
