/**
 * Fan-out (libzmq's dist_t): one message to many pipes, each at most once,
 * never waiting. A pipe at its high-water mark stops receiving (its
 * messages are dropped) until it drains to its low-water mark, as in
 * libzmq, where such a pipe leaves the "eligible" set until it is
 * activated again.
 *
 * Choosing the pipes is a two-step affair so that the caller (a trie walk)
 * can report the same pipe several times: {@link Distributor.startMatch}
 * opens a new round, {@link Distributor.match} marks a target with the
 * round number (a second mark in the same round is ignored), and
 * {@link Distributor.sendToMatching} writes to the marked ones. The list of
 * marked targets is reused from round to round: nothing is allocated per
 * message.
 *
 * @module
 */

import type { Message } from "../message.ts";
import type { Pipe } from "../pipe/pipe.ts";
import type { MatchSink } from "./trie.ts";

/** One pipe as the distributor sees it. */
export class DistTarget {
  /** Round in which this target was last matched. */
  mark = 0;
  /** Refused a message: skipped until the pipe drains (libzmq: not eligible). */
  full = false;
  /** False once detached. */
  attached = true;
  /**
   * inproc pipes hand the message array itself to another socket's user,
   * who may change it: they get their own array (the frames are shared).
   */
  readonly ownArray: boolean;

  /** @param pipe the pipe this target writes to */
  constructor(readonly pipe: Pipe) {
    this.ownArray = pipe.endpoint.startsWith("inproc:");
  }
}

/** Sends messages to matching pipes; see the module documentation. */
export class Distributor implements MatchSink<DistTarget> {
  private readonly targets: DistTarget[] = [];
  private readonly byPipe = new Map<Pipe, DistTarget>();
  /** Targets matched in the current round: the first `matchedCount` entries. */
  private readonly matched: DistTarget[] = [];
  private matchedCount = 0;
  private round = 0;
  /** Deliveries dropped so far: one per matched pipe that was full (libzmq keeps no count). */
  dropped = 0;

  /** Starts sending to a pipe; returns its target (the trie's value for it). */
  attach(pipe: Pipe): DistTarget {
    const target = new DistTarget(pipe);
    this.targets.push(target);
    this.byPipe.set(pipe, target);
    return target;
  }

  /** Stops sending to a pipe; returns its target if it was attached. */
  detach(pipe: Pipe): DistTarget | undefined {
    const target = this.byPipe.get(pipe);
    if (target === undefined) return undefined;
    this.byPipe.delete(pipe);
    target.attached = false;
    const targets = this.targets;
    const index = targets.indexOf(target);
    const last = targets.pop()!;
    if (index < targets.length) targets[index] = last;
    return target;
  }

  /** The target of an attached pipe. */
  target(pipe: Pipe): DistTarget | undefined {
    return this.byPipe.get(pipe);
  }

  /** Number of attached pipes. */
  get size(): number {
    return this.targets.length;
  }

  /** The pipe drained to its low-water mark: send to it again. */
  activate(pipe: Pipe): void {
    const target = this.byPipe.get(pipe);
    if (target !== undefined) target.full = false;
  }

  // ---- choosing pipes ----

  /** Opens a matching round: no target is matched. */
  startMatch(): void {
    this.round++;
    this.matchedCount = 0;
  }

  /** Marks a target as matching in this round (again: no effect). */
  match(target: DistTarget): void {
    if (target.mark === this.round) return;
    target.mark = this.round;
    this.matched[this.matchedCount++] = target;
  }

  /** Turns the round around: every attached target not matched is, and vice versa. */
  invertMatch(): void {
    const round = this.round;
    this.round++;
    this.matchedCount = 0;
    const targets = this.targets;
    for (let i = 0; i < targets.length; i++) {
      if (targets[i].mark !== round) this.match(targets[i]);
    }
  }

  /** Matches every attached target. */
  matchAll(): void {
    this.startMatch();
    const targets = this.targets;
    for (let i = 0; i < targets.length; i++) this.match(targets[i]);
  }

  /**
   * True when every matched pipe can take a message now (ZMQ_XPUB_NODROP).
   * A full one is asked to report when it has room, and the round stays
   * open so the caller can retry.
   */
  matchedHaveRoom(): boolean {
    const matched = this.matched;
    for (let i = 0; i < this.matchedCount; i++) {
      const target = matched[i];
      if (target.full) return false;
      if (!target.pipe.writable) {
        target.full = true;
        target.pipe.outbound.waitForSpace();
        return false;
      }
    }
    return true;
  }

  // ---- sending ----

  /** Queues `msg` on every matched pipe with room; the others drop it (counted in {@link dropped}). */
  sendToMatching(msg: Message): void {
    const matched = this.matched;
    const count = this.matchedCount;
    for (let i = 0; i < count; i++) {
      const target = matched[i];
      if (target.full) {
        this.dropped++;
      } else if (!target.pipe.write(target.ownArray ? msg.slice() : msg)) {
        target.full = true;
        this.dropped++;
      }
    }
    this.matchedCount = 0;
  }

  /** Queues `msg` on every attached pipe with room. */
  sendToAll(msg: Message): void {
    this.matchAll();
    this.sendToMatching(msg);
  }
}
