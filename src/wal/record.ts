import { crc32 } from 'node:zlib';
import type { EncodedBlock } from '../storage/interface.js';
import { ROW_TABLES, type RowTable } from '../storage/row-tables.js';

/**
 * On-disk record: [u32 payload length][u32 CRC-32 of payload][payload], little-endian.
 * Payload: [u8 kind][u32 × 6: series bytes, series rows, samples bytes, sample rows,
 * metadata bytes, metadata rows], for kind 3 then [u8 n][n × (u8 table code, u32 rows,
 * u32 bytes)], then the series, samples and metadata bytes and each table payload in order.
 */
export const RECORD_HEADER = 8;
/** 2: metrics only, samples as a Native block (1 was RowBinary samples, before version 0.1 shipped). */
const KIND_METRICS = 2;
/** 3: metrics plus payloads of other tables (ROW_TABLES codes). */
const KIND_TABLES = 3;
const PAYLOAD_HEADER = 1 + 6 * 4;

/**
 * Encodes a block as one WAL record: the header plus the block's own buffers (not copied), to be
 * written together with writev. Returns the pieces and their total length.
 */
export function encodeRecord(block: EncodedBlock): { pieces: Buffer[]; length: number } {
  const payloads = block.payloads ?? [];
  const tablesHeader = payloads.length > 0 ? 1 + payloads.length * 9 : 0;
  const head = Buffer.allocUnsafe(RECORD_HEADER + PAYLOAD_HEADER + tablesHeader);
  let p = RECORD_HEADER;
  head[p++] = payloads.length > 0 ? KIND_TABLES : KIND_METRICS;
  for (const n of [block.series.length, block.seriesRows, block.samples.length, block.sampleRows, block.metadata.length, block.metadataRows]) {
    head.writeUInt32LE(n, p);
    p += 4;
  }
  if (payloads.length > 0) {
    head[p++] = payloads.length;
    for (const t of payloads) {
      head[p++] = ROW_TABLES.indexOf(t.table);
      head.writeUInt32LE(t.rows, p);
      head.writeUInt32LE(t.data.length, p + 4);
      p += 8;
    }
  }
  const bodies = [block.series, block.samples, block.metadata, ...payloads.map((t) => t.data)];
  const payloadLen = PAYLOAD_HEADER + tablesHeader + bodies.reduce((n, b) => n + b.length, 0);
  let crc = crc32(head.subarray(RECORD_HEADER));
  // zlib's crc32 returns 0, not the running value, for an empty buffer without backing memory
  // (e.g. one transferred from a worker): empty pieces must be skipped.
  for (const piece of bodies) if (piece.length > 0) crc = crc32(piece, crc);
  head.writeUInt32LE(payloadLen, 0);
  head.writeUInt32LE(crc, 4);
  const pieces = [head, ...bodies].filter((b) => b.length > 0);
  return { pieces, length: RECORD_HEADER + payloadLen };
}

export type DecodeResult =
  | { ok: true; block: EncodedBlock; size: number }
  | { ok: false; reason: 'short' | 'checksum' | 'kind' };

/** Decodes the record at `offset`; a short or corrupt record reports why instead of throwing. */
export function decodeRecord(buf: Buffer, offset: number): DecodeResult {
  if (offset + RECORD_HEADER > buf.length) return { ok: false, reason: 'short' };
  const len = buf.readUInt32LE(offset);
  const end = offset + RECORD_HEADER + len;
  if (len < PAYLOAD_HEADER || end > buf.length) return { ok: false, reason: 'short' };
  const payload = buf.subarray(offset + RECORD_HEADER, end);
  if (crc32(payload) !== buf.readUInt32LE(offset + 4)) return { ok: false, reason: 'checksum' };
  if (payload[0] !== KIND_METRICS && payload[0] !== KIND_TABLES) return { ok: false, reason: 'kind' };
  const n = (i: number) => payload.readUInt32LE(1 + i * 4);
  let p = PAYLOAD_HEADER;
  const tables: { table: RowTable; rows: number; bytes: number }[] = [];
  if (payload[0] === KIND_TABLES) {
    const count = payload[p++]!;
    for (let i = 0; i < count; i++, p += 9) {
      const table = ROW_TABLES[payload[p]!];
      if (!table) return { ok: false, reason: 'kind' };
      tables.push({ table, rows: payload.readUInt32LE(p + 1), bytes: payload.readUInt32LE(p + 5) });
    }
  }
  const take = (size: number) => payload.subarray(p, (p += size));
  const series = take(n(0));
  const samples = take(n(2));
  const metadata = take(n(4));
  const payloads = tables.map((t) => ({ table: t.table, rows: t.rows, data: take(t.bytes) }));
  if (p !== payload.length) return { ok: false, reason: 'checksum' };
  return {
    ok: true,
    size: RECORD_HEADER + len,
    block: { series, seriesRows: n(1), samples, sampleRows: n(3), metadata, metadataRows: n(5), ...(payloads.length > 0 ? { payloads } : {}) },
  };
}
