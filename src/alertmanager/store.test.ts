import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.js';
import { matches, parseMatcher } from './matchers.js';
import { AlertStore, fingerprint, RESOLVED_RETENTION_MS, SilenceStore } from './store.js';

const dir = tempDir('am');
afterAll(() => {
  dir.remove();
});

describe('Alertmanager matchers and stores', () => {
  it('parses matchers as amtool writes them, anchoring regexes', () => {
    expect(parseMatcher('alertname="Disk Full"')).toEqual({ name: 'alertname', value: 'Disk Full', isRegex: false, isEqual: true });
    expect(parseMatcher('job=~api|web')).toEqual({ name: 'job', value: 'api|web', isRegex: true, isEqual: true });
    expect(parseMatcher("env!='prod'")).toEqual({ name: 'env', value: 'prod', isRegex: false, isEqual: false });
    expect(matches(parseMatcher('job=~api'), { job: 'api-2' })).toBe(false);
    expect(matches(parseMatcher('team!~ops'), {})).toBe(true);
    expect(() => parseMatcher('=x')).toThrow('bad matcher format');
  });

  it('keeps silences across restarts, expires them, and tells which silence an alert', () => {
    const file = join(dir.path, 'silences.json');
    const s = new SilenceStore(file);
    const id = s.put({ matchers: [parseMatcher('alertname=DiskFull')], startsAt: 0, endsAt: 3_600_000, createdBy: 'ops', comment: 'm' }, 0);
    expect(s.silencing({ alertname: 'DiskFull', instance: 'a' }, 1000)).toEqual([id]);
    expect(s.silencing({ alertname: 'Other' }, 1000)).toEqual([]);
    const again = new SilenceStore(file);
    expect(again.get(id)).toMatchObject({ createdBy: 'ops', endsAt: 3_600_000 });
    expect(again.expire(id, 2000)).toBe(true);
    expect(again.expire(id, 3000)).toBe(false);
    expect(new SilenceStore(file).silencing({ alertname: 'DiskFull' }, 2500)).toEqual([]);
    expect(() => again.put({ id: 'nope', matchers: [], startsAt: 0, endsAt: 1, createdBy: '', comment: '' }, 0)).toThrow('not found');
  });

  it('keeps one alert per label set, with its first start, until it has been resolved a while', () => {
    const a = new AlertStore();
    const labels = { alertname: 'X', job: 'a' };
    a.put({ labels, annotations: {}, startsAt: 1000, endsAt: 10_000, updatedAt: 1000, generatorURL: '' });
    a.put({ labels, annotations: { summary: 'later' }, startsAt: 5000, endsAt: 20_000, updatedAt: 5000, generatorURL: '' });
    expect(a.active(6000)).toEqual([{ fingerprint: fingerprint(labels), alert: expect.objectContaining({ startsAt: 1000, endsAt: 20_000, annotations: { summary: 'later' } }) as unknown }]);
    expect(a.active(20_000)).toEqual([]);
    expect(fingerprint({ job: 'a', alertname: 'X' })).toBe(fingerprint(labels));
    expect(a.list(20_000 + RESOLVED_RETENTION_MS)).toHaveLength(1); // kept for its groups to notify
    expect(a.list(20_001 + RESOLVED_RETENTION_MS)).toEqual([]);
  });
});
