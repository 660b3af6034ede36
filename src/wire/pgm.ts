/**
 * PGM packets (RFC 3208) as OpenPGM puts them in UDP datagrams for
 * `epgm://`: the common header, SPM, ODATA/RDATA, NAK/N-NAK/NCF with
 * OPT_NAK_LIST, SPMR, OPT_FIN on SPMs, and the Internet checksum. Pure:
 * bytes in, records out, and back. Only IPv4 NLAs (AFI 1) are produced;
 * packets with other address families are not accepted.
 *
 * @module
 */

/** Packet types (RFC 3208 section 8, 13.6). */
export const PGM_SPM = 0x00;
export const PGM_ODATA = 0x04;
export const PGM_RDATA = 0x05;
export const PGM_NAK = 0x08;
export const PGM_NNAK = 0x09;
export const PGM_NCF = 0x0a;
export const PGM_SPMR = 0x0c;

/** Header `options` bits. */
const OPT_PRESENT = 0x01;
const OPT_NETWORK = 0x02;
const OPT_PARITY = 0x80;

/** Option types; the top bit of the type marks the last option. */
const OPT_LENGTH = 0x00;
const OPT_FRAGMENT = 0x01;
const OPT_NAK_LIST = 0x02;
const OPT_FIN = 0x0e;
const OPT_END = 0x80;
const OPT_TYPE_MASK = 0x7f;

const AFI_IP = 1;

/** Bytes of the common header, and of the fixed part of each packet type. */
export const PGM_HEADER_SIZE = 16;
const SPM_SIZE = 20;
const DATA_SIZE = 8;
const NAK_SIZE = 20;

/** A NAK carries at most 63 sequence numbers: one plus 62 in OPT_NAK_LIST. */
export const MAX_NAK_SQNS = 63;

/** What every packet carries: ports, the source's GSI. */
export interface PgmHeader {
  /** Downstream: the source's TSI port. Upstream (NAK, SPMR): the data port. */
  sourcePort: number;
  /** Downstream: the data (endpoint) port. Upstream: the source's TSI port. */
  destinationPort: number;
  /** Global source id, 6 bytes: with the source's port it names a source (TSI). */
  gsi: Uint8Array;
}

/** Source path message: the source's window edges and unicast address. */
export interface PgmSpm extends PgmHeader {
  type: typeof PGM_SPM;
  sqn: number;
  trail: number;
  lead: number;
  /** The source's IPv4 address, where NAKs go. */
  nla: string;
  /** OPT_FIN: the source is closing. */
  fin: boolean;
}

/** Original or repair data: one TSDU (for libzmq, one APDU). */
export interface PgmData extends PgmHeader {
  type: typeof PGM_ODATA | typeof PGM_RDATA;
  sqn: number;
  trail: number;
  /** The payload, a view into the datagram. */
  tsdu: Uint8Array;
  /** OPT_FRAGMENT present: part of a fragmented APDU (libzmq never sends these). */
  fragment: boolean;
}

/** NAK, N-NAK or NCF: the sequence numbers asked for / confirmed. */
export interface PgmNak extends PgmHeader {
  type: typeof PGM_NAK | typeof PGM_NNAK | typeof PGM_NCF;
  /** The first from the fixed part, then those of OPT_NAK_LIST. */
  sqns: number[];
  /** The source's unicast address. */
  sourceNla: string;
  /** The multicast group. */
  groupNla: string;
  /** Parity NAKs ask for FEC packets, which this library does not produce. */
  parity: boolean;
}

/** SPM request: a receiver asks a source for an SPM. */
export interface PgmSpmr extends PgmHeader {
  type: typeof PGM_SPMR;
}

/** Every packet this library understands. */
export type PgmPacket = PgmSpm | PgmData | PgmNak | PgmSpmr;

/**
 * One's-complement sum of `bytes` as big-endian 16-bit words (an odd last
 * byte is padded with zero), not yet folded or inverted.
 */
