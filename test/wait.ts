/**
 * Polls `fn` until `ok` accepts its value and returns that value; throws after `timeoutMs`
 * naming `what` (plus `context()`, e.g. a child process's log).
 */
export async function eventually<T>(
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  opts: { timeoutMs?: number; context?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${opts.context ? `:\n${opts.context()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
