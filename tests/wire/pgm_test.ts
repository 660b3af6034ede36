import assert from "node:assert/strict";
import {
  encodeData,
  encodeNak,
  encodeSpm,
  encodeSpmr,
  parsePgm,
  PGM_NAK,
  PGM_NCF,
  PGM_ODATA,
  PGM_RDATA,
  PGM_SPM,
  PGM_SPMR,
  pgmChecksum,
  type PgmData,
  type PgmNak,
  type PgmSpm,
  sqnBefore,
  toRepair,
  tsiKey,
} from "../../src/wire/pgm.ts";
import { CAPTURED } from "./pgm_fixtures.ts";

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g)!.map((b) => parseInt(b, 16)));
}
function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const GSI = hex("b7c6d1bc038a");

Deno.test("pgm: libzmq's SPM parses to its window edges and address", () => {
  const spm = parsePgm(hex(CAPTURED.spm)) as PgmSpm;
  assert.equal(spm.type, PGM_SPM);
  assert.equal(spm.sourcePort, 0x9a41);
  assert.equal(spm.destinationPort, 5555);
  assert.deepEqual(spm.gsi, GSI);
  assert.equal(spm.sqn, 0);
  assert.equal(spm.trail, 0);
  assert.equal(spm.lead, 0xffffffff);
  assert.equal(spm.nla, "10.77.0.1");
  assert.equal(spm.fin, false);
});

Deno.test("pgm: an SPM encodes to the bytes libzmq sent", () => {
  const bytes = encodeSpm({
    sourcePort: 0x9a41,
    destinationPort: 5555,
    gsi: GSI,
    sqn: 0,
    trail: 0,
    lead: 0xffffffff,
    nla: "10.77.0.1",
  });
  assert.equal(toHex(bytes), CAPTURED.spm);
});

Deno.test("pgm: the closing SPM carries OPT_FIN and encodes byte for byte", () => {
  const spm = parsePgm(hex(CAPTURED.spmFin)) as PgmSpm;
  assert.equal(spm.fin, true);
  assert.equal(spm.sqn, 9);
  assert.equal(spm.lead, 3);
  assert.equal(toHex(encodeSpm({ ...spm, fin: true })), CAPTURED.spmFin);
});

Deno.test("pgm: libzmq's ODATA parses and re-encodes byte for byte", () => {
  for (const key of ["odataFirst", "odataSecond", "odataThird", "odataLast"] as const) {
    const data = parsePgm(hex(CAPTURED[key])) as PgmData;
    assert.equal(data.type, PGM_ODATA);
    assert.equal(data.fragment, false);
    const again = encodeData(PGM_ODATA, data, data.sqn, data.trail, data.tsdu);
    assert.equal(toHex(again), CAPTURED[key], key);
  }
  const first = parsePgm(hex(CAPTURED.odataFirst)) as PgmData;
  assert.equal(first.sqn, 0);
  assert.equal(first.tsdu.length, 1428);
});

Deno.test("pgm: an RDATA made from ODATA has the repair type and a valid checksum", () => {
  const rdata = parsePgm(hex(CAPTURED.rdata)) as PgmData;
  assert.equal(rdata.type, PGM_RDATA);
  const odata = encodeData(PGM_ODATA, rdata, rdata.sqn, 0, rdata.tsdu);
  assert.equal(toHex(toRepair(odata, rdata.trail)), CAPTURED.rdata);
});

Deno.test("pgm: NAKs with and without OPT_NAK_LIST parse and encode as OpenPGM's", () => {
  const list = parsePgm(hex(CAPTURED.nakList)) as PgmNak;
  assert.equal(list.type, PGM_NAK);
  assert.deepEqual(list.sqns, [9, 12]);
  assert.equal(list.sourceNla, "10.77.0.1");
  assert.equal(list.groupNla, "239.192.1.1");
  assert.equal(list.sourcePort, 5555);
  assert.equal(
    toHex(encodeNak(PGM_NAK, list, list.sqns, "10.77.0.1", "239.192.1.1")),
    CAPTURED.nakList,
  );
  const single = parsePgm(hex(CAPTURED.nak)) as PgmNak;
  assert.deepEqual(single.sqns, [9]);
  assert.equal(toHex(encodeNak(PGM_NAK, single, [9], "10.77.0.1", "239.192.1.1")), CAPTURED.nak);
});

