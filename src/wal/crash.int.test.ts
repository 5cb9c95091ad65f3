import { afterAll, describe, expect, it } from 'vitest';
import { startChild, stopChild, type ChildServer } from '../../test/child-server.js';
import { encodeV1, snappy } from '../../test/remote-write-proto.js';
import { tempDir } from '../../test/tmp.js';

// Four senders write remote_write requests as fast as the server acknowledges them; the server
// is SIGKILLed mid-stream, twice. After a restart every acknowledged sample must be readable.
const dir = tempDir('crash');
const SERIES = 100;
const T0 = Date.now() - 48 * 3_600_000;
let child: ChildServer | undefined;

afterAll(async () => {
  if (child) await stopChild(child, 'SIGKILL');
  dir.remove();
});

/** Sends until stopped; returns the sequence numbers the server acknowledged with 204. */
async function sender(url: string, id: number, startSeq: number, stop: { now: boolean }): Promise<number[]> {
  const acked: number[] = [];
  for (let seq = startSeq; !stop.now; seq++) {
    const body = snappy(encodeV1(Array.from({ length: SERIES }, (_, s) => ({
      labels: { __name__: 'crash_test', sender: String(id), s: String(s) },
      samples: [{ value: seq, timestamp: T0 + seq * 1000 }],
    }))));
    try {
      const res = await fetch(`${url}/api/v1/write`, { method: 'POST', body, headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' } });
      if (res.status === 204) acked.push(seq);
    } catch {
      return acked; // connection dropped by the kill: not acknowledged
    }
  }
  return acked;
}

describe('durability', () => {
  it('loses no acknowledged sample when the server is SIGKILLed under load', async () => {
    const acked = new Map<number, number[]>();
    let nextSeq = 0;
    for (let round = 0; round < 2; round++) {
      child = await startChild(dir.path);
      const stop = { now: false };
      const runs = [0, 1, 2, 3].map((id) => sender(child!.url, id, nextSeq, stop));
      await new Promise((r) => setTimeout(r, 1200 + round * 500));
      process.kill(child.proc.pid!, 'SIGKILL');
      stop.now = true;
      const results = await Promise.all(runs);
      results.forEach((seqs, id) => { acked.set(id, [...(acked.get(id) ?? []), ...seqs]); });
      nextSeq += 20_000;
      await stopChild(child, 'SIGKILL');
    }
    const total = [...acked.values()].reduce((n, s) => n + s.length, 0);
    expect(total).toBeGreaterThan(10);

    child = await startChild(dir.path);
    const missing: string[] = [];
    for (let attempt = 0; attempt < 50; attempt++) {
      missing.length = 0;
      const text = await (await fetch(`${child.url}/api/v1/export?match[]=crash_test&start=0`)).text();
      const stored = new Map<string, Set<number>>();
      for (const line of text.split('\n').filter(Boolean)) {
        const { metric, values } = JSON.parse(line) as { metric: Record<string, string>; values: number[] };
        stored.set(`${metric.sender}/${metric.s}`, new Set(values));
      }
      for (const [id, seqs] of acked) {
        for (let s = 0; s < SERIES; s++) {
          const have = stored.get(`${id}/${s}`);
          for (const seq of seqs) if (!have?.has(seq)) missing.push(`sender ${id} series ${s} seq ${seq}`);
        }
      }
      if (missing.length === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (missing.length > 0) console.log(`missing ${missing.length}; server said: ${child.output()}`);
    expect(missing.slice(0, 10)).toEqual([]);
    // Nothing was stored twice either: each acknowledged (series, seq) appears exactly once.
    const text = await (await fetch(`${child.url}/api/v1/export?match[]=crash_test{sender="0",s="0"}&start=0`)).text();
    const values = (JSON.parse(text) as { values: number[] }).values;
    expect(new Set(values).size).toBe(values.length);
    await stopChild(child, 'SIGTERM');
    child = undefined;
  });
});
