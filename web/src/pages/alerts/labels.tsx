/** Labels as small `name=value` chips, `alertname` first. */
export function Labels({ labels }: { labels: Record<string, string> }) {
  const keys = Object.keys(labels).sort((a, b) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : a.localeCompare(b)));
  return <span className="labels">{keys.map((k) => <span key={k} className="chip mono">{k}={labels[k]}</span>)}</span>;
}
