import { useCallback, useEffect, useState } from 'react';
import type { Envelope } from './types';

/** An API answered with an error: `message` is the server's own text. */
export class ApiRequestError extends Error {
  constructor(message: string, readonly status: number, readonly errorType?: string) {
    super(message);
  }
}

export type Params = Record<string, string | number | readonly string[] | undefined>;

/** A URL with its query string; empty and undefined parameters are left out, arrays repeat. */
export function apiUrl(path: string, params: Params = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') continue;
    if (typeof v === 'string' || typeof v === 'number') q.append(k, String(v));
    else for (const item of v) q.append(k, item);
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/**
 * Calls an API and returns its `data` (or the whole body for APIs without the envelope). Every
 * failure — network, HTTP status, `status: "error"` — becomes an ApiRequestError with a message
 * a person can read.
 */
export async function apiFetch<T>(path: string, opts: { params?: Params; method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.params), {
      method: opts.method ?? 'GET',
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body), headers: { 'content-type': 'application/json' } } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiRequestError(`cannot reach the server: ${(err as Error).message}`, 0);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiRequestError(res.ok ? `the server answered ${path} with something that is not JSON` : `${res.status} ${res.statusText}: ${text.slice(0, 200)}`, res.status);
  }
  const env = body as Partial<Envelope<T>> | undefined;
  if (!res.ok || env?.status === 'error') {
    throw new ApiRequestError(env?.error ?? `${res.status} ${res.statusText}`, res.status, env?.errorType);
  }
  return (env && 'data' in env && env.status === 'success' ? env.data : body) as T;
}

export interface ApiState<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  /** Fetches again with the same arguments. */
  reload: () => void;
}

/**
 * The one data hook: fetches `path` with `params` whenever either changes (a null path fetches
 * nothing), cancels the previous request, and keeps the last data while a new request runs.
 */
export function useApi<T>(path: string | null, params: Params = {}): ApiState<T> {
  const key = path === null ? null : apiUrl(path, params);
  const [result, setResult] = useState<{ key: string | null; nonce: number; data: T | undefined; error: string | undefined }>({ key: null, nonce: 0, data: undefined, error: undefined });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    if (key === null) return;
    const ctl = new AbortController();
    apiFetch<T>(key, { signal: ctl.signal }).then(
      (data) => { if (!ctl.signal.aborted) setResult({ key, nonce, data, error: undefined }); },
      (err: unknown) => {
        if (ctl.signal.aborted || (err as Error).name === 'AbortError') return;
        setResult((r) => ({ key, nonce, data: r.data, error: (err as Error).message }));
      },
    );
    return () => { ctl.abort(); };
  }, [key, nonce]);
  const reload = useCallback(() => { setNonce((n) => n + 1); }, []);
  const current = result.key === key && result.nonce === nonce;
  return { data: result.data, error: current ? result.error : undefined, loading: key !== null && !current, reload };
}
