/**
 * An in-memory multicast segment for PGM sources and receivers: packets go
 * to every other link (multicast) or to the link with an address
 * (unicast), a turn of the event loop later, and a test decides which are
 * lost.
 */
import type { PgmLink } from "../../src/session/pgm_link.ts";

/** A seeded pseudo-random source, so a lossy run can be repeated. */
export function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

export class FakeNetwork {
  readonly links: FakeLink[] = [];
  /** Returns true to lose a packet on its way to `to`. */
  drop: (packet: Uint8Array, to: FakeLink) => boolean = () => false;
  sent = 0;
  dropped = 0;
  readonly #pending = new Set<ReturnType<typeof setTimeout>>();

  link(interfaceAddress: string, group = "239.192.1.1", port = 5555): FakeLink {
    const link = new FakeLink(this, interfaceAddress, group, port);
    this.links.push(link);
    return link;
  }

  deliver(packet: Uint8Array, from: FakeLink, to: FakeLink): void {
    this.sent++;
    if (this.drop(packet, to)) {
      this.dropped++;
      return;
    }
    const copy = packet.slice();
    const timer = setTimeout(() => {
      this.#pending.delete(timer);
      if (!to.closed) to.onPacket?.(copy, from.interfaceAddress);
    }, 0);
    this.#pending.add(timer);
  }

  /** Drops the packets still on their way. */
  close(): void {
    for (const timer of this.#pending) clearTimeout(timer);
    this.#pending.clear();
  }
}

export class FakeLink implements PgmLink {
  onPacket: ((packet: Uint8Array, from: string) => void) | null = null;
  closed = false;
  constructor(
    readonly network: FakeNetwork,
    readonly interfaceAddress: string,
    readonly group: string,
    readonly port: number,
  ) {}

  multicast(packet: Uint8Array): void {
    for (const link of this.network.links) {
      if (link !== this && !link.closed && link.group === this.group) {
        this.network.deliver(packet, this, link);
      }
    }
  }

  unicast(packet: Uint8Array, address: string): void {
    for (const link of this.network.links) {
      if (link !== this && !link.closed && link.interfaceAddress === address) {
        this.network.deliver(packet, this, link);
      }
    }
  }

  close(): void {
    this.closed = true;
  }
}
