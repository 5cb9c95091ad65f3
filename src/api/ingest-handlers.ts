import type { MetricsIngest } from '../ingest/metrics-ingest.js';
import { rejectionError } from '../ingest/metrics-ingest.js';
import { ApiError } from './errors.js';
import type { ApiRequest, ApiResponse } from './types.js';

const header = (req: ApiRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Handlers of the metrics ingest endpoints. */
export function ingestHandlers(ingest: MetricsIngest) {
  return {
    /** POST /api/v1/write — Prometheus remote_write 1.0 and 2.0. */
    remoteWrite: async (req: ApiRequest): Promise<ApiResponse> => {
      const r = await ingest.remoteWrite(req.tenant, req.body, header(req, 'content-type'), header(req, 'content-encoding'));
      const headers: Record<string, string> = r.version === 2
        ? {
          'X-Prometheus-Remote-Write-Samples-Written': String(r.summary.accepted),
          'X-Prometheus-Remote-Write-Histograms-Written': '0',
          'X-Prometheus-Remote-Write-Exemplars-Written': '0',
        }
        : {};
      const histogramsOnly = r.summary.errors.every((e) => e.reason === 'native_histogram_unsupported');
      if (r.summary.rejected > 0 && !histogramsOnly) {
        const err = rejectionError(r.summary);
        throw new ApiError(err.code, err.message, err.details, headers);
      }
      return { status: 204, headers };
    },

    /** POST /api/v1/import/prometheus — text format 0.0.4 or OpenMetrics. */
    importPrometheus: async (req: ApiRequest): Promise<ApiResponse> => {
      const extra = (req.query.get('extra_label') ?? []).map((s): [string, string] => {
        const i = s.indexOf('=');
        if (i <= 0) throw new ApiError('BAD_PARAMETER', `extra_label must be name=value, got "${s}"`);
        return [s.slice(0, i), s.slice(i + 1)];
      });
      await ingest.importText(req.tenant, req.body, header(req, 'content-type'), header(req, 'content-encoding'), extra);
      return { status: 204 };
    },

    /** POST /api/v1/import — JSON lines as written by /api/v1/export. */
    importJson: async (req: ApiRequest): Promise<ApiResponse> => {
      await ingest.importJson(req.tenant, req.body, header(req, 'content-encoding'));
      return { status: 204 };
    },
  };
}
