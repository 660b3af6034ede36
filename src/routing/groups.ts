/**
 * RADIO's group table (libzmq's radio_t): which pipes joined which group,
 * exact match, and the pipes that take every group (udp).
 *
 * @module
 */

import type { Pipe } from "../pipe/pipe.ts";

/** A group's bytes as a Map key: one UTF-16 code unit per byte. */
function groupKey(group: Uint8Array): string {
  let key = "";
  for (let i = 0; i < group.length; i++) key += String.fromCharCode(group[i]);
  return key;
}

/** Pipes by joined group; see the module documentation. */
export class GroupTable {
  private readonly members = new Map<string, Set<Pipe>>();
  private readonly groupsOf = new Map<Pipe, Set<string>>();
  private readonly everything = new Set<Pipe>();

  /** A pipe that is sent every group (a udp peer). */
  addReceiverOfAll(pipe: Pipe): void {
    this.everything.add(pipe);
  }

  /** `pipe` joined `group`. */
  join(pipe: Pipe, group: Uint8Array): void {
    const key = groupKey(group);
    let set = this.members.get(key);
    if (set === undefined) this.members.set(key, set = new Set());
    set.add(pipe);
    let groups = this.groupsOf.get(pipe);
    if (groups === undefined) this.groupsOf.set(pipe, groups = new Set());
    groups.add(key);
  }

  /** `pipe` left `group`. */
  leave(pipe: Pipe, group: Uint8Array): void {
    const key = groupKey(group);
    const set = this.members.get(key);
    if (set !== undefined && set.delete(pipe) && set.size === 0) this.members.delete(key);
    this.groupsOf.get(pipe)?.delete(key);
  }

  /** Forgets every group of `pipe` (it went away, or reconnected and will join again). */
  forget(pipe: Pipe): void {
    this.everything.delete(pipe);
    const groups = this.groupsOf.get(pipe);
    if (groups === undefined) return;
    this.groupsOf.delete(pipe);
    for (const key of groups) {
      const set = this.members.get(key);
      if (set !== undefined && set.delete(pipe) && set.size === 0) this.members.delete(key);
    }
  }

  /** Calls `visit` for every pipe that should receive a message of `group`. */
  forEachMatching(group: Uint8Array, visit: (pipe: Pipe) => void): void {
    const set = this.members.get(groupKey(group));
    if (set !== undefined) { for (const pipe of set) visit(pipe); }
    for (const pipe of this.everything) visit(pipe);
  }
}