function onesComplementSum(bytes: Uint8Array, sum = 0): number {
  const end = bytes.length & ~1;
  for (let i = 0; i < end; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (bytes.length & 1) sum += bytes[end] << 8;
  return sum;
}

/**
 * The checksum OpenPGM puts in and expects in the header: the Internet
 * checksum of the whole packet with the checksum field zero, except that a
 * sum of 0xffff is sent as 0xffff (0 means "no checksum").
 */
export function pgmChecksum(packet: Uint8Array): number {
  let sum = onesComplementSum(packet);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff ? sum : ~sum & 0xffff;
}

function writeHeader(
  out: Uint8Array,
  view: DataView,
  type: number,
  options: number,
  h: PgmHeader,
  tsduLength: number,
): void {
  view.setUint16(0, h.sourcePort);
  view.setUint16(2, h.destinationPort);
  out[4] = type;
  out[5] = options;
  out.set(h.gsi.subarray(0, 6), 8);
  view.setUint16(14, tsduLength);
}

function sealChecksum(out: Uint8Array, view: DataView): Uint8Array {
  view.setUint16(6, 0);
  view.setUint16(6, pgmChecksum(out));
  return out;
}

function writeIpv4(view: DataView, offset: number, address: string): void {
  const parts = address.split(".");
  view.setUint16(offset, AFI_IP);
  view.setUint16(offset + 2, 0);
  for (let i = 0; i < 4; i++) view.setUint8(offset + 4 + i, Number(parts[i]) & 0xff);
}

function readIpv4(bytes: Uint8Array, offset: number): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** An SPM as OpenPGM sends it (with OPT_FIN when the source closes). */
export function encodeSpm(
  spm: PgmHeader & { sqn: number; trail: number; lead: number; nla: string; fin?: boolean },
): Uint8Array {
  const optionsSize = spm.fin ? 8 : 0;
  const out = new Uint8Array(PGM_HEADER_SIZE + SPM_SIZE + optionsSize);
  const view = new DataView(out.buffer);
  writeHeader(out, view, PGM_SPM, spm.fin ? OPT_PRESENT : 0, spm, 0);
  view.setUint32(16, spm.sqn >>> 0);
  view.setUint32(20, spm.trail >>> 0);
  view.setUint32(24, spm.lead >>> 0);
  writeIpv4(view, 28, spm.nla);
  if (spm.fin) {
    out.set([OPT_LENGTH, 4, 0, 8, OPT_FIN | OPT_END, 4, 0, 0], 36);
  }
  return sealChecksum(out, view);
}

/** An ODATA or RDATA packet around one TSDU (copied into the packet). */
export function encodeData(
  type: typeof PGM_ODATA | typeof PGM_RDATA,
  h: PgmHeader,
  sqn: number,
  trail: number,
  tsdu: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(PGM_HEADER_SIZE + DATA_SIZE + tsdu.length);
  const view = new DataView(out.buffer);
  writeHeader(out, view, type, 0, h, tsdu.length);
  view.setUint32(16, sqn >>> 0);
  view.setUint32(20, trail >>> 0);
  out.set(tsdu, PGM_HEADER_SIZE + DATA_SIZE);
  return sealChecksum(out, view);
}

/**
 * Turns an ODATA packet into the RDATA that repairs it, in place: type and
 * trailing edge change, the checksum is updated.
 */
export function toRepair(odata: Uint8Array, trail: number): Uint8Array {
  const view = new DataView(odata.buffer, odata.byteOffset, odata.byteLength);
  odata[4] = PGM_RDATA;
  view.setUint32(20, trail >>> 0);
  return sealChecksum(odata, view);
}

/**
 * A NAK or NCF for one sequence number, or for up to 63 with OPT_NAK_LIST
 * (OpenPGM then sets the network-significant option bit, as here).
 */
export function encodeNak(
  type: typeof PGM_NAK | typeof PGM_NNAK | typeof PGM_NCF,
  h: PgmHeader,
  sqns: readonly number[],
  sourceNla: string,
  groupNla: string,
): Uint8Array {
  if (sqns.length < 1 || sqns.length > MAX_NAK_SQNS) {
    throw new RangeError(`a NAK carries 1 to ${MAX_NAK_SQNS} sequence numbers`);
  }
  const listSize = sqns.length > 1 ? 4 + 4 + 4 * (sqns.length - 1) : 0;
  const out = new Uint8Array(PGM_HEADER_SIZE + NAK_SIZE + listSize);
  const view = new DataView(out.buffer);
  writeHeader(out, view, type, listSize ? OPT_PRESENT | OPT_NETWORK : 0, h, 0);
  view.setUint32(16, sqns[0] >>> 0);
  writeIpv4(view, 20, sourceNla);
  writeIpv4(view, 28, groupNla);
  if (listSize) {
    const at = PGM_HEADER_SIZE + NAK_SIZE;
    out[at] = OPT_LENGTH;
    out[at + 1] = 4;
    view.setUint16(at + 2, listSize);
    out[at + 4] = OPT_NAK_LIST | OPT_END;
    out[at + 5] = listSize - 4;
    for (let i = 1; i < sqns.length; i++) view.setUint32(at + 4 + 4 * i, sqns[i] >>> 0);
  }
  return sealChecksum(out, view);
}

/** An SPM request: the header alone. */
export function encodeSpmr(h: PgmHeader): Uint8Array {
  const out = new Uint8Array(PGM_HEADER_SIZE);
  const view = new DataView(out.buffer);
  writeHeader(out, view, PGM_SPMR, 0, h, 0);
  return sealChecksum(out, view);
}

/** The options area after the fixed part: which ones are present, bounds-checked. */
interface ParsedOptions {
  end: number;
  fin: boolean;
  fragment: boolean;
  nakList: number[];
}

function parseOptions(
  bytes: Uint8Array,
  view: DataView,
  at: number,
  limit: number,
): ParsedOptions | null {
  // OPT_LENGTH comes first and gives the total length of all options.
  if (at + 4 > limit || bytes[at] !== OPT_LENGTH || bytes[at + 1] !== 4) return null;
  const total = view.getUint16(at + 2);
  const end = at + total;
  if (total < 4 || end > limit) return null;
  const result: ParsedOptions = { end, fin: false, fragment: false, nakList: [] };
  let pos = at + 4;
  for (let count = 0; pos < end && count < 16; count++) {
    if (pos + 2 > end) return null;
    const type = bytes[pos];
    const length = bytes[pos + 1];
    if (length < 4 || pos + length > end) return null;
    switch (type & OPT_TYPE_MASK) {
      case OPT_FIN:
        result.fin = true;
        break;
      case OPT_FRAGMENT:
        result.fragment = true;
        break;
      case OPT_NAK_LIST:
        for (let p = pos + 4; p + 4 <= pos + length; p += 4) {
          result.nakList.push(view.getUint32(p));
        }
        if (result.nakList.length > MAX_NAK_SQNS - 1) return null;
        break;
    }
    pos += length;
    if (type & OPT_END) break;
  }
  return result;
}

/**
 * Parses one UDP payload as a PGM packet. Returns null for anything
 * malformed, failing its checksum, without a checksum where OpenPGM demands
 * one (ODATA/RDATA), or of a type or address family this library ignores.
 */
export function parsePgm(bytes: Uint8Array): PgmPacket | null {
  if (bytes.length < PGM_HEADER_SIZE) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = bytes[4];
  const options = bytes[5];
  const checksum = view.getUint16(6);
  if (checksum === 0) {
    if (type === PGM_ODATA || type === PGM_RDATA) return null;
  } else {
    let sum = onesComplementSum(bytes) - checksum;
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    const expected = sum === 0xffff ? sum : ~sum & 0xffff;
    if (expected !== checksum) return null;
  }
  const header: PgmHeader = {
    sourcePort: view.getUint16(0),
    destinationPort: view.getUint16(2),
    gsi: bytes.subarray(8, 14),
  };
  const tsduLength = view.getUint16(14);
  const hasOptions = (options & OPT_PRESENT) !== 0;
  switch (type) {
    case PGM_SPM: {
      const fixedEnd = PGM_HEADER_SIZE + SPM_SIZE;
      if (bytes.length < fixedEnd || view.getUint16(28) !== AFI_IP) return null;
      const opts = hasOptions ? parseOptions(bytes, view, fixedEnd, bytes.length) : null;
      if (hasOptions && !opts) return null;
      return {
        type,
        ...header,
        sqn: view.getUint32(16),
        trail: view.getUint32(20),
        lead: view.getUint32(24),
        nla: readIpv4(bytes, 32),
        fin: opts?.fin ?? false,
      };
    }
    case PGM_ODATA:
    case PGM_RDATA: {
      let start = PGM_HEADER_SIZE + DATA_SIZE;
      if (bytes.length < start) return null;
      let fragment = false;
      if (hasOptions) {
        const opts = parseOptions(bytes, view, start, bytes.length);
        if (!opts) return null;
        start = opts.end;
        fragment = opts.fragment;
      }
      if (bytes.length - start !== tsduLength) return null;
      return {
        type,
        ...header,
        sqn: view.getUint32(16),
        trail: view.getUint32(20),
        tsdu: bytes.subarray(start),
        fragment,
      };
    }
    case PGM_NAK:
    case PGM_NNAK:
    case PGM_NCF: {
      const fixedEnd = PGM_HEADER_SIZE + NAK_SIZE;
      if (bytes.length < fixedEnd) return null;
      if (view.getUint16(20) !== AFI_IP || view.getUint16(28) !== AFI_IP) return null;
      const opts = hasOptions ? parseOptions(bytes, view, fixedEnd, bytes.length) : null;
      if (hasOptions && !opts) return null;
      return {
        type,
        ...header,
        sqns: [view.getUint32(16), ...(opts?.nakList ?? [])],
        sourceNla: readIpv4(bytes, 24),
        groupNla: readIpv4(bytes, 32),
        parity: (options & OPT_PARITY) !== 0,
      };
    }
    case PGM_SPMR:
      return { type, ...header };
    default:
      return null;
  }
}

/** Sequence numbers compare in serial arithmetic (RFC 1982): a before b. */
export function sqnBefore(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** `a - b` in sequence space (may be negative). */
export function sqnDistance(a: number, b: number): number {
  return (a - b) | 0;
}

/** A map key naming a source: GSI and source port (the TSI). */
export function tsiKey(gsi: Uint8Array, sourcePort: number): string {
  let key = "";
  for (let i = 0; i < 6; i++) key += gsi[i].toString(16).padStart(2, "0");
  return `${key}.${sourcePort}`;
}
