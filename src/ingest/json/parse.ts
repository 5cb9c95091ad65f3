import type { AppendSession } from '../append.js';

/**
 * Our JSON import: one object per line (the format `/api/v1/export` writes, also
 * VictoriaMetrics's), `{"metric":{"__name__":"x","job":"a"},"values":[1,2],"timestamps":[t1,t2]}`
 * with timestamps in ms. Values are numbers or the strings "NaN", "+Inf", "-Inf", "stale".
 * A JSON array of such objects is accepted too. Returns per-line errors; good lines are stored.
 */
export function parseJsonImport(text: string, session: AppendSession): string[] {
  const errors: string[] = [];
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let items: unknown;
    try {
      items = JSON.parse(trimmed);
    } catch (err) {
      return [`body: ${(err as Error).message}`];
    }
    (items as unknown[]).forEach((item, i) => { importOne(item, `item ${i}`, session, errors); });
    return errors;
  }
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (line.trim() === '') continue;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch (err) {
      errors.push(`line ${lineNo}: ${(err as Error).message}`);
      session.reject('invalid_line', 1, `line ${lineNo}: not JSON`);
      continue;
    }
    importOne(item, `line ${lineNo}`, session, errors);
  }
  return errors;
}

function importOne(item: unknown, where: string, session: AppendSession, errors: string[]): void {
  const fail = (msg: string) => {
    errors.push(`${where}: ${msg}`);
    session.reject('invalid_line', 1, `${where}: ${msg}`);
  };
  if (typeof item !== 'object' || item === null) {
    fail('expected an object');
    return;
  }
  const { metric, values, timestamps } = item as { metric?: unknown; values?: unknown; timestamps?: unknown };
  if (typeof metric !== 'object' || metric === null || Array.isArray(metric)) {
    fail('"metric" must be an object of label names to string values');
    return;
  }
  const pairs = Object.entries(metric as Record<string, unknown>);
  if (!pairs.every(([, v]) => typeof v === 'string')) {
    fail('label values in "metric" must be strings');
    return;
  }
  if (!Array.isArray(values) || !Array.isArray(timestamps) || values.length !== timestamps.length) {
    fail('"values" and "timestamps" must be arrays of the same length');
    return;
  }
  const key = JSON.stringify(metric);
  const state = session.series(key, () => pairs as [string, string][], values.length);
  if (!state) return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as unknown;
    const ts = timestamps[i] as unknown;
    let value: number;
    let stale = false;
    if (typeof v === 'number') value = v;
    else if (v === 'NaN') value = Number.NaN;
    else if (v === '+Inf' || v === 'Inf') value = Infinity;
    else if (v === '-Inf') value = -Infinity;
    else if (v === 'stale') {
      value = Number.NaN;
      stale = true;
    } else {
      session.reject('invalid_value', 1, `${where}: invalid value ${JSON.stringify(v)}`);
      continue;
    }
    if (typeof ts !== 'number') {
      session.reject('invalid_timestamp', 1, `${where}: timestamp ${JSON.stringify(ts)} is not a number of ms`);
      continue;
    }
    session.sample(state, ts, value, stale);
  }
}
