import { parseStreamSelector, LogqlError } from '../../logs/logql.js';
import { sub, text } from '../otlp/proto.js';
import { ProtobufError, Reader, WIRE_VARINT } from '../remote-write/protobuf.js';

/** One stream of a Loki push: its labels and entries (time in ns, line, structured metadata). */
export interface LokiStream {
  labels: [string, string][];
  entries: { timeNs: bigint; line: string; metadata: [string, string][] }[];
}

export class LokiPushError extends Error {
  override readonly name = 'LokiPushError';
}

function labelsOf(selector: string): [string, string][] {
  try {
    const matchers = parseStreamSelector(selector);
    for (const m of matchers) if (m.op !== '=') throw new LokiPushError(`stream labels ${selector}: only = is allowed`);
    return matchers.map((m) => [m.name, m.value]);
  } catch (err) {
    if (err instanceof LogqlError) throw new LokiPushError(`stream labels ${selector}: ${err.message}`);
    throw err;
  }
}

/**
 * Loki's JSON push body: `{"streams":[{"stream":{…},"values":[["<ns>","<line>",{metadata}?]]}]}`.
 * Throws LokiPushError naming the first thing that does not fit.
 */
export function decodePushJson(body: unknown): LokiStream[] {
  const root = body as { streams?: unknown };
  if (typeof root !== 'object' || root === null || !Array.isArray(root.streams)) throw new LokiPushError('the body must be an object with a "streams" array');
  return (root.streams as unknown[]).map((s, i) => {
    const where = `streams[${i}]`;
    const o = (s ?? {}) as { stream?: unknown; values?: unknown };
    const stream = o.stream ?? {};
    if (typeof stream !== 'object' || Array.isArray(stream) || Object.values(stream).some((v) => typeof v !== 'string')) throw new LokiPushError(`${where}.stream: must be an object of strings`);
    if (!Array.isArray(o.values)) throw new LokiPushError(`${where}.values: must be an array`);
    return {
      labels: Object.entries(stream as Record<string, string>),
      entries: (o.values as unknown[]).map((v, j) => {
        const w = `${where}.values[${j}]`;
        if (!Array.isArray(v) || v.length < 2 || v.length > 3) throw new LokiPushError(`${w}: must be ["<unix ns>", "<line>"] or with a third element of structured metadata`);
        const [ts, line, meta] = v as unknown[];
        if (typeof ts !== 'string' || !/^\d+$/.test(ts)) throw new LokiPushError(`${w}[0]: the timestamp must be a string of Unix nanoseconds`);
        if (typeof line !== 'string') throw new LokiPushError(`${w}[1]: the line must be a string`);
        const metadata = meta === undefined || meta === null ? {} : meta;
        if (typeof metadata !== 'object' || Array.isArray(metadata)) throw new LokiPushError(`${w}[2]: structured metadata must be an object`);
        return { timeNs: BigInt(ts), line, metadata: Object.entries(metadata as Record<string, unknown>).map(([k, x]): [string, string] => [k, typeof x === 'string' ? x : JSON.stringify(x)]) };
      }),
    };
  });
}

/**
 * Loki's protobuf push body (already snappy-decompressed): PushRequest { streams 1: { labels 1
 * (a selector string), entries 2: { timestamp 1 { seconds 1, nanos 2 }, line 2,
 * structuredMetadata 3 { name 1, value 2 } } } }.
 */
export function decodePushProto(body: Buffer): LokiStream[] {
  const out: LokiStream[] = [];
  const r = new Reader(body);
  while (!r.done) {
    const tag = r.uint32();
    if (tag >>> 3 !== 1) {
      r.skip(tag & 7);
      continue;
    }
    const stream: LokiStream = { labels: [], entries: [] };
    let selector = '';
    sub(r, tag & 7, 'StreamAdapter', (x, f, w) => {
      if (f === 1) selector = text(x, w, 'labels');
      else if (f === 2) {
        const e = { timeNs: 0n, line: '', metadata: [] as [string, string][] };
        sub(x, w, 'EntryAdapter', (y, f2, w2) => {
          if (f2 === 1) {
            let seconds = 0n;
            let nanos = 0;
            sub(y, w2, 'Timestamp', (z, f3, w3) => {
              if (w3 !== WIRE_VARINT) throw new ProtobufError(`Timestamp field ${f3}: wire type ${w3}`);
              if (f3 === 1) seconds = BigInt(z.int64());
              else if (f3 === 2) nanos = z.uint32();
              else return false;
              return true;
            });
            e.timeNs = seconds * 1_000_000_000n + BigInt(nanos);
          } else if (f2 === 2) e.line = text(y, w2, 'line');
          else if (f2 === 3) {
            let name = '';
            let value = '';
            sub(y, w2, 'LabelPairAdapter', (z, f3, w3) => {
              if (f3 === 1) name = text(z, w3, 'name');
              else if (f3 === 2) value = text(z, w3, 'value');
              else return false;
              return true;
            });
            e.metadata.push([name, value]);
          } else return false;
          return true;
        });
        stream.entries.push(e);
      } else return false;
      return true;
    });
    if (r.pos > r.end) throw new ProtobufError('truncated stream');
    stream.labels = labelsOf(selector);
    out.push(stream);
  }
  return out;
}
