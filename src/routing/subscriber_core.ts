/**
 * What SUB and XSUB share (libzmq's xsub_t, which sub_t extends): messages
 * are read fairly from every publisher; subscriptions (`\x01prefix`) and
 * cancels (`\x00prefix`) go up to every publisher and are remembered in a
 * counted {@link PrefixCounter}, so they can be sent again to a new or
 * reconnected publisher. SUB also filters what it receives by that trie
 * (a publisher filters already, but a ZMTP 3.0 or raw peer may not).
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { Pipe } from "../pipe/pipe.ts";
import { Distributor } from "./distributor.ts";
import { FairQueue } from "./fair_queue.ts";
import { isSubscription, subscriptionMessage } from "./subscription_message.ts";
import { PrefixCounter } from "./trie.ts";

/** The routing of SUB and XSUB; see the module documentation. */
export class SubscriberCore {
  private readonly fq = new FairQueue();
  private readonly dist = new Distributor();
  private readonly subscriptions = new PrefixCounter();

  /** A new publisher: read from it and tell it every subscription. */
  attach(pipe: Pipe): void {
    this.fq.attach(pipe);
    this.dist.attach(pipe);
    this.resend(pipe);
  }

  /** The publisher went away; the fair queue still drains what it sent. */
  terminated(pipe: Pipe): void {
    this.dist.detach(pipe);
  }

  /** The publisher's connection was re-established: it knows nothing of us any more. */
  reconnected(pipe: Pipe): void {
    this.resend(pipe);
  }

  /** The publisher's inbound queue has messages. */
  readable(pipe: Pipe): void {
    this.fq.activate(pipe);
  }

  /** The publisher's outbound queue drained below its low-water mark. */
  writable(pipe: Pipe): void {
    this.dist.activate(pipe);
  }

  /**
   * Sends a message upstream: a subscription is counted and always sent; a
   * cancel only when its count reaches zero; anything else goes as is (XSUB).
   * Never waits: a publisher at its high-water mark misses the message, as
   * in libzmq.
   */
  send(msg: Message, onlyFirstSubscribe = false): void {
    if (isSubscription(msg)) {
      const frame = msg[0];
      const prefix = frame.subarray(1);
      if (frame[0] === 1) this.subscriptions.add(prefix);
      else if (!this.subscriptions.remove(prefix)) return;
    } else if (msg.length > 1) this.trackMultipart(msg, onlyFirstSubscribe);
    this.dist.sendToAll(msg);
  }

  /**
   * libzmq's xsub_t reads a multipart message frame by frame: each frame
   * that starts with 1 or 0 subscribes or cancels (remembered for
   * reconnections); with `onlyFirstSubscribe` (ZMQ_ONLY_FIRST_SUBSCRIBE)
   * only while the frames before were subscriptions, so a message whose
   * first frame is data is data throughout. The message goes up whole.
   */
  private trackMultipart(msg: Message, onlyFirstSubscribe: boolean): void {
    let processSubscribe = !onlyFirstSubscribe;
    for (let i = 0; i < msg.length; i++) {
      const frame = msg[i];
      if (i > 0 && !processSubscribe) return;
      if (frame.length > 0 && frame[0] === 1) this.subscriptions.add(frame.subarray(1));
      else if (frame.length > 0 && frame[0] === 0) this.subscriptions.remove(frame.subarray(1));
      else continue;
      processSubscribe = true;
    }
  }

  /** Subscribes (true) or cancels `prefix` upstream. */
  subscribe(subscribe: boolean, prefix: Uint8Array): void {
    this.send(subscriptionMessage(subscribe, prefix));
  }

  /**
   * The next message; with `filter`, only one whose first frame starts with
   * a subscribed prefix (`invert`: one that does not), others are dropped.
   */
  receive(filter: boolean, invert: boolean): Message | undefined {
    const fq = this.fq;
    for (;;) {
      const msg = fq.receive();
      if (msg === undefined || !filter) return msg;
      if (this.subscriptions.matches(msg[0]) !== invert) return msg;
    }
  }

  /** Number of distinct subscribed prefixes. */
  get topicCount(): number {
    return this.subscriptions.size;
  }

  private resend(pipe: Pipe): void {
    // A full queue drops the subscription, as libzmq's send_subscription does.
    this.subscriptions.forEach((prefix) => pipe.write(subscriptionMessage(true, prefix)));
  }
}
