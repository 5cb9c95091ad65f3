/** Attributes, tags and the like as a definition list sorted by key; "none" when empty. */
export function KeyValues({ values }: { values: Readonly<Record<string, string>> }) {
  const keys = Object.keys(values).sort();
  if (keys.length === 0) return <p className="muted small">none</p>;
  return <dl className="kv">{keys.map((k) => <div key={k} style={{ display: 'contents' }}><dt>{k}</dt><dd>{values[k]}</dd></div>)}</dl>;
}
