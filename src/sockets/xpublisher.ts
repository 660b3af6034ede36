/**
 * XPUB (RFC 29): a PUB whose user sees the subscriptions.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import { type Message, type MessageLike, toFrame } from "../message.ts";
import type { SocketOptions, TypeDefaults } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { SUBSCRIPTION_COMMANDS_AS_MESSAGES } from "../routing/subscription_message.ts";
import type { WireAdapter } from "../wire/adapter.ts";
import { PublisherCore } from "../routing/publisher_core.ts";
import { COOPERATIVE_SEND_BATCH, SocketBase } from "../socket.ts";

/** Options of an {@link XPublisher} socket. */
export interface XPublisherOptions extends SocketOptions {
  /**
   * Pass every subscription to `receive()`, not only the first one for
   * each prefix (ZMQ_XPUB_VERBOSE). Cancels are still passed only when the
   * last subscriber of a prefix goes.
   */
  verbose: boolean;
  /** As `verbose`, and pass every cancel too (ZMQ_XPUB_VERBOSER). */
  verboser: boolean;
  /**
   * Subscriptions are not applied automatically: each one is only passed
   * to `receive()`, and the user calls {@link XPublisher.subscribe} /
   * {@link XPublisher.unsubscribe} for the peer it came from
   * (ZMQ_XPUB_MANUAL). Every subscription and cancel is passed.
   */
  manual: boolean;
  /** Sent to each subscriber as it connects (ZMQ_XPUB_WELCOME_MSG); null: none. */
  welcomeMessage: string | Uint8Array | null;
  /** Wait instead of dropping when a matching subscriber is full (ZMQ_XPUB_NODROP). */
  noDrop: boolean;
  /** Send each message to the subscribers that do NOT match it (ZMQ_INVERT_MATCHING). */
  invertMatching: boolean;
  /**
   * `manual`, and the first message sent after receiving a subscription
   * goes only to the subscriber that sent it, if it matches (libzmq's
   * ZMQ_XPUB_MANUAL_LAST_VALUE): a last-value cache answers a newcomer
   * without repeating the value to everyone.
   */
  xpubManualLastValue: boolean;
  /**
   * In a multipart message from a subscriber, only a first frame that
   * starts with 1 or 0 makes it a subscription; when the first frame is
   * data, every frame is data (libzmq's ZMQ_ONLY_FIRST_SUBSCRIBE). Without
   * it, each frame that starts with 1 or 0 subscribes or cancels, as
   * libzmq reads them.
   */
  onlyFirstSubscribe: boolean;
}

const DEFAULTS: TypeDefaults<XPublisherOptions> = {
  verbose: false,
  verboser: false,
  manual: false,
  welcomeMessage: null,
  noDrop: false,
  invertMatching: false,
  xpubManualLastValue: false,
  onlyFirstSubscribe: false,
};
const utf8 = new TextEncoder();

/**
 * A publisher that also receives: `receive()` yields each subscription
 * (`\x01prefix`) and cancel (`\x00prefix`) from its subscribers — by
 * default only the first subscription and the last cancel of each prefix —
 * and any other message an {@link XSubscriber} sends up. Sending works as
 * on a {@link Publisher}. Together with an XSubscriber it forwards
 * subscriptions through a proxy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Subscriber, XPublisher } from "@zmtp/zmq";
 * const xpub = new XPublisher({ verbose: true });
 * await xpub.bind("inproc://xpub-doc");
 * const sub = new Subscriber();
 * sub.connect("inproc://xpub-doc");
 * sub.subscribe("prices");
 * const [event] = await xpub.receive(); // the subscriber subscribed
 * const topic = new TextDecoder().decode(event.subarray(1));
 * assert.equal(event[0], 1); // 1: subscribe, 0: cancel
 * assert.equal(topic, "prices");
 * await xpub.send([topic, "first value"]);
 * const [, value] = await sub.receive();
 * assert.equal(new TextDecoder().decode(value), "first value");
 * sub.close();
 * xpub.close();
 * ```
 */
