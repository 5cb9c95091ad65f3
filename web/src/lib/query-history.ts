// The expressions a user ran, newest first, kept in the browser (localStorage) per kind of query.

const MAX = 50;

/** The stored history for `kind` (e.g. `promql`), newest first. */
export function readHistory(kind: string): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(`history.${kind}`) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** Puts `expr` first (once), keeping at most 50 entries; returns the new list. */
export function remember(kind: string, expr: string): string[] {
  const e = expr.trim();
  if (!e) return readHistory(kind);
  const list = [e, ...readHistory(kind).filter((x) => x !== e)].slice(0, MAX);
  localStorage.setItem(`history.${kind}`, JSON.stringify(list));
  return list;
}
