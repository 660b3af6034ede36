/**
 * ZeroMQ for Deno, in TypeScript: the ZMTP 3.1 wire protocol and the
 * ZeroMQ socket patterns on Deno's own networking, byte-compatible with
 * libzmq.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Pull, Push } from "@zmtp/zmq";
 *
 * const pull = new Pull();
 * await pull.bind("tcp://127.0.0.1:*");
 * const push = new Push();
 * push.connect(pull.lastEndpoint!);
 * await push.send(["hello", "world"]);
 * const [a, b] = await pull.receive();
 * assert.equal(new TextDecoder().decode(a), "hello");
 * assert.equal(new TextDecoder().decode(b), "world");
 * push.close();
 * pull.close();
 * ```
 *
 * @module
 */

export { ZmqError, type ZmqErrorCode } from "./src/errors.ts";
export type { Message, MessageLike } from "./src/message.ts";
export { ReconnectStop, type SocketOptions } from "./src/options.ts";
export type { Authenticator, ZapReply, ZapRequest } from "./src/mechanism/zap_types.ts";
export { curveKeyPair, curvePublicKey } from "./src/mechanism/curve.ts";
export { z85Decode, z85Encode } from "./src/mechanism/z85.ts";
export { messageUserId } from "./src/mechanism/zap.ts";
export { messageProperty } from "./src/pipe/properties.ts";
export type { SocketEvent, SocketEventType } from "./src/events.ts";
export type { ZmtpSocketType } from "./src/wire/socket_types.ts";
export { Context } from "./src/context.ts";
export { type ReceiveOptions, type SendOptions, SocketBase } from "./src/socket.ts";
export { Push, type PushOptions } from "./src/sockets/push.ts";
export { Pull, type PullOptions } from "./src/sockets/pull.ts";
export { Pair, type PairOptions } from "./src/sockets/pair.ts";
export { Publisher, type PublisherOptions } from "./src/sockets/publisher.ts";
export { Subscriber, type SubscriberOptions } from "./src/sockets/subscriber.ts";
export { XPublisher, type XPublisherOptions } from "./src/sockets/xpublisher.ts";
export { XSubscriber, type XSubscriberOptions } from "./src/sockets/xsubscriber.ts";
export { Request, type RequestOptions } from "./src/sockets/request.ts";
export { Reply, type ReplyOptions } from "./src/sockets/reply.ts";
export { Dealer, type DealerOptions } from "./src/sockets/dealer.ts";
export { Router, type RouterConnectOptions, type RouterOptions } from "./src/sockets/router.ts";
export { Stream, type StreamConnectOptions, type StreamOptions } from "./src/sockets/stream.ts";
export type {
  DisconnectMessageOption,
  HelloMessageOption,
  HiccupMessageOption,
} from "./src/sockets/draft_options.ts";
export { Client, type ClientOptions } from "./src/sockets/client.ts";
export { type RoutedSendOptions, Server, type ServerOptions } from "./src/sockets/server.ts";
export { Radio, type RadioOptions, type RadioSendOptions } from "./src/sockets/radio.ts";
export { Dish, type DishOptions } from "./src/sockets/dish.ts";
export { Scatter, type ScatterOptions } from "./src/sockets/scatter.ts";
export { Gather, type GatherOptions } from "./src/sockets/gather.ts";
export { Peer, type PeerConnectOptions, type PeerOptions } from "./src/sockets/peer.ts";
export { Channel, type ChannelOptions } from "./src/sockets/channel.ts";
export { messageGroup, messageRoutingId } from "./src/routing/properties.ts";
export { proxy, type ProxyOptions, ProxySideStatistics, ProxyStatistics } from "./src/proxy.ts";
export { version } from "./src/version.ts";
