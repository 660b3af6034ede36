/**
 * SUB (RFC 29): receives the messages whose first frame starts with one of
 * its subscriptions.
 *
 * @module
 */

import { zmqError } from "../errors.ts";
import { type Message, type MessageLike, toFrame } from "../message.ts";
import type { SocketOptions, TypeDefaults } from "../options.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { SUBSCRIPTIONS_AS_COMMANDS } from "../routing/subscription_message.ts";
import type { WireAdapter } from "../wire/adapter.ts";
import { SubscriberCore } from "../routing/subscriber_core.ts";
import { SocketBase } from "../socket.ts";

/** Options of a {@link Subscriber} socket. */
export interface SubscriberOptions extends SocketOptions {
  /** Receive the messages that match NO subscription (ZMQ_INVERT_MATCHING; the publisher needs it too). */
  invertMatching: boolean;
}

const DEFAULTS: TypeDefaults<SubscriberOptions> = {
  invertMatching: false,
  // Pending subscriptions are not worth waiting for on close (libzmq's xsub_t).
  linger: 0,
};

/**
 * The receiving end of publish-subscribe. It receives nothing until it
 * subscribes: {@link Subscriber.subscribe} with a prefix (string or bytes)
 * asks for every message whose first frame starts with it, and with no
 * argument for every message. Subscriptions are counted (subscribing twice
 * needs two cancels), sent to every publisher, and sent again when a
 * publisher reconnects. `send` is not supported.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Publisher, Subscriber } from "@zmtp/zmq";
 * const pub = new Publisher();
 * await pub.bind("inproc://weather");
 * const sub = new Subscriber();
 * sub.connect("inproc://weather");
 * sub.subscribe("weather.10001");
 * await pub.send(["weather.90210", "30 °C"]); // not subscribed: filtered out
 * await pub.send(["weather.10001", "21 °C"]);
 * const [topic, reading] = await sub.receive();
 * assert.equal(new TextDecoder().decode(topic), "weather.10001");
 * assert.equal(new TextDecoder().decode(reading), "21 °C");
 * sub.close();
 * pub.close();
 * ```
 */
export class Subscriber extends SocketBase {
  /** See {@link SubscriberOptions.invertMatching}. */
  declare invertMatching: boolean;
  private readonly core = new SubscriberCore();

  /** Creates a SUB socket. Its `linger` defaults to 0, as in libzmq. */
  constructor(options?: Partial<SubscriberOptions>) {
    super("SUB", options, DEFAULTS);
  }

  /**
   * Receives messages whose first frame starts with one of `prefixes`
   * (strings are UTF-8); with no argument, every message.
   *
   * @throws {ZmqError} `ETERM` when the socket is closed.
   */
  subscribe(...prefixes: MessageLike[]): void {
    this.change(true, prefixes);
  }

  /**
   * Cancels one earlier `subscribe` of each prefix (no argument: of the
   * empty prefix). A prefix subscribed twice stays until cancelled twice.
   *
   * @throws {ZmqError} `ETERM` when the socket is closed.
   */
  unsubscribe(...prefixes: MessageLike[]): void {
    this.change(false, prefixes);
  }

  /** Number of distinct prefixes subscribed to. */
  get topicCount(): number {
    return this.core.topicCount;
  }

  /** Sends (and counts) a subscription or cancel per prefix; none means the empty prefix. */
  private change(subscribe: boolean, prefixes: MessageLike[]): void {
    if (this.closed) throw zmqError("ETERM", "socket is closed");
    if (prefixes.length === 0) prefixes = [""];
    for (const prefix of prefixes) this.core.subscribe(subscribe, toFrame(prefix));
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

  /** @internal The next message that matches a subscription. */
  protected override xRecv(): Message | undefined {
    return this.core.receive(true, this.invertMatching);
  }
}
