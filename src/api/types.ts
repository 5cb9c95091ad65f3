/** What a route handler sees: already-read body, multi-valued query/form params, the tenant. */
export interface ApiRequest {
  readonly tenant: string;
  readonly params: Readonly<Record<string, string>>;
  /** Query string and urlencoded form fields merged; repeated keys keep every value. */
  readonly query: ReadonlyMap<string, readonly string[]>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** Aborted when the client goes away before the answer is written. */
  readonly signal?: AbortSignal;
}

/** What a handler returns; the adapter in server.ts writes it. */
export interface ApiResponse {
  status?: number;
  headers?: Record<string, string>;
  /** JSON-serialised unless it is a string, Buffer or stream (sent as it comes). Omit for an empty body. */
  body?: unknown;
  contentType?: string;
}

export type Handler = (req: ApiRequest) => Promise<ApiResponse>;

/** One entry of the route table. `admit` runs before the body is read (ingest backpressure). */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  handler: Handler;
  admit?: () => void;
}

/** Prometheus API success envelope. */
/** A success answer; `warnings` and `infos` (Prometheus 3) appear only when there are any. */
export function ok(data: unknown, warnings: string[] = [], infos: string[] = []): ApiResponse {
  return { body: { status: 'success', data, ...(warnings.length ? { warnings } : {}), ...(infos.length ? { infos } : {}) } };
}
