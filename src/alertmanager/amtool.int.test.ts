import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/server.js';

// The real amtool (Debian's prometheus-alertmanager, installed by the script if missing) talks
// to our Alertmanager API v2: adds an alert, lists it, silences it, expires the silence.
const INSTALL = fileURLToPath(new URL('../../scripts/install-debian.sh', import.meta.url));
let server: TestServer;

beforeAll(async () => {
  execFileSync('sh', [INSTALL, 'amtool=prometheus-alertmanager'], { stdio: 'inherit' });
  server = await startTestServer();
}, 600_000);
afterAll(async () => {
  await server.cleanup();
});

// Asynchronous: the server answers from this same process.
const run = promisify(execFile);
async function amtool(...args: string[]): Promise<string> {
  try {
    return (await run('amtool', [`--alertmanager.url=${server.url}`, ...args], { encoding: 'utf8', timeout: 30_000 })).stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`amtool ${args.join(' ')} failed: ${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

type Listed = { labels: Record<string, string>; annotations: Record<string, string>; status: { state: string; silencedBy: string[] } }[];

describe('amtool against our Alertmanager API', () => {
  it('adds and lists alerts, and adds, lists and expires silences', async () => {
    await amtool('alert', 'add', 'alertname=DiskFull', 'severity=page', 'instance=db-1', '--annotation=summary=disk is full');
    const listed = JSON.parse(await amtool('alert', 'query', '-o', 'json')) as Listed;
    expect(listed).toMatchObject([{ labels: { alertname: 'DiskFull', severity: 'page', instance: 'db-1' }, annotations: { summary: 'disk is full' }, status: { state: 'active' } }]);

    const id = (await amtool('silence', 'add', 'alertname=DiskFull', '--comment=maintenance', '--author=ops', '--duration=1h')).trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const silences = JSON.parse(await amtool('silence', 'query', '-o', 'json')) as { id: string; status: { state: string }; createdBy: string; comment: string; matchers: unknown[] }[];
    expect(silences).toMatchObject([{ id, status: { state: 'active' }, createdBy: 'ops', comment: 'maintenance', matchers: [{ name: 'alertname', value: 'DiskFull', isRegex: false }] }]);
    expect(JSON.parse(await amtool('alert', 'query', '-o', 'json'))).toEqual([]); // silenced alerts are hidden by default
    const silenced = JSON.parse(await amtool('alert', 'query', '--silenced', '-o', 'json')) as Listed;
    expect(silenced[0]!.status).toMatchObject({ state: 'suppressed', silencedBy: [id] });

    await amtool('silence', 'expire', id);
    expect(JSON.parse(await amtool('silence', 'query', '-o', 'json'))).toEqual([]);
    const expired = JSON.parse(await amtool('silence', 'query', '--expired', '-o', 'json')) as { id: string; status: { state: string } }[];
    expect(expired).toMatchObject([{ id, status: { state: 'expired' } }]);
    expect((JSON.parse(await amtool('alert', 'query', '-o', 'json')) as Listed)[0]!.status.state).toBe('active');
  });
});
