/**
 * The error catalogue: every error the HTTP API returns is one of these codes, with a fixed HTTP
 * status and a Prometheus `errorType`. The README documents each code (a test checks it).
 * Response body: {"status":"error","errorType":…,"error":"<message>","code":…, …details}.
 */
export const ERROR_CODES = {
  BAD_PARAMETER: { status: 400, errorType: 'bad_data', summary: 'a query parameter is missing or malformed' },
  BAD_ENCODING: { status: 400, errorType: 'bad_data', summary: 'the body could not be decompressed (snappy, gzip or deflate)' },
  BAD_PROTOBUF: { status: 400, errorType: 'bad_data', summary: 'the body is not a valid protobuf message of the expected type' },
  BAD_TEXT: { status: 400, errorType: 'bad_data', summary: 'lines of a Prometheus text or OpenMetrics body could not be parsed (line numbers given)' },
  BAD_JSON: { status: 400, errorType: 'bad_data', summary: 'the body is not the JSON the endpoint expects' },
  SAMPLES_REJECTED: { status: 400, errorType: 'bad_data', summary: 'some samples were refused (invalid labels, out of order, duplicates); the rest were stored' },
  BAD_QUERY: { status: 400, errorType: 'bad_data', summary: 'the PromQL expression does not parse or its types do not fit (position given as line:column)' },
  QUERY_EXECUTION: { status: 422, errorType: 'execution', summary: 'the query failed while evaluating (e.g. many-to-many matching, duplicate label sets)' },
  QUERY_LIMIT: { status: 422, errorType: 'execution', summary: 'the query would load more samples or series than query.max_samples / query.max_series, or return more than query.max_points_per_series points' },
  QUERY_TIMEOUT: { status: 503, errorType: 'timeout', summary: 'the query ran longer than its timeout (query.timeout or the request\'s `timeout`)' },
  QUERY_CANCELED: { status: 499, errorType: 'canceled', summary: 'the client went away before the query finished (Prometheus\'s 499)' },
  BAD_RULES: { status: 400, errorType: 'bad_data', summary: 'a rule file given to a reload is invalid (file:line:column given); the running rules are kept' },
  NOT_FOUND: { status: 404, errorType: 'not_found', summary: 'no such endpoint' },
  CONFLICT: { status: 409, errorType: 'bad_data', summary: 'a dashboard was saved by someone else since the version given: load it again and save on top of it' },
  UNAUTHORIZED: { status: 401, errorType: 'unauthorized', summary: 'missing or wrong credentials (a Sentry DSN public key)' },
  BODY_TOO_LARGE: { status: 413, errorType: 'bad_data', summary: 'the body (after decompression) exceeds server.body_limit' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, errorType: 'bad_data', summary: 'unsupported Content-Type, Content-Encoding or remote_write protobuf message' },
  RATE_LIMITED: { status: 429, errorType: 'unavailable', summary: 'Sentry ingest while the server is behind: retry after Retry-After (also in X-Sentry-Rate-Limits)' },
  OVERLOADED: { status: 503, errorType: 'unavailable', summary: 'too much ingested data is not yet stored; retry after the Retry-After seconds' },
  STORAGE_UNAVAILABLE: { status: 503, errorType: 'unavailable', summary: 'ClickHouse did not answer' },
  INTERNAL: { status: 500, errorType: 'internal', summary: 'an unexpected server error' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error with a catalogue code; `details` are merged into the JSON body. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly errorType: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = ERROR_CODES[code].status;
    this.errorType = ERROR_CODES[code].errorType;
  }

  body(): Record<string, unknown> {
    return { status: 'error', errorType: this.errorType, error: this.message, code: this.code, ...this.details };
  }
}
