import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeV1, snappy } from '../../test/remote-write-proto.js';
import { startTestServer } from '../../test/server.js';

// A server whose WAL may hold almost nothing unstored, and whose batcher waits an hour: the
// second request must be refused with 503 + Retry-After, and everything else keeps working.
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer('wal:\n  max_pending: 1\nbatcher:\n  flush_interval: 1h\n  max_rows: 100000000\n');
});
afterAll(async () => {
  await server.cleanup(); // stop() is idempotent; this removes the data directory
});

const write = (v: number) => fetch(`${server.url}/api/v1/write`, {
  method: 'POST',
  headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf' },
  body: snappy(encodeV1([{ labels: { __name__: 'pressure', v: String(v) }, samples: [{ value: v, timestamp: Date.now() }] }])),
});

describe('ingest backpressure', () => {
  it('answers 503 with Retry-After once the WAL holds too much unstored data', async () => {
    expect((await write(1)).status).toBe(204);
    const refused = await write(2);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ status: 'error', code: 'OVERLOADED' });
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'unhealthy', components: { wal: { ok: false } } });
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
  });

  it('stores the accepted data on shutdown (flush); the refused data never arrived', async () => {
    await server.stop();
    const restarted = await startTestServer('', { dataDir: server.dataDir });
    try {
      const res = await fetch(`${restarted.url}/api/v1/series?match[]=pressure`);
      expect(((await res.json()) as { data: unknown[] }).data).toEqual([{ __name__: 'pressure', v: '1' }]);
    } finally {
      await restarted.cleanup();
    }
  });
});
