/**
 * The draft message options of libzmq 4.3.5 (ZMQ_HELLO_MSG,
 * ZMQ_DISCONNECT_MSG, ZMQ_HICCUP_MSG), shared by the socket types that
 * libzmq lets use them.
 *
 * @module
 */

/** ZMQ_HELLO_MSG (Router, Dealer, Server, Client, Peer). */
export interface HelloMessageOption {
  /**
   * Sent to every peer as the first message of each new connection (again
   * after a reconnection; over inproc, when the pipe is made), before
   * anything queued: the peer learns who connected without asking.
   * Null or empty: none.
   */
  helloMessage: string | Uint8Array | null;
}

/** ZMQ_DISCONNECT_MSG (Router, Server, Peer). */
export interface DisconnectMessageOption {
  /**
   * Received by this socket, as if the peer had sent it, when a peer it
   * accepted (on a bound endpoint; over inproc, one that connected to it)
   * goes away after its handshake, so the application learns of the loss.
   * Not for peers this socket connected to (see `hiccupMessage`).
   * Null or empty: none.
   */
  disconnectMessage: string | Uint8Array | null;
}

/** ZMQ_HICCUP_MSG (Dealer, Client, Peer). */
export interface HiccupMessageOption {
  /**
   * Received by this socket, as if the peer had sent it, when the
   * connection to a peer it connected to drops after its handshake (it
   * then reconnects): a hint that messages in flight may be lost. Not over
   * inproc, as in libzmq. Null or empty: none.
   */
  hiccupMessage: string | Uint8Array | null;
}
