/**
 * What a PGM source or receiver needs from the network: send to the group,
 * send to one address, hear datagrams on the data port. The epgm transport
 * implements it over Deno's UDP sockets; tests implement it in memory.
 *
 * @module
 */

/** One endpoint's view of a PGM network (all traffic uses the data port). */
export interface PgmLink {
  /** The unicast address of the interface: the source's NLA in SPMs. */
  readonly interfaceAddress: string;
  /** The multicast group. */
  readonly group: string;
  /** The data port: the UDP port of every PGM datagram, and the PGM destination port. */
  readonly port: number;
  /** Sends a packet to the group. */
  multicast(packet: Uint8Array): void;
  /** Sends a packet to one host (NAKs to a source, SPMRs). */
  unicast(packet: Uint8Array, address: string): void;
  /** Called with each datagram heard on the data port and the sender's address. */
  onPacket: ((packet: Uint8Array, from: string) => void) | null;
  /** Stops sending and hearing. */
  close(): void;
}

/**
 * Timings and sizes libzmq gives OpenPGM (pgm_socket.cpp); the names are
 * OpenPGM's socket options.
 */
export const PGM_TIMING = {
  /** PGM_SPMR_EXPIRY: wait this long for an SPM from a new source before asking (SPMR). */
  spmrExpiry: 25,
  /** PGM_NAK_BO_IVL: a NAK waits a random time up to this after a gap is seen. */
  nakBackoffInterval: 50,
  /** PGM_NAK_RPT_IVL: no NCF this long after a NAK: NAK again. */
  nakRepeatInterval: 200,
  /** PGM_NAK_RDATA_IVL: no RDATA this long after an NCF: NAK again. */
  nakRdataInterval: 200,
  /** PGM_NAK_DATA_RETRIES and PGM_NAK_NCF_RETRIES. */
  nakRetries: 50,
  /** PGM_PEER_EXPIRY: a source silent this long is forgotten. */
  peerExpiry: 300_000,
  /** PGM_AMBIENT_SPM. */
  ambientSpm: 30_000,
  /** PGM_HEARTBEAT_SPM: SPMs after the last data packet, at these intervals. */
  heartbeatSpm: [100, 100, 100, 100, 1300, 7000, 16000, 25000, 30000],
} as const;

/** IPv4 and UDP header bytes OpenPGM adds to each packet when it counts the rate. */
export const IP_UDP_HEADER_SIZE = 28;

/**
 * The largest APDU libzmq puts in one packet (PGM_MSS, what pgm_sender
 * sizes its buffer with): the TPDU less IPv4, UDP, the PGM and data
 * headers, and room for OPT_LENGTH + OPT_FRAGMENT (never sent). 1428 at
 * the default 1500.
 */
export function maxApduSize(maxTpdu: number): number {
  return maxTpdu - IP_UDP_HEADER_SIZE - 16 - 8 - 4 - 16;
}

/**
 * Window size in packets, as libzmq's compute_sqns: the bytes `rate`
 * (kbit/s, integer-divided by 8 to bytes/ms) sends in `recoveryInterval`
 * ms, in TPDUs; at least one. About 80 at the defaults.
 */
export function windowSqns(rate: number, recoveryInterval: number, maxTpdu: number): number {
  const bytesPerMs = Math.floor(rate / 8);
  return Math.max(1, Math.floor((recoveryInterval * bytesPerMs) / maxTpdu));
}