export class XPublisher extends SocketBase {
  /** See {@link XPublisherOptions.verbose}. */
  declare verbose: boolean;
  /** See {@link XPublisherOptions.verboser}. */
  declare verboser: boolean;
  /** See {@link XPublisherOptions.manual}. */
  declare manual: boolean;
  /** See {@link XPublisherOptions.welcomeMessage}. */
  declare welcomeMessage: string | Uint8Array | null;
  /** See {@link XPublisherOptions.noDrop}. */
  declare noDrop: boolean;
  /** See {@link XPublisherOptions.invertMatching}. */
  declare invertMatching: boolean;
  /** See {@link XPublisherOptions.xpubManualLastValue}. */
  declare xpubManualLastValue: boolean;
  /** See {@link XPublisherOptions.onlyFirstSubscribe}. */
  declare onlyFirstSubscribe: boolean;
  private readonly core = new PublisherCore(this, true);

  /** Creates an XPUB socket. */
  constructor(options?: Partial<XPublisherOptions>) {
    super("XPUB", options, DEFAULTS);
    this.yieldEvery = COOPERATIVE_SEND_BATCH;
  }

  /**
   * With {@link manual}: subscribes the peer whose message was received
   * last to each prefix (no argument: to everything). Like libzmq's
   * ZMQ_SUBSCRIBE on an XPUB socket.
   *
   * @throws {ZmqError} `EINVAL` without `manual`, `ETERM` when the socket is closed.
   */
  subscribe(...prefixes: MessageLike[]): void {
    this.manualChange(true, prefixes);
  }

  /**
   * With {@link manual}: cancels prefixes for the peer whose message was received last.
   *
   * @throws {ZmqError} `EINVAL` without `manual`, `ETERM` when the socket is closed.
   */
  unsubscribe(...prefixes: MessageLike[]): void {
    this.manualChange(false, prefixes);
  }

  /** Deliveries dropped at subscribers' high-water marks: one per subscriber that missed a message. */
  override get droppedMessages(): number {
    return this.core.dropped;
  }

  /** Number of subscribers attached now (a connected endpoint counts while it reconnects). */
  get subscriberCount(): number {
    return this.core.peerCount;
  }

  /** Number of distinct prefixes subscribers asked for (applied ones, in manual mode). */
  get topicCount(): number {
    return this.core.topicCount;
  }

  /** Applies manual subscriptions or cancels for the last peer; none means the empty prefix. */
  private manualChange(subscribe: boolean, prefixes: MessageLike[]): void {
    if (this.closed) throw zmqError("ETERM", "socket is closed");
    if (!this.manual && !this.xpubManualLastValue) {
      throw zmqError("EINVAL", "XPublisher.subscribe/unsubscribe need the manual option");
    }
    if (prefixes.length === 0) prefixes = [""];
    for (const prefix of prefixes) {
      if (subscribe) this.core.subscribeLast(toFrame(prefix));
      else this.core.unsubscribeLast(toFrame(prefix));
    }
  }

  /** @internal SUBSCRIBE/CANCEL commands arrive as subscription messages. */
  protected override wireAdapter(): WireAdapter {
    return SUBSCRIPTION_COMMANDS_AS_MESSAGES;
  }

  /** @internal A new subscriber: welcome it and read its subscriptions. */
  protected xAttach(pipe: Pipe): void {
    const welcome = this.welcomeMessage;
    const bytes = welcome === null || welcome.length === 0
      ? null
      : typeof welcome === "string"
      ? utf8.encode(welcome)
      : welcome;
    this.core.attach(pipe, bytes);
  }

  /** @internal A subscriber left: forget its subscriptions, reporting prefixes nobody wants now. */
  protected xTerminated(pipe: Pipe): void {
    this.core.terminated(pipe);
    this.retrySends();
    this.deliverReceives();
  }

  /** @internal Subscriptions or messages arrived. */
  protected override xReadable(pipe: Pipe): void {
    this.core.read(pipe);
  }

  /** @internal A full subscriber drained. */
  protected override xWritable(pipe: Pipe): void {
    this.core.writable(pipe);
  }

  /** @internal Fans the message out to the matching subscribers. */
  protected override xSend(msg: Message): boolean {
    return this.core.send(msg);
  }

  /** @internal The next subscription, cancel or upstream message. */
  protected override xRecv(): Message | undefined {
    return this.core.receive();
  }
}
