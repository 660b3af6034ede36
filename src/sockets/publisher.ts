/**
 * PUB (RFC 29): sends each message to every subscriber whose subscription
 * is a prefix of the message's first frame; never waits.
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { SocketOptions, TypeDefaults } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { SUBSCRIPTION_COMMANDS_AS_MESSAGES } from "../routing/subscription_message.ts";
import type { WireAdapter } from "../wire/adapter.ts";
import { PublisherCore } from "../routing/publisher_core.ts";
import { COOPERATIVE_SEND_BATCH, SocketBase } from "../socket.ts";

/** Options of a {@link Publisher} socket. */
export interface PublisherOptions extends SocketOptions {
  /**
   * Wait (or reject with `EAGAIN` after `sendTimeout`) instead of dropping
   * when a matching subscriber is at its high-water mark
   * (ZMQ_XPUB_NODROP). Default false: PUB never blocks.
   */
  noDrop: boolean;
  /** Send each message to the subscribers that do NOT match it (ZMQ_INVERT_MATCHING). */
  invertMatching: boolean;
}

const DEFAULTS: TypeDefaults<PublisherOptions> = { noDrop: false, invertMatching: false };

/**
 * The sending end of publish-subscribe. Subscribers tell the publisher
 * which prefixes they want; a message goes, once, to each subscriber with
 * a subscription that starts its first frame. A subscriber that does not
 * keep up loses messages once its high-water mark is reached: `send` never
 * waits for it (unless {@link Publisher.noDrop}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Publisher, Subscriber } from "@zmtp/zmq";
 * const pub = new Publisher();
 * await pub.bind("inproc://pub-doc");
 * const sub = new Subscriber();
 * sub.connect("inproc://pub-doc");
 * sub.subscribe("weather.");
 * await pub.send(["weather.10001", "21 °C"]);
 * const [topic] = await sub.receive();
 * assert.equal(new TextDecoder().decode(topic), "weather.10001");
 * sub.close();
 * pub.close();
 * ```
 */
export class Publisher extends SocketBase {
  /** See {@link PublisherOptions.noDrop}. */
  declare noDrop: boolean;
  /** See {@link PublisherOptions.invertMatching}. */
  declare invertMatching: boolean;
  private readonly core = new PublisherCore(this, false);

  /** Creates a PUB socket. */
  constructor(options?: Partial<PublisherOptions>) {
    super("PUB", options, DEFAULTS);
    this.yieldEvery = COOPERATIVE_SEND_BATCH;
  }

  /** Deliveries dropped at subscribers' high-water marks: one per subscriber that missed a message. */
  override get droppedMessages(): number {
    return this.core.dropped;
  }

  /** Number of subscribers attached now (a connected endpoint counts while it reconnects). */
  get subscriberCount(): number {
    return this.core.peerCount;
  }

  /** Number of distinct prefixes subscribers asked for. */
  get topicCount(): number {
    return this.core.topicCount;
  }

  /** @internal SUBSCRIBE/CANCEL commands arrive as subscription messages. */
  protected override wireAdapter(): WireAdapter {
    return SUBSCRIPTION_COMMANDS_AS_MESSAGES;
  }

  /** @internal A new subscriber: read its subscriptions. */
  protected xAttach(pipe: Pipe): void {
    this.core.attach(pipe, null);
  }

  /** @internal A subscriber left: forget its subscriptions. */
  protected xTerminated(pipe: Pipe): void {
    this.core.terminated(pipe);
    this.retrySends();
  }

  /** @internal Subscriptions arrived. */
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
}
