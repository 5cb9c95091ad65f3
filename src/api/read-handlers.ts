import type { MetricsReader, SeriesSamples } from '../storage/interface.js';
import { STALE_FLAG } from '../storage/interface.js';
import { ApiError } from './errors.js';
import { limit, matchers, MAX_TIME, MIN_TIME, single, timeRange } from './params.js';
import { ok, type ApiRequest, type ApiResponse } from './types.js';

export interface BuildInfo {
  version: string;
  revision: string;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Handlers of the Prometheus-compatible metadata and export endpoints. */
export function readHandlers(reader: MetricsReader, build: BuildInfo, now: () => number) {
  const fullRange = () => ({ start: MIN_TIME, end: MAX_TIME });
  return {
    /** GET|POST /api/v1/series */
    series: async (req: ApiRequest): Promise<ApiResponse> => {
      const sets = matchers(req, true);
      return ok(await reader.series(req.tenant, sets, timeRange(req, fullRange()), limit(req)));
    },

    /** GET|POST /api/v1/labels */
    labels: async (req: ApiRequest): Promise<ApiResponse> => {
      return ok(await reader.labelNames(req.tenant, matchers(req, false), timeRange(req, fullRange()), limit(req)));
    },

    /** GET /api/v1/label/:name/values */
    labelValues: async (req: ApiRequest): Promise<ApiResponse> => {
      let name = req.params.name ?? '';
      if (name.startsWith('U__')) name = decodeUtf8Name(name);
      if (name !== '__name__' && !LABEL_NAME.test(name)) throw new ApiError('BAD_PARAMETER', `invalid label name: "${name}"`);
      return ok(await reader.labelValues(req.tenant, name, matchers(req, false), timeRange(req, fullRange()), limit(req)));
    },

    /** GET /api/v1/metadata */
    metadata: async (req: ApiRequest): Promise<ApiResponse> => {
      const metric = single(req, 'metric');
      const m = await reader.metadata(req.tenant, { ...(metric ? { metric } : {}), limit: limit(req), limitPerMetric: limit(req, 'limit_per_metric') });
      return ok(Object.fromEntries(m));
    },

    /** GET /api/v1/status/buildinfo */
    buildinfo: (): Promise<ApiResponse> => {
      return Promise.resolve(ok({
        version: build.version,
        revision: build.revision,
        branch: 'main',
        buildUser: 'allseer',
        buildDate: '',
        goVersion: `node ${process.version}`,
      }));
    },

    /**
     * GET|POST /api/v1/export — raw samples as JSON lines (the format /api/v1/import reads), or
     * with `format=prometheus` (and at /api/v1/export/prometheus) in Prometheus's text format, one
     * line per sample with its millisecond timestamp (staleness markers left out).
     */
    exportJson: async (req: ApiRequest): Promise<ApiResponse> => {
      const format = req.params.format ?? single(req, 'format') ?? 'json';
      if (format !== 'json' && format !== 'prometheus') throw new ApiError('BAD_PARAMETER', `invalid export format "${format}": json or prometheus`);
      const text = format === 'prometheus';
      const sets = matchers(req, true);
      const range = timeRange(req, { start: MIN_TIME, end: now() });
      const seen = new Set<string>();
      const lines: string[] = [];
      for (const set of sets) {
        for await (const s of reader.select(req.tenant, set, range)) {
          const key = JSON.stringify(s.labels);
          if (seen.has(key)) continue;
          seen.add(key);
          lines.push(text ? exportText(s) : exportLine(s));
        }
      }
      if (text) return { body: lines.join(''), contentType: 'text/plain; version=0.0.4; charset=utf-8' };
      return { body: lines.length ? `${lines.join('\n')}\n` : '', contentType: 'application/x-ndjson' };
    },
  };
}

function exportValue(v: number, flags: number): number | string {
  if (flags & STALE_FLAG) return 'stale';
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return v;
}

/** A series' samples in Prometheus's text format (`name{a="b"} value timestamp_ms` lines). */
function exportText(s: SeriesSamples): string {
  const { __name__: name = '', ...rest } = s.labels;
  const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  const labels = Object.keys(rest).sort().map((k) => `${k}="${escape(rest[k]!)}"`).join(',');
  const head = labels ? `${name}{${labels}}` : name;
  let out = '';
  for (let i = 0; i < s.values.length; i++) {
    if (s.flags[i]! & STALE_FLAG) continue;
    out += `${head} ${exportValue(s.values[i]!, 0)} ${s.timestamps[i]!}\n`;
  }
  return out;
}

function exportLine(s: SeriesSamples): string {
  return JSON.stringify({ metric: s.labels, values: Array.from(s.values, (v, i) => exportValue(v, s.flags[i]!)), timestamps: Array.from(s.timestamps) });
}

/** Prometheus's escaping for non-legacy label names in URLs: U__ then _xx_ hex code points. */
function decodeUtf8Name(name: string): string {
  return name.slice(3).replace(/_([0-9a-fA-F]+)_/g, (_m, hex: string) => String.fromCodePoint(parseInt(hex, 16))).replace(/__/g, '_');
}
