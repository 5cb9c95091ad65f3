import { createServer } from 'node:http';

/** One request a receiver got. */
export interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/**
 * A local HTTP receiver for notification tests: records every POST by path and answers 200,
 * or 503 while `failing` has a count left for the path.
 */
export async function httpSink(): Promise<{ url: string; received: Received[]; failing: Map<string, number>; on: (path: string) => Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const failing = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const path = req.url ?? '';
      const left = failing.get(path) ?? 0;
      if (left > 0) {
        failing.set(path, left - 1);
        res.writeHead(503).end();
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ path, headers: req.headers, body: text ? JSON.parse(text) as unknown : undefined });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    failing,
    on: (path) => received.filter((r) => r.path === path),
    close: () => new Promise((r) => server.close(() => { r(); })),
  };
}
