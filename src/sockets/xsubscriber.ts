/**
 * XSUB (RFC 29): a SUB whose subscriptions are messages the user sends.
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { SocketOptions, TypeDefaults } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { SUBSCRIPTIONS_AS_COMMANDS } from "../routing/subscription_message.ts";
import type { WireAdapter } from "../wire/adapter.ts";
import { SubscriberCore } from "../routing/subscriber_core.ts";
import { SocketBase } from "../socket.ts";

/** Options of an {@link XSubscriber} socket. */
export interface XSubscriberOptions extends SocketOptions {
  /**
   * In a multipart message sent up, only a first frame that starts with 1
   * or 0 makes it a subscription or cancel; when the first frame is data,
   * every frame is data (libzmq's ZMQ_ONLY_FIRST_SUBSCRIBE). Without it,
   * each frame that starts with 1 or 0 subscribes or cancels, as libzmq
   * reads them.
   */
  onlyFirstSubscribe: boolean;
}

const DEFAULTS: TypeDefaults<XSubscriberOptions> = {
  // Pending subscriptions are not worth waiting for on close (libzmq's xsub_t).
  linger: 0,
  onlyFirstSubscribe: false,
};

/**
 * A subscriber driven by messages: `send(["\x01prefix"])` subscribes,
 * `send(["\x00prefix"])` cancels (both sent to every publisher, counted,
 * and sent again on reconnect), and any other message goes up to every
 * publisher as is (an {@link XPublisher} receives it). `receive()` yields
 * everything the publishers send, unfiltered. With an XPublisher it
 * forwards subscriptions through a proxy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Publisher, XSubscriber } from "@zmtp/zmq";
 * const pub = new Publisher();
 * await pub.bind("inproc://xsub-doc");
 * const xsub = new XSubscriber();
 * xsub.connect("inproc://xsub-doc");
 * await xsub.send(new Uint8Array([1, ...new TextEncoder().encode("weather.")])); // subscribe
 * await pub.send(["weather.10001", "21 °C"]);
 * const [topic] = await xsub.receive();
 * assert.equal(new TextDecoder().decode(topic), "weather.10001");
 * xsub.close();
 * pub.close();
 * ```
 */
export class XSubscriber extends SocketBase {
  /** See {@link XSubscriberOptions.onlyFirstSubscribe}. */
  declare onlyFirstSubscribe: boolean;
  private readonly core = new SubscriberCore();

  /** Creates an XSUB socket. Its `linger` defaults to 0, as in libzmq. */
  constructor(options?: Partial<XSubscriberOptions>) {
    super("XSUB", options, DEFAULTS);
  }

  /** Number of distinct prefixes subscribed to. */
  get topicCount(): number {
    return this.core.topicCount;
  }

  /** @internal Subscriptions go to ZMTP 3.1 publishers as SUBSCRIBE/CANCEL commands. */
  protected override wireAdapter(): WireAdapter {
    return SUBSCRIPTIONS_AS_COMMANDS;
  }

  /** @internal A new publisher: send it the subscriptions. */
  protected xAttach(pipe: Pipe): void {
    this.core.attach(pipe);
  }

  /** @internal A publisher left (what it sent is still received). */
  protected xTerminated(pipe: Pipe): void {
    this.core.terminated(pipe);
  }

  /** @internal A publisher's connection came back: send it the subscriptions again. */
  protected override xReconnected(pipe: Pipe): void {
    this.core.reconnected(pipe);
  }

  /** @internal Messages arrived from a publisher. */
  protected override xReadable(pipe: Pipe): void {
    this.core.readable(pipe);
  }

  /** @internal A publisher's queue drained. */
  protected override xWritable(pipe: Pipe): void {
    this.core.writable(pipe);
  }

  /** @internal Subscriptions, cancels and other messages go to every publisher; never waits. */
  protected override xSend(msg: Message): boolean {
    this.core.send(msg, this.onlyFirstSubscribe);
    return true;
  }

  /** @internal The next message from any publisher. */
  protected override xRecv(): Message | undefined {
    return this.core.receive(false, false);
  }
}
