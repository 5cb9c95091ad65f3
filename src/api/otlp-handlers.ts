import { encodePartialSuccess } from '../ingest/otlp/proto.js';
import type { OtlpIngest, OtlpResult } from '../ingest/otlp/otlp-ingest.js';
import type { ApiRequest, ApiResponse } from './types.js';

const header = (req: ApiRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * An OTLP/HTTP answer in the request's encoding: an empty Export*ServiceResponse, or one with
 * `partial_success` (the refused count under `rejectedKey` and the reasons).
 */
function answer(r: OtlpResult, rejectedKey: string): ApiResponse {
  if (r.json) {
    const body = r.rejected > 0 || r.message ? { partialSuccess: { [rejectedKey]: String(r.rejected), errorMessage: r.message } } : {};
    return { status: 200, body };
  }
  return { status: 200, body: encodePartialSuccess(r.rejected, r.message), contentType: 'application/x-protobuf' };
}

/** Handlers of the OTLP/HTTP receiver. */
export function otlpHandlers(ingest: OtlpIngest) {
  return {
    /** POST /v1/logs — ExportLogsServiceRequest, protobuf or JSON, optionally gzip. */
    logs: async (req: ApiRequest): Promise<ApiResponse> => answer(await ingest.logs(req.tenant, req.body, header(req, 'content-type'), header(req, 'content-encoding')), 'rejectedLogRecords'),
    /** POST /v1/metrics — ExportMetricsServiceRequest, into the PromQL store. */
    metrics: async (req: ApiRequest): Promise<ApiResponse> => answer(await ingest.metrics(req.tenant, req.body, header(req, 'content-type'), header(req, 'content-encoding')), 'rejectedDataPoints'),
    /** POST /v1/traces — ExportTraceServiceRequest. */
    traces: async (req: ApiRequest): Promise<ApiResponse> => answer(await ingest.traces(req.tenant, req.body, header(req, 'content-type'), header(req, 'content-encoding')), 'rejectedSpans'),
  };
}