Deno.test("pgm: NCFs parse, ignoring the uninitialised reserved byte OpenPGM leaves in the list", () => {
  const list = parsePgm(hex(CAPTURED.ncfList)) as PgmNak;
  assert.equal(list.type, PGM_NCF);
  assert.deepEqual(list.sqns, [9, 12]);
  const single = parsePgm(hex(CAPTURED.ncf)) as PgmNak;
  assert.deepEqual(single.sqns, [9]);
  assert.equal(toHex(encodeNak(PGM_NCF, single, [9], "10.77.0.1", "239.192.1.1")), CAPTURED.ncf);
});

Deno.test("pgm: an SPMR is the bare header with upstream ports", () => {
  const bytes = encodeSpmr({ sourcePort: 5555, destinationPort: 0x347c, gsi: GSI });
  assert.equal(bytes.length, 16);
  const spmr = parsePgm(bytes)!;
  assert.equal(spmr.type, PGM_SPMR);
  assert.equal(spmr.destinationPort, 0x347c);
});

Deno.test("pgm: a corrupted byte fails the checksum and the packet is dropped", () => {
  const bytes = hex(CAPTURED.odataLast);
  bytes[100] ^= 0x01;
  assert.equal(parsePgm(bytes), null);
});

Deno.test("pgm: ODATA without a checksum is refused, an SPM without one is accepted", () => {
  const data = hex(CAPTURED.odataLast);
  data[6] = data[7] = 0;
  assert.equal(parsePgm(data), null);
  const spm = hex(CAPTURED.spm);
  spm[6] = spm[7] = 0;
  assert.equal((parsePgm(spm) as PgmSpm).nla, "10.77.0.1");
});

Deno.test("pgm: a sum of 0xffff is sent as 0xffff, never as 0 (no checksum)", () => {
  // Header words summing to 0xffff with the checksum field zero.
  const packet = new Uint8Array(16);
  packet[0] = 0xff;
  packet[1] = 0xff;
  assert.equal(pgmChecksum(packet), 0xffff);
  packet[0] = 0x12;
  assert.equal(pgmChecksum(packet), ~0x12ff & 0xffff);
});

Deno.test("pgm: truncated and hostile packets parse to null, never throw", () => {
  const samples = Object.values(CAPTURED).map(hex);
  for (const sample of samples) {
    for (let length = 0; length < Math.min(sample.length, 60); length++) {
      const cut = sample.slice(0, length);
      assert.doesNotThrow(() => parsePgm(cut));
    }
  }
  // OPT_LENGTH claiming more options than the packet holds.
  const nak = hex(CAPTURED.nakList);
  nak[38] = 0xff;
  nak[6] = nak[7] = 0;
  assert.equal(parsePgm(nak), null);
  // Unknown packet type.
  const spmr = encodeSpmr({ sourcePort: 1, destinationPort: 2, gsi: GSI });
  spmr[4] = 0x0d;
  spmr[6] = spmr[7] = 0;
  assert.equal(parsePgm(spmr), null);
});

Deno.test("pgm: random bytes never make the parser throw", () => {
  for (let i = 0; i < 2000; i++) {
    const bytes = crypto.getRandomValues(new Uint8Array(16 + (i % 80)));
    bytes[6] = bytes[7] = 0;
    bytes[4] = [0, 4, 5, 8, 10, 12][i % 6];
    bytes[5] = i & 1;
    assert.doesNotThrow(() => parsePgm(bytes));
  }
});

Deno.test("pgm: sequence numbers compare across the 2^32 wrap", () => {
  assert.equal(sqnBefore(0xffffffff, 0), true);
  assert.equal(sqnBefore(0, 0xffffffff), false);
  assert.equal(sqnBefore(5, 6), true);
  assert.equal(sqnBefore(6, 6), false);
});

Deno.test("pgm: a TSI key tells sources apart by GSI and port, not address", () => {
  assert.equal(tsiKey(GSI, 0x9a41), "b7c6d1bc038a.39489");
  assert.notEqual(tsiKey(GSI, 1), tsiKey(GSI, 2));
});
